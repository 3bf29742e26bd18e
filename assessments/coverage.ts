// The coverage table in docs/frameworks-coverage.md, as a pure function of the frameworks: which
// sub-domain × level and scene × level has content, what each scored item is worth, and which constants
// are not verified. `zhiping frameworks --coverage` writes it.
import { compile } from "./compile";
import { num } from "./text";
import type { Condition, Framework } from "./schema";

const cell = (n: number) => (n === 0 ? "—" : String(n));
const esc = (s: string) => s.replace(/\|/g, "\\|");
const weight = (w: number) => String(Number(w.toFixed(4)));

function maturitySection(fw: Framework): string[] {
  const s = fw.scoring;
  if (s.model !== "maturity") return [];
  const c = compile(fw);
  const levels = fw.levels.map((l) => l.level);
  const lines = [
    `Requirements per ${s.unitKind} and level (— = no requirement at that level).`,
    "",
    `| element | ${s.unitKind} | ${levels.map((l) => `L${l} ${fw.levels[l - 1].name.zh}`).join(" | ")} | weight discrete | weight process |`,
    `|---|---|${levels.map(() => "---:").join("|")}|---:|---:|`,
  ];
  const totals = levels.map(() => 0);
  for (const entry of c.structure.ordered) {
    if (entry.node.kind !== s.unitKind) continue;
    const counts = levels.map((l) => fw.questions.filter((q) => q.node === entry.node.id && q.type === "rating" && q.level === l).length);
    counts.forEach((n, i) => (totals[i] += n));
    lines.push(
      `| ${entry.lineage[0].name.zh} | ${entry.node.name.zh} ${esc(entry.node.name.en)} | ${counts.map(cell).join(" | ")} | ${weight(s.weights.discrete[entry.node.id])} | ${weight(s.weights.process[entry.node.id])} |`,
    );
  }
  lines.push(`| **total** | | ${totals.map((n) => `**${n}**`).join(" | ")} | | |`);
  return lines;
}

function pointsSection(fw: Framework): string[] {
  const s = fw.scoring;
  if (s.model !== "points") return [];
  const c = compile(fw);
  const constrained = new Set(s.constrainedScenes);
  const lines = ["Items of the base and the most points each can give:", "", "| dimension | item | question | type | max points |", "|---|---|---|---|---:|"];
  fw.questions.forEach((q, i) => {
    if (q.type === "sceneLevel") return;
    const entry = c.questionNode[i];
    lines.push(`| ${entry.lineage[0].name.zh} | ${entry.node.name.zh} | \`${q.id}\` | ${q.type} | ${c.maxPoints[i] > 0 ? num(c.maxPoints[i]) : "0 (not scored)"} |`);
  });
  lines.push("", "Scenes and the levels described for each (✓ = described):", "", "| group | scene | constrained | L1 | L2 | L3 | L4 |", "|---|---|:---:|:---:|:---:|:---:|:---:|");
  fw.questions.forEach((q, i) => {
    if (q.type !== "sceneLevel") return;
    const entry = c.questionNode[i];
    const group = entry.parent?.node.name.zh ?? "";
    const marks = [1, 2, 3, 4].map((l) => (q.levels.some((x) => x.level === l) ? "✓" : "—"));
    lines.push(`| ${group} | ${entry.node.name.zh} ${esc(entry.node.name.en)} | ${constrained.has(entry.node.id) ? "yes" : ""} | ${marks.join(" | ")} |`);
  });
  lines.push("", "Level rule:", "", "| level | min base | scenes at ≥ level | min scenes | min constrained |", "|---|---:|---:|---:|---:|");
  for (const r of s.levelRules) lines.push(`| ${r.level} | ${num(r.minBase)} | ${r.sceneLevelAtLeast} | ${r.minScenes} | ${r.minConstrained} |`);
  return lines;
}

function describeCondition(fw: Framework, cond: Condition): string {
  switch (cond.kind) {
    case "numberAtLeast": {
      const overrides = (cond.overrides ?? []).map((o) => `; ${num(o.min)} when \`${o.when.question}\` = ${o.when.equals}`).join("");
      return `\`${cond.question}\` ≥ ${num(cond.min)}${overrides}`;
    }
    case "choiceIn":
      return `\`${cond.question}\` ∈ {${cond.options.join(", ")}}`;
    case "readinessAtLeast":
      return `${cond.trait ? `\`${cond.trait}\`` : "overall"} readiness ≥ ${num(cond.min)}`;
    case "cmmmLevelAtLeast":
      return `CMMM level ≥ ${cond.min}`;
  }
}

function readinessSection(fw: Framework): string[] {
  const s = fw.scoring;
  if (s.model !== "readiness") return [];
  const c = compile(fw);
  const lines = ["Requirements per trait:", "", "| trait | requirements | weight |", "|---|---:|---:|"];
  for (const entry of c.structure.ordered) {
    if (entry.node.kind !== s.traitKind) continue;
    const n = fw.questions.filter((q) => q.node === entry.node.id && q.type === "rating").length;
    lines.push(`| ${entry.node.name.zh} ${esc(entry.node.name.en)} | ${cell(n)} | ${weight(s.traitWeights[entry.node.id])} |`);
  }
  lines.push("", "Ladder (each rung also needs the rungs below):", "", "| rung | conditions |", "|---|---|");
  for (const r of s.rungs) lines.push(`| ${r.level} ${fw.levels[r.level - 1].name.zh} | ${r.conditions.map((x) => describeCondition(fw, x)).join("; ")} |`);
  if (s.tiers) {
    lines.push("", "Tiers reported beside the ladder:", "", "| tier | conditions |", "|---|---|");
    for (const t of s.tiers) lines.push(`| ${t.name.zh} ${esc(t.name.en)} | ${t.conditions.map((x) => describeCondition(fw, x)).join("; ")} |`);
  }
  return lines;
}

/** Markdown for docs/frameworks-coverage.md. */
export function coverageMarkdown(frameworks: readonly Framework[]): string {
  const lines = [
    "# Framework coverage",
    "",
    "Generated from `assessments/frameworks/*.json` by `node scripts/zhiping.mjs frameworks --coverage docs/frameworks-coverage.md`;",
    "do not edit by hand (a unit test checks it matches the data).",
  ];
  for (const fw of [...frameworks].sort((a, b) => a.id.localeCompare(b.id))) {
    lines.push("", `## ${fw.id} ${fw.version} — ${fw.name.zh}`, "", `${fw.name.en}. Model: \`${fw.scoring.model}\`, ${fw.questions.length} questions.`, "");
    lines.push(...maturitySection(fw), ...pointsSection(fw), ...readinessSection(fw));
    if (fw.unverified && fw.unverified.length > 0) {
      lines.push("", "Constants not verified in a primary source (S = secondary source, R = recalled or this product's choice):", "");
      for (const u of fw.unverified) lines.push(`- [${u.mark}] \`${u.path}\` — ${u.note.en}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
