// app/domain/frameworks.server.ts: the only reader of framework files. Bad files are reported with their
// path and fault while the others load; older versions stay available by version.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  clearFrameworkCache,
  compareVersions,
  frameworksDir,
  getFramework,
  listFrameworks,
  loadFrameworks,
} from "../../../app/domain/frameworks.server";
import { maturityRaw } from "./fixtures";

const repoFrameworks = fileURLToPath(new URL("../../../assessments/frameworks", import.meta.url));
const cmmmText = readFileSync(path.join(repoFrameworks, "cmmm.json"), "utf8");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "zhiping-frameworks-"));
  writeFileSync(path.join(dir, "cmmm.json"), cmmmText);
  writeFileSync(path.join(dir, "cmmm@0.9.0.json"), cmmmText.replace('"version": "1.0.0"', '"version": "0.9.0"'));
  writeFileSync(path.join(dir, "broken.json"), '{\n  "id": "broken",\n  "version": ,\n}\n');
  const bad = maturityRaw() as { id: string; scoring: { weights: { discrete: Record<string, number> } } };
  bad.id = "bad-weights";
  bad.scoring.weights.discrete = { a: 0.3, b: 0.8 };
  writeFileSync(path.join(dir, "bad-weights.json"), JSON.stringify(bad));
  writeFileSync(path.join(dir, "renamed.json"), JSON.stringify(maturityRaw()));
  writeFileSync(path.join(dir, "Mixed_Case.json"), JSON.stringify(maturityRaw()));
  writeFileSync(path.join(dir, "mini-maturity@2.0.0.json"), JSON.stringify(maturityRaw()));
  writeFileSync(path.join(dir, "README.txt"), "not a framework");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.ZHIPING_FRAMEWORKS_DIR;
  clearFrameworkCache();
});

describe("loading a frameworks directory", () => {
  it("loads the valid files, current and older versions, and reports each bad file with its fault", () => {
    const loaded = loadFrameworks({ dir });
    expect(loaded.all.map((f) => `${f.id}@${f.version}`)).toEqual(["cmmm@0.9.0", "cmmm@1.0.0"]);
    expect(loaded.current.get("cmmm")?.version).toBe("1.0.0");
    const errors = Object.fromEntries(loaded.errors.map((e) => [path.basename(e.file), e.message]));
    expect(Object.keys(errors).sort()).toEqual(["Mixed_Case.json", "bad-weights.json", "broken.json", "mini-maturity@2.0.0.json", "renamed.json"]);
    expect(errors["broken.json"]).toBe("invalid JSON at line 3, column 14: expected a value");
    expect(errors["bad-weights.json"]).toBe(
      'framework "bad-weights" is invalid:\nscoring.weights.discrete: weights must sum to 1 (within 1e-9), got 1.1',
    );
    expect(errors["renamed.json"]).toBe('id: the file is named for "renamed" but the framework\'s id is "mini-maturity"');
    expect(errors["mini-maturity@2.0.0.json"]).toBe("version: the file is named for version 2.0.0 but the framework says 1.0.0");
    expect(errors["Mixed_Case.json"]).toContain('file name must be "<id>.json" or "<id>@<version>.json"');
  });

  it("finds frameworks by id and version through ZHIPING_FRAMEWORKS_DIR", () => {
    process.env.ZHIPING_FRAMEWORKS_DIR = dir;
    expect(frameworksDir()).toBe(dir);
    expect(getFramework("cmmm")?.version).toBe("1.0.0");
    expect(getFramework("cmmm", "0.9.0")?.version).toBe("0.9.0");
    expect(getFramework("cmmm", "0.8.0")).toBeNull();
    expect(getFramework("bad-weights")).toBeNull();
    expect(listFrameworks().map((f) => f.id)).toEqual(["cmmm"]);
  });

  it("caches a directory until asked to reload", () => {
    const first = loadFrameworks({ dir });
    expect(loadFrameworks({ dir })).toBe(first);
    const extra = path.join(dir, "mini-maturity.json");
    writeFileSync(extra, JSON.stringify(maturityRaw()));
    try {
      expect(loadFrameworks({ dir }).current.has("mini-maturity")).toBe(false);
      expect(loadFrameworks({ dir, reload: true }).current.has("mini-maturity")).toBe(true);
    } finally {
      rmSync(extra);
    }
  });

  it("reports a missing directory", () => {
    const loaded = loadFrameworks({ dir: path.join(dir, "nowhere") });
    expect(loaded.all).toEqual([]);
    expect(loaded.errors).toEqual([{ file: path.join(dir, "nowhere"), message: "the frameworks directory does not exist" }]);
  });

  it("finds the repository's frameworks by default, all valid", () => {
    expect(frameworksDir()).toBe(repoFrameworks);
    const loaded = loadFrameworks();
    expect(loaded.errors).toEqual([]);
    expect([...loaded.current.keys()].sort()).toEqual(["cmmm", "future-factory", "sme-digital-2024"]);
  });

  it("orders versions numerically", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("2024.1.0", "2024.1.0")).toBe(0);
    expect(compareVersions("1.0.0", "1.0.1")).toBeLessThan(0);
  });
});
