// The `zhiping assess` and `zhiping frameworks` commands, run as a consultant or a script would run them.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const example = (name: string) => path.join(root, "assessments/examples", name);
let tmp: string;

function zhiping(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts/zhiping.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, ZHIPING_FRAMEWORKS_DIR: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "zhiping-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

// Each test spawns node + tsx (about a second, more on a busy machine): allow for it.
describe.concurrent("zhiping assess", { timeout: 30_000 }, () => {
  it("prints a readable report in Chinese by default", async () => {
    const r = await zhiping(["assess", example("sme-base-59.9.json")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("等级: 2 · 二级");
    expect(r.stdout).toContain("总分: 59.9 / 100");
    expect(r.stdout).toContain("基础分 59.9 未达到 3 级要求的 60（差 0.1）");
    // the one action that closes the gap: adding the human-resources link
    expect(r.stdout).toMatch(/1 {2}★ +1 {2}data-collection +\+ 人力资源/);
  });

  it("prints English with --lang en and both rules where they disagree", async () => {
    const r = await zhiping(["assess", "--lang", "en", example("cmmm-gate-bands-disagree.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Level: 2 · Standardised");
    expect(r.stdout).toContain("gate rule: 2 · Standardised · score bands: 1 · Planning · reported by: gate rule");
    expect(r.stdout).toContain("Total: 1.6 / 5");
  });

  it("prints the result as JSON for scripts, naming the framework version", async () => {
    const r = await zhiping(["assess", "--json", "--framework", "future-factory", example("future-factory-smart-factory.json")]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ frameworkId: "future-factory", frameworkVersion: "1.0.0", model: "readiness", level: { value: 2 } });
    expect(result.extras.tier.value).toBe("excellent");
  });

  it("scores a bare answers object read from stdin", async () => {
    const r = await zhiping(["assess", "--json", "--framework", "sme-digital-2024", "-"], JSON.stringify({ planning: "reviewed", "equipment-networked-rate": "65%" }));
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.total.score).toBe(13.5);
    expect(result.completeness).toMatchObject({ answered: 2, total: 32 });
  });

  it("names each bad answer and why, and exits 1", async () => {
    const r = await zhiping(["assess", example("invalid-sme-answers.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      `${example("invalid-sme-answers.json")}: question "network": 未知选项 "fibre-to-the-moon"；可选 office-network, shop-floor-network, dedicated-line, platform-interconnect`,
      `${example("invalid-sme-answers.json")}: question "equipment-networked-rate": 135% 超出 0–100% 的范围`,
      `${example("invalid-sme-answers.json")}: question "scene-quality": 5 不是场景等级；可选 0–4（0 表示未达到 1 级）`,
      `${example("invalid-sme-answers.json")}: question "no-such-question": 框架 sme-digital-2024 中没有题目 "no-such-question"`,
    ]);
    const en = await zhiping(["assess", "--lang", "en", example("invalid-sme-answers.json")]);
    expect(en.stderr).toContain('question "equipment-networked-rate": 135% is outside 0–100%');
  });

  it("gives the line and column of broken JSON", async () => {
    const p = file("broken.json", '{\n  "framework": "cmmm",\n  "answers": { "data.l1.1": "full", }\n}\n');
    const r = await zhiping(["assess", p]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`${p}: invalid JSON at line 3, column 37: expected a property name in double quotes`);
  });

  it("names the field of a malformed answers file", async () => {
    const p = file("envelope.json", JSON.stringify({ framework: "cmmm", industry: "process", answers: {} }));
    const r = await zhiping(["assess", p]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`${p}: (root): Unrecognized key: "industry"`);
  });

  it("refuses a file written for another framework", async () => {
    const r = await zhiping(["assess", "--framework", "cmmm", example("sme-level2.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the file is for framework "sme-digital-2024", not "cmmm"');
  });

  it("reports a file it cannot read", async () => {
    const r = await zhiping(["assess", "--framework", "cmmm", path.join(tmp, "missing.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`${path.join(tmp, "missing.json")}: cannot read (ENOENT)`);
  });

  it.each([
    { args: ["assess"], message: "give one answers file", code: 2 },
    { args: ["assess", "--framework", "nope", example("sme-level2.json")], message: 'file is for framework "sme-digital-2024", not "nope"', code: 1 },
    { args: ["assess", "--framework", "nope", "-"], message: 'unknown framework "nope"; available: cmmm, future-factory, sme-digital-2024', code: 2 },
    { args: ["assess", "--industry", "chemical", example("sme-level2.json")], message: "--industry must be discrete or process", code: 2 },
    { args: ["assess", "--lang", "fr", example("sme-level2.json")], message: "--lang must be zh or en", code: 2 },
    { args: ["assess", "--bogus", example("sme-level2.json")], message: "Unknown option '--bogus'", code: 2 },
  ])("exits $code: $message", async ({ args, message, code }) => {
    const r = await zhiping(args, args.includes("-") ? "{}" : undefined);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });
});

describe.concurrent("zhiping frameworks", { timeout: 30_000 }, () => {
  it("lists every framework with its version and question counts", async () => {
    const r = await zhiping(["frameworks"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cmmm +1\.0\.0 +maturity +5 +202 +rating 202/);
    expect(r.stdout).toMatch(/sme-digital-2024 +1\.0\.0 +points +4 +32 +multi 6, percentage 3, sceneLevel 16, single 7/);
    expect(r.stdout).toMatch(/future-factory +1\.0\.0 +readiness +3 +30 /);
  });

  it("reports a bad file with its path and fault and exits 1", async () => {
    const dir = mkdtempSync(path.join(tmp, "fw-"));
    writeFileSync(path.join(dir, "broken.json"), '{ "id": "broken", }');
    const r = await zhiping(["frameworks", "--json", "--dir", dir]);
    expect(r.code).toBe(1);
    const listing = JSON.parse(r.stdout);
    expect(listing.frameworks).toEqual([]);
    expect(listing.errors).toEqual([{ file: path.join(dir, "broken.json"), message: "invalid JSON at line 1, column 19: expected a property name in double quotes" }]);
    expect(r.stderr).toContain(`✗ ${path.join(dir, "broken.json")}`);
  });
});
