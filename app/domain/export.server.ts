// The CSV export of a result: one table a spreadsheet opens directly (UTF-8 with BOM added by the route).
import type { Framework } from "../../assessments";
import type { AssessmentResult } from "../../assessments/types";
import type { Lang } from "../i18n/i18n";
import { describe } from "./result-view.server";

function cell(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? "" : String(value);
  // Quote always; neutralise spreadsheet formulas in text cells.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value === "string" ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function resultCsv(fw: Framework, result: AssessmentResult, answers: Record<string, unknown>, audited: AssessmentResult | null, lang: Lang): string {
  const rows: Array<Array<string | number | null>> = [];
  const txt = (x: { zh: string; en: string } | null | undefined) => (x ? x[lang] : "");
  rows.push(["section", "id", "name", "score", "max", "ratio", "level"]);
  rows.push(["total", result.frameworkId, `${txt(fw.name)} ${result.frameworkVersion}`, result.total.score, result.total.max, result.total.max ? result.total.score / result.total.max : null, result.level.value]);
  if (audited) rows.push(["audited total", audited.frameworkId, "", audited.total.score, audited.total.max, audited.total.max ? audited.total.score / audited.total.max : null, audited.level.value]);
  const walk = (nodes: AssessmentResult["nodes"], depth: number) => {
    for (const n of nodes) {
      rows.push([`node${depth}`, n.id, txt(n.name), n.score, n.max, n.ratio, null]);
      walk(n.children, depth + 1);
    }
  };
  walk(result.nodes, 0);
  for (const g of result.gates) rows.push(["gate", `L${g.level}`, txt(g.name), g.score, g.threshold, null, g.met ? 1 : 0]);
  for (const q of fw.questions) {
    const a = answers[q.id] as Parameters<typeof describe>[2];
    rows.push(["answer", q.id, txt(q.text), describe(fw, q.id, a)[lang], null, null, null]);
  }
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
