// docs/frameworks-coverage.md is generated from the framework files; it must not drift from them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { coverageMarkdown } from "../../../assessments/coverage";
import { loadReal } from "./fixtures";

const frameworks = [loadReal("cmmm"), loadReal("sme-digital-2024"), loadReal("future-factory")];

describe("frameworks coverage table", () => {
  it("matches the committed docs/frameworks-coverage.md (regenerate: zhiping frameworks --coverage docs/frameworks-coverage.md)", () => {
    const committed = readFileSync(fileURLToPath(new URL("../../../docs/frameworks-coverage.md", import.meta.url)), "utf8");
    expect(committed).toBe(coverageMarkdown(frameworks));
  });

  it("shows every sub-domain × level with its requirement count and every scene × level", () => {
    const md = coverageMarkdown(frameworks);
    expect(md).toContain("| 技术 | 集成 Integration | — | 2 | 3 | 2 | 2 | 0.03 | 0.048 |");
    expect(md).toContain("| **total** | | **34** | **45** | **49** | **40** | **34** | | |");
    expect(md).toContain("| 生产执行 | 设备管理 Equipment management | yes | ✓ | ✓ | ✓ | ✓ |");
    expect(md).toContain("| 2 智能工厂 | `zj-digital-level` ≥ 2; `investment` ≥ 4000; 3000 when `mountain-island-county` = yes; overall readiness ≥ 60; `intelligent-production` readiness ≥ 60 |");
    expect(md.match(/^\| 产品生命周期 \||^\| 生产执行 \||^\| 供应链 \||^\| 管理决策 \|/gm)).toHaveLength(16);
  });
});
