import { afterEach, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { clientAddress, isHttps, isSameOriginRequest, publicOrigin } from "~/auth/request.server";
import { safeRedirect } from "~/auth/session.server";

const req = (url: string, method = "GET", headers: Record<string, string> = {}) => new Request(url, { method, headers });

describe("same-origin check on mutating requests", () => {
  afterEach(() => delete process.env.TRUST_PROXY);

  it("lets reads through and checks Origin, then Referer, on posts", () => {
    expect(isSameOriginRequest(req("http://app.test/x", "GET", { origin: "http://evil.test" }))).toBe(true);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { origin: "http://app.test" }))).toBe(true);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { origin: "http://evil.test" }))).toBe(false);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { origin: "null" }))).toBe(false);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { referer: "http://app.test/form" }))).toBe(true);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { referer: "http://evil.test/form" }))).toBe(false);
    expect(isSameOriginRequest(req("http://app.test/x", "POST", { referer: "not a url" }))).toBe(false);
    expect(isSameOriginRequest(req("http://app.test/x", "POST"))).toBe(true); // no browser origin: SameSite protects
  });

  it("believes forwarded scheme and host only behind a trusted proxy", () => {
    const behind = req("http://10.0.0.5:3000/x", "POST", { origin: "https://zhiping.example", "x-forwarded-proto": "https", "x-forwarded-host": "zhiping.example" });
    expect(isHttps(behind)).toBe(false);
    expect(isSameOriginRequest(behind)).toBe(false);
    process.env.TRUST_PROXY = "1";
    expect(isHttps(behind)).toBe(true);
    expect(publicOrigin(behind)).toBe("https://zhiping.example");
    expect(isSameOriginRequest(behind)).toBe(true);
  });

  it("takes the client address the trusted proxy appended, not what the client wrote", () => {
    const r = req("http://app.test/", "GET", { "x-forwarded-for": "6.6.6.6, 203.0.113.9" });
    expect(clientAddress(r)).toBeNull();
    process.env.TRUST_PROXY = "1";
    expect(clientAddress(r)).toBe("203.0.113.9");
    process.env.TRUST_PROXY = "2";
    expect(clientAddress(r)).toBe("6.6.6.6");
    expect(clientAddress(r, { clientAddress: "198.51.100.7" })).toBe("198.51.100.7");
  });

  it("redirects only to local paths", () => {
    expect(safeRedirect("/orgs/abc?x=1")).toBe("/orgs/abc?x=1");
    expect(safeRedirect("//evil.test/")).toBe("/orgs");
    expect(safeRedirect("/\\evil.test")).toBe("/orgs");
    expect(safeRedirect("https://evil.test/")).toBe("/orgs");
    expect(safeRedirect(null, "/")).toBe("/");
  });
});

describe("scrypt password hashes", () => {
  it("verifies the right password only, with a fresh salt each time and the cost stored in the hash", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", a)).toBe(false);
    expect(await verifyPassword("correct horse battery staple", "plain")).toBe(false);
    expect(await verifyPassword("x", "scrypt$999999999$8$1$AAAA$AAAA")).toBe(false); // absurd cost refused
  });

  it("treats canonically equal Unicode passwords as equal (NFC)", async () => {
    const hash = await hashPassword("Caf\u00e9-密码-123");
    expect(await verifyPassword("Cafe\u0301-密码-123", hash)).toBe(true);
  });
});
