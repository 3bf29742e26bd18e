// Evidence per answer: multipart uploads checked by content and size, links, removal, and downloads
// only through the access-checked route.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "./harness";
import { getDb } from "~/db/db.server";
import { clearFrameworkCache } from "~/domain/frameworks.server";
import { createAssessment } from "~/repos/assessments.server";
import * as evidenceAction from "~/routes/assessments.$assessmentId.evidence";
import * as download from "~/routes/evidence.$evidenceId";
import * as qPage from "~/routes/assessments.$assessmentId.q.$pageId";

const FIXTURES = fileURLToPath(new URL("../../unit/app/fixtures", import.meta.url));

function upload(fields: Record<string, string>, file?: { name: string; bytes: Uint8Array; type?: string }): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type ?? "application/octet-stream" }));
  return form;
}

describe("evidence uploads and downloads", () => {
  let app: TestApp;
  let member: Awaited<ReturnType<typeof makeUser>>;
  let stranger: Awaited<ReturnType<typeof makeUser>>;
  let orgId: string;
  let assessmentId: string;
  const returnTo = () => `/assessments/${assessmentId}/q/basic`;

  beforeAll(async () => {
    process.env.ZHIPING_FRAMEWORKS_DIR = FIXTURES;
    clearFrameworkCache();
    app = await startTestApp();
    orgId = await makeOrganization({ name: "佐证企业" });
    member = await makeUser("member", { organizationId: orgId });
    stranger = await makeUser("member", { organizationId: await makeOrganization({ name: "别家" }) });
    assessmentId = await createAssessment(await getDb(), { organizationId: orgId, frameworkId: "mini-sme", frameworkVersion: "1.0.0", industryType: "discrete", actorId: member.id });
  });
  afterAll(async () => {
    await app.close();
    delete process.env.ZHIPING_FRAMEWORKS_DIR;
    clearFrameworkCache();
  });

  const post = (form: FormData, headers: Record<string, string> = {}) =>
    call(evidenceAction.action, { method: "POST", path: `/assessments/${assessmentId}/evidence`, params: { assessmentId }, cookie: member.cookie, form, headers });

  it("stores an accepted file under a random name and lists it with its question", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n");
    const r = await post(upload({ intent: "upload", questionId: "net", returnTo: returnTo() }, { name: "网络拓扑图.pdf", bytes: pdf, type: "text/html" }));
    expect(r.status).toBe(302);
    expect(r.location).toBe(`${returnTo()}#q-net`);
    const row = await (await getDb()).selectFrom("evidence").selectAll().where("assessmentId", "=", assessmentId).executeTakeFirstOrThrow();
    // the browser's claimed type is ignored: the content decides
    expect(row).toMatchObject({ kind: "file", fileName: "网络拓扑图.pdf", contentType: "application/pdf", sizeBytes: pdf.length, questionId: "net" });
    expect(row.storedName).toMatch(/^[0-9a-f]{32}$/);
    expect(readdirSync(join(app.dataDir, "evidence", orgId))).toEqual([row.storedName]);
    const page = await call(qPage.loader, { path: returnTo(), params: { assessmentId, pageId: "basic" }, cookie: member.cookie });
    expect((page.data as any).evidence.net).toEqual([{ id: row.id, kind: "file", label: "网络拓扑图.pdf", url: null, sizeBytes: pdf.length }]);
  });

  it("sends errors back to the question: wrong type, mismatched extension, empty, unknown question, bad link", async () => {
    const cases: Array<[FormData, string]> = [
      [upload({ intent: "upload", questionId: "net", returnTo: returnTo() }, { name: "tool.exe", bytes: new TextEncoder().encode("MZ\u0090") }), "type"],
      [upload({ intent: "upload", questionId: "net", returnTo: returnTo() }, { name: "photo.png", bytes: new TextEncoder().encode("%PDF-1.4") }), "extension"],
      [upload({ intent: "upload", questionId: "net", returnTo: returnTo() }), "empty"],
      [upload({ intent: "link", questionId: "no-such-question", returnTo: returnTo(), url: "https://a.test" }), "question"],
      [upload({ intent: "link", questionId: "net", returnTo: returnTo(), url: "javascript:alert(1)" }), "url"],
    ];
    for (const [form, code] of cases) {
      const r = await post(form);
      expect(r.status, code).toBe(302);
      const q = code === "question" ? "no-such-question" : "net";
      expect(r.location, code).toBe(`${returnTo()}?evidenceError=${code}&eq=${q}#q-${q}`);
    }
    expect(await (await getDb()).selectFrom("evidence").select("id").where("assessmentId", "=", assessmentId).execute()).toHaveLength(1);
  });

  it("refuses a body over 10 MB before reading it", async () => {
    const r = await post(upload({ intent: "upload", questionId: "net", returnTo: returnTo() }, { name: "x.pdf", bytes: new Uint8Array(8) }), { "content-length": String(11 * 1024 * 1024) });
    expect(r.location).toContain("evidenceError=tooLarge");
  });

  it("refuses a file part over 10 MB while streaming it", async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(new TextEncoder().encode("%PDF-1.7"));
    const r = await post(upload({ intent: "upload", questionId: "cloud", returnTo: returnTo() }, { name: "big.pdf", bytes: big }));
    expect(r.location).toContain("evidenceError=tooLarge");
  });

  it("downloads as an attachment with the sniffed type for the enterprise, 404 for anyone else", async () => {
    const row = await (await getDb()).selectFrom("evidence").selectAll().where("assessmentId", "=", assessmentId).executeTakeFirstOrThrow();
    const mine = await call(download.loader, { path: `/evidence/${row.id}`, params: { evidenceId: row.id }, cookie: member.cookie });
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-type")).toBe("application/pdf");
    expect(mine.headers.get("x-content-type-options")).toBe("nosniff");
    expect(mine.headers.get("content-disposition")).toBe(`attachment; filename="_____.pdf"; filename*=UTF-8''${encodeURIComponent("网络拓扑图.pdf")}`);
    expect(mine.body).toBe("%PDF-1.7\n1 0 obj\n");
    const theirs = await call(download.loader, { path: `/evidence/${row.id}`, params: { evidenceId: row.id }, cookie: stranger.cookie });
    expect(theirs.status).toBe(404);
  });

  it("adds links and removes evidence (the file goes from disk too)", async () => {
    const link = await post(upload({ intent: "link", questionId: "cloud", returnTo: returnTo(), url: "https://cloud.example/certificate" }));
    expect(link.status).toBe(302);
    const db = await getDb();
    const file = await db.selectFrom("evidence").selectAll().where("kind", "=", "file").executeTakeFirstOrThrow();
    const removed = await post(upload({ intent: "remove", evidenceId: file.id, returnTo: returnTo() }));
    expect(removed.location).toBe(`${returnTo()}#q-net`);
    expect(existsSync(join(app.dataDir, "evidence", orgId, file.storedName!))).toBe(false);
    const left = await db.selectFrom("evidence").select(["kind", "url"]).where("assessmentId", "=", assessmentId).execute();
    expect(left).toEqual([{ kind: "link", url: "https://cloud.example/certificate" }]);
  });
});
