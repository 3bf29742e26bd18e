// What the broker gets: password hashes in Mosquitto 2's `$7$` format (checked against a line written by
// mosquitto_passwd 2.0.11 itself), the topics a gateway may use, and the two files.
import { describe, expect, it } from "vitest";
import {
  aclFile,
  gatewayTopics,
  generatePassword,
  mosquittoPasswordHash,
  passwordFile,
  verifyMosquittoPassword,
} from "~/telemetry/mosquitto.server";
import { topicMatches } from "../../../ingest/sources/mqtt/topic"; // the broker's matching rules, as the ingest applies them

// `mosquitto_passwd -c -b pw alice secret-pw` on Debian 12 (Mosquitto 2.0.11) wrote this line.
const FROM_MOSQUITTO_PASSWD = "$7$101$TPJYybR8bx2LlKBJ$5qjFAumIfzcgrksqVi97j62Pey28hevXDFQW/TD+FS6vhoQDuOVsMUXRkXb4hDHUuEUvH2Zz13fx8e9XRpoH5A==";

describe("Mosquitto password hashes", () => {
  it("are exactly what mosquitto_passwd writes for the same salt", () => {
    expect(mosquittoPasswordHash("secret-pw", Buffer.from("TPJYybR8bx2LlKBJ", "base64"), 101)).toBe(FROM_MOSQUITTO_PASSWD);
  });

  it("verify the right password only, and nothing that is not a $7$ hash", () => {
    expect(verifyMosquittoPassword("secret-pw", FROM_MOSQUITTO_PASSWD)).toBe(true);
    expect(verifyMosquittoPassword("secret-pW", FROM_MOSQUITTO_PASSWD)).toBe(false);
    expect(verifyMosquittoPassword("secret-pw", FROM_MOSQUITTO_PASSWD.replace("$7$", "$6$"))).toBe(false);
    expect(verifyMosquittoPassword("secret-pw", "$7$101$c2FsdA==$c2hvcnQ=")).toBe(false); // a 5-byte "hash"
    expect(verifyMosquittoPassword("x", "")).toBe(false);
  });

  it("use a fresh 12-byte salt each time and 101 iterations (Mosquitto's default)", () => {
    const a = mosquittoPasswordHash("same");
    const b = mosquittoPasswordHash("same");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyMosquittoPassword("same", a) && verifyMosquittoPassword("same", b)).toBe(true);
    expect(() => mosquittoPasswordHash("x", undefined, 0)).toThrow(/iterations/);
  });

  it("protect generated passwords of 24 random bytes", () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("a gateway's topics", () => {
  const grants = gatewayTopics({ sparkplugGroup: "ningbo-demo", topicRoot: "factory/ningbo-demo" });
  const allowed = (topic: string, access: "read" | "write") => grants.some((g) => (g.access === access || g.access === "readwrite") && topicMatches(g.topic, topic));

  it("are its Sparkplug group, the host STATE topics (read only) and its JSON root", () => {
    expect(grants).toEqual([
      { access: "readwrite", topic: "spBv1.0/ningbo-demo/#" },
      { access: "read", topic: "spBv1.0/STATE/#" },
      { access: "readwrite", topic: "factory/ningbo-demo/#" },
    ]);
    expect(allowed("spBv1.0/ningbo-demo/DDATA/line1/M1", "write")).toBe(true);
    expect(allowed("spBv1.0/ningbo-demo/NCMD/line1", "read")).toBe(true);
    expect(allowed("factory/ningbo-demo/line1/M1/telemetry", "write")).toBe(true);
    expect(allowed("spBv1.0/STATE/zhiping", "read")).toBe(true);
  });

  it("never cover another enterprise, even one whose id starts the same", () => {
    expect(allowed("spBv1.0/ningbo-demo-2/DDATA/line1/M1", "write")).toBe(false);
    expect(allowed("factory/ningbo-demo2/line1/M1/telemetry", "write")).toBe(false);
    expect(allowed("factory/other/line1/M1/telemetry", "read")).toBe(false);
    expect(allowed("spBv1.0/STATE/zhiping", "write")).toBe(false);
    expect(allowed("factory", "write")).toBe(false);
  });
});

describe("the broker files", () => {
  const hash = mosquittoPasswordHash("pw", Buffer.alloc(12, 1));
  const account = { username: "ningbo-demo.edge-1", passwordHash: hash, grants: gatewayTopics({ sparkplugGroup: "ningbo-demo", topicRoot: "factory/ningbo-demo" }), comment: "宁波示例 · gateway edge-1" };

  it("are one user:hash line per account, and a user section per account", () => {
    expect(passwordFile([account])).toBe(`ningbo-demo.edge-1:${hash}\n`);
    expect(aclFile([account], "Written by zhiping\nfor Mosquitto 2")).toBe(
      [
        "# Written by zhiping",
        "# for Mosquitto 2",
        "",
        "# 宁波示例 · gateway edge-1",
        "user ningbo-demo.edge-1",
        "topic readwrite spBv1.0/ningbo-demo/#",
        "topic read spBv1.0/STATE/#",
        "topic readwrite factory/ningbo-demo/#",
        "",
      ].join("\n"),
    );
  });

  it("refuse what would break the files' syntax", () => {
    expect(() => passwordFile([{ ...account, username: "a:b" }])).toThrow(/cannot be written/);
    expect(() => passwordFile([{ ...account, username: "a b" }])).toThrow(/cannot be written/);
    expect(() => passwordFile([{ ...account, passwordHash: "plain" }])).toThrow(/not a Mosquitto \$7\$ hash/);
    expect(() => aclFile([{ ...account, grants: [{ access: "read", topic: "a b" }] }], "")).toThrow(/ACL file/);
  });
});
