// Measured telemetry beside the claims: for a question with an evidence hint and a measured value,
// record both, flag a mismatch when the measurement implies a differently-scored answer, and — where the
// hint says `replace` — score with the measured answer.
import { validateAnswer } from "./answers";
import type { CompiledFramework } from "./compile";
import { scoresDiffer } from "./question-values";
import { num, reason } from "./text";
import type { AnswerValue, AssessmentResult, MeasuredEvidence } from "./types";

export type EvidenceEntry = AssessmentResult["evidence"][number];

function describe(a: AnswerValue): string {
  switch (a.type) {
    case "percentage":
      return `${num(a.value)}%`;
    case "numeric":
    case "sceneLevel":
      return num(a.value);
    case "multi":
      return `[${a.value.join(", ")}]`;
    default:
      return a.value;
  }
}

/**
 * Applies measured evidence to the claimed answers (by question index). Returns the answers to score
 * with and one entry per measured question; malformed or unexpected measurements are reported, not used.
 */
export function applyEvidence(
  c: CompiledFramework,
  claimed: Array<AnswerValue | undefined>,
  measured: Record<string, MeasuredEvidence> | undefined,
): { effective: Array<AnswerValue | undefined>; evidence: EvidenceEntry[] } {
  if (!measured) return { effective: claimed, evidence: [] };
  const effective = claimed.slice();
  const evidence: EvidenceEntry[] = [];
  for (const [questionId, m] of Object.entries(measured)) {
    const i = c.questionIndex.get(questionId);
    const q = i === undefined ? undefined : c.fw.questions[i];
    const claim = i === undefined ? null : (claimed[i] ?? null);
    const entry: EvidenceEntry = { questionId, claimed: claim, measured: m, mismatch: false, usedInScore: false, reason: null };
    evidence.push(entry);
    if (!q || i === undefined) {
      entry.reason = reason("evidence.unknownQuestion", { questionId }, `没有题目 "${questionId}"，测量值未使用`, `no question "${questionId}"; the measurement is not used`);
      continue;
    }
    if (!q.evidence) {
      entry.reason = reason("evidence.noHint", { questionId }, "该题不接受测量证据，测量值未使用", "this question takes no measured evidence; the measurement is not used");
      continue;
    }
    if (m === null || typeof m !== "object" || m.kpi !== q.evidence.kpi) {
      const got = m && typeof m === "object" ? String(m.kpi) : "none";
      entry.reason = reason(
        "evidence.kpiMismatch",
        { expected: q.evidence.kpi, got },
        `该题需要 ${q.evidence.kpi} 的测量值，收到的是 ${got}，未使用`,
        `this question takes ${q.evidence.kpi}, got ${got}; not used`,
      );
      continue;
    }
    const implied = validateAnswer(c.fw, questionId, m.implied);
    if (!implied.ok) {
      entry.reason = reason(
        "evidence.invalidImplied",
        { questionId },
        `测量值推出的答案无效：${implied.message.zh}`,
        `the answer implied by the measurement is invalid: ${implied.message.en}`,
      );
      continue;
    }
    entry.mismatch = claim !== null && scoresDiffer(q, claim, implied.value);
    if (q.evidence.use === "replace") {
      effective[i] = implied.value;
      entry.usedInScore = true;
    }
    if (entry.mismatch && claim)
      entry.reason = reason(
        "evidence.mismatch",
        { questionId, claimed: describe(claim), implied: describe(implied.value) },
        `申报 ${describe(claim)}，实测推得 ${describe(implied.value)}${entry.usedInScore ? "；按实测计分" : ""}`,
        `claimed ${describe(claim)}, measured implies ${describe(implied.value)}${entry.usedInScore ? "; scored as measured" : ""}`,
      );
    else if (entry.usedInScore)
      entry.reason = reason(
        "evidence.replaced",
        { questionId, implied: describe(implied.value) },
        `按实测 ${describe(implied.value)} 计分`,
        `scored with the measured ${describe(implied.value)}`,
      );
  }
  return { effective, evidence };
}
