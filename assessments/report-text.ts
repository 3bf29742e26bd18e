// An AssessmentResult as a plain-text report for terminals (the `zhiping assess` CLI): level and both
// rules, the gate table, node scores, why not the next level, the top of the roadmap and the evidence.
// Columns are aligned by display width, so Chinese text (two columns per character) lines up.
import stringWidth from "string-width";
import { describeAnswer } from "./questionnaire";
import type { Framework } from "./schema";
import { num } from "./text";
import type { AssessmentResult, Locale, NodeScore, RoadmapAction, Text } from "./types";

const L = {
  completeness: { zh: "完成度", en: "Completeness" },
  industry: { zh: "行业类型", en: "Industry type" },
  discrete: { zh: "离散型", en: "discrete" },
  process: { zh: "流程型", en: "process" },
  level: { zh: "等级", en: "Level" },
  none: { zh: "未达到 1 级", en: "no level" },
  ceiling: { zh: "全部作答后最高可达", en: "ceiling if all were answered" },
  byGate: { zh: "门槛规则", en: "gate rule" },
  byBands: { zh: "分数段", en: "score bands" },
  decidedBy: { zh: "判定依据", en: "reported by" },
  total: { zh: "总分", en: "Total" },
  gates: { zh: "逐级判定", en: "Level by level" },
  name: { zh: "名称", en: "name" },
  score: { zh: "得分", en: "score" },
  threshold: { zh: "门槛", en: "threshold" },
  result: { zh: "结果", en: "result" },
  met: { zh: "✓ 满足", en: "✓ met" },
  unmet: { zh: "✗ 未满足", en: "✗ not met" },
  undetermined: { zh: "（待定）", en: " (open)" },
  nodes: { zh: "分项得分", en: "Scores by area" },
  why: { zh: "为何未达到下一级", en: "Why not the next level" },
  roadmap: { zh: "提升路线", en: "Roadmap" },
  roadmapNote: {
    zh: "按收益排序；★ = 达到下一级所需的最少行动",
    en: "ranked by gain; ★ = the fewest actions that reach the next level",
  },
  gain: { zh: "收益", en: "gain" },
  question: { zh: "题目", en: "question" },
  change: { zh: "当前 → 目标", en: "now → target" },
  more: { zh: "另有 {n} 项，见 --json", en: "{n} more, see --json" },
  evidence: { zh: "实测证据", en: "Measured evidence" },
  tier: { zh: "智能工厂梯度", en: "Smart-factory tier" },
  answered: { zh: "已答", en: "answered" },
} satisfies Record<string, Text>;

function pad(s: string, width: number, align: "l" | "r"): string {
  const gap = Math.max(0, width - stringWidth(s));
  return align === "l" ? s + " ".repeat(gap) : " ".repeat(gap) + s;
}

/** Rows aligned in columns; the last column is left ragged so long texts do not pad every line. */
export function table(rows: string[][], align: Array<"l" | "r"> = [], indent = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cellText, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cellText))));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cellText, i) => (i === row.length - 1 ? cellText : pad(cellText, widths[i], align[i] ?? "l")))
        .join("  ")
        .trimEnd(),
  );
}

