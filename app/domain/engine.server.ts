// The web app's one door to the assessment engine and the framework files. Routes stay thin: they call
// these and render. Framework files are read, validated and cached by frameworks.server.ts.
import { score, type Framework } from "../../assessments";
import type { Answers, AssessmentResult, IndustryType, MeasuredEvidence } from "../../assessments/types";
import { getFramework, listFrameworks } from "./frameworks.server";

/** The frameworks an assessment can be started with (current versions), ordered by id. */
export function availableFrameworks(): Framework[] {
  return listFrameworks();
}

/**
 * The framework an assessment was started with. When that exact version is no longer on the server, the
 * current version of the same framework is used and `exact` says so (the page tells the user).
 */
export function frameworkFor(id: string, version?: string): { framework: Framework; exact: boolean } | null {
  if (!id) return null;
  if (version !== undefined) {
    const exact = getFramework(id, version);
    if (exact) return { framework: exact, exact: true };
  }
  const current = getFramework(id);
  return current ? { framework: current, exact: version === undefined } : null;
}

/** `measured`: evidence from the organisation's telemetry (app/telemetry), fused as the framework says. */
export function scoreAnswers(framework: Framework, answers: Answers, industryType: string, measured?: Record<string, MeasuredEvidence>): AssessmentResult {
  const type: IndustryType = industryType === "process" ? "process" : "discrete";
  return score(framework, answers, { industryType: type, ...(measured ? { measured } : {}) });
}