function bar(ratio: number, width = 10): string {
  const filled = Math.round(Math.max(0, Math.min(1, ratio)) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

function nodeRows(nodes: NodeScore[], locale: Locale, depth: number, maxDepth: number, rows: string[][]) {
  for (const n of nodes) {
    rows.push([
      `${"  ".repeat(depth)}${n.name[locale]}`,
      `${num(n.score)} / ${num(n.max)}`,
      bar(n.ratio),
      `${Math.round(n.ratio * 100)}%`,
      `${n.answered}/${n.total}`,
    ]);
    if (depth + 1 < maxDepth) nodeRows(n.children, locale, depth + 1, maxDepth, rows);
  }
}

interface TierExtras {
  value: string | null;
  name: Text | null;
  rows: Array<{ name: Text; met: boolean; undetermined: boolean; reasons: Array<{ text: Text }> }>;
}

function tierOf(result: AssessmentResult): TierExtras | null {
  const tier = result.extras?.tier as TierExtras | undefined;
  return tier && Array.isArray(tier.rows) ? tier : null;
}

/** "now → target"; for a multiple choice only what is added, at most three labels. */
function describeChange(fw: Framework, a: RoadmapAction, loc: Locale): string {
  if (a.to.type === "multi") {
    const had = new Set(a.from?.type === "multi" ? a.from.value : []);
    const added = a.to.value.filter((id) => !had.has(id));
    const labels = describeAnswer(fw, a.questionId, { type: "multi", value: added.slice(0, 3) }, loc);
    const more = added.length > 3 ? (loc === "zh" ? ` 等 ${added.length} 项` : ` and ${added.length - 3} more`) : "";
    return `+ ${labels}${more}`;
  }
  return `${describeAnswer(fw, a.questionId, a.from, loc)} → ${describeAnswer(fw, a.questionId, a.to, loc)}`;
}

export interface ReportOptions {
  locale: Locale;
  /** Roadmap actions to list (default 10). */
  roadmapLimit?: number;
  /** Depth of the score tree to list (default 3). */
  nodeDepth?: number;
}

export function renderReport(fw: Framework, result: AssessmentResult, options: ReportOptions): string {
  const loc = options.locale;
  const t = (x: Text) => x[loc];
  const out: string[] = [];
  const levelLabel = (level: number | null) => (level === null ? t(L.none) : `${level} · ${fw.levels.find((l) => l.level === level)?.name[loc] ?? ""}`);

  out.push(`${t(fw.name)} — ${fw.id} ${result.frameworkVersion}`);
  const meta = [`${t(L.completeness)}: ${result.completeness.answered}/${result.completeness.total} (${Math.round(result.completeness.ratio * 100)}%)`];
  if (result.industryType) meta.unshift(`${t(L.industry)}: ${t(L[result.industryType])}`);
  out.push(meta.join("   "), "");

  const v = result.level;
  out.push(`${t(L.level)}: ${levelLabel(v.value)}${v.ceiling !== v.value ? `   (${t(L.ceiling)}: ${levelLabel(v.ceiling)})` : ""}`);
  if (result.model !== "readiness") {
    const decided = v.decidedBy === "gate" ? t(L.byGate) : t(L.byBands);
    out.push(`  ${t(L.byGate)}: ${levelLabel(v.byGate)} · ${t(L.byBands)}: ${levelLabel(v.byBands)} · ${t(L.decidedBy)}: ${decided}`);
  }
  out.push(`  ${t(L.total)}: ${num(result.total.score)} / ${num(result.total.max)}`);
  for (const r of v.reasons) out.push(`  - ${t(r.text)}`);

  out.push("", t(L.gates));
  const gateRows = [[t(L.level), t(L.name), t(L.score), t(L.threshold), t(L.result)]];
  for (const g of result.gates)
    gateRows.push([
      String(g.level),
      t(g.name),
      g.score === null ? "—" : num(g.score),
      g.threshold === null ? "—" : num(g.threshold),
      `${g.met ? t(L.met) : t(L.unmet)}${g.undetermined ? t(L.undetermined) : ""}`,
    ]);
  out.push(...table(gateRows, ["r", "l", "r", "r", "l"]));
  for (const g of result.gates) {
    if (g.met && !g.undetermined) continue;
    const unmetReasons = g.reasons.filter((r) => !/\.reached$/.test(r.code));
    if (unmetReasons.length > 0) out.push(`  ${g.level}: ${unmetReasons.map((r) => t(r.text)).join(loc === "zh" ? "；" : "; ")}`);
  }

  const tier = tierOf(result);
  if (tier) {
    out.push("", `${t(L.tier)}: ${tier.name ? t(tier.name) : t(L.none)}`);
    const rows = tier.rows.map((row) => [t(row.name), `${row.met ? t(L.met) : t(L.unmet)}${row.undetermined ? t(L.undetermined) : ""}`, row.reasons.map((r) => t(r.text)).join(loc === "zh" ? "；" : "; ")]);
    out.push(...table(rows));
  }

  out.push("", t(L.nodes));
  const nodeTable: string[][] = [];
  nodeRows(result.nodes, loc, 0, options.nodeDepth ?? 3, nodeTable);
  out.push(...table(nodeTable, ["l", "r", "l", "r", "r"]));

  out.push("", t(L.why));
  for (const r of result.why) out.push(`  - ${t(r.text)}`);

  if (result.roadmap.length > 0) {
    const limit = options.roadmapLimit ?? 10;
    out.push("", `${t(L.roadmap)} (${t(L.roadmapNote)})`);
    const rows = [["#", "", t(L.gain), t(L.question), t(L.change), ""]];
    result.roadmap.slice(0, limit).forEach((a, i) => {
      rows.push([
        String(i + 1),
        a.unblocks ? "★" : "",
        num(a.gain),
        a.questionId,
        describeChange(fw, a, loc),
        t(a.text),
      ]);
    });
    out.push(...table(rows, ["r", "l", "r", "l", "l", "l"]));
    if (result.roadmap.length > limit) out.push(`  ${t(L.more).replace("{n}", String(result.roadmap.length - limit))}`);
  }

  if (result.evidence.length > 0) {
    out.push("", t(L.evidence));
    for (const e of result.evidence) {
      const flag = e.mismatch ? "⚠" : e.usedInScore ? "=" : "·";
      out.push(`  ${flag} ${e.questionId}: ${e.reason ? t(e.reason.text) : describeAnswer(fw, e.questionId, e.measured.implied, loc)}`);
    }
  }
  return `${out.join("\n")}\n`;
}
