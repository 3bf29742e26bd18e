// What every assessment page starts from: the signed-in user's access to the assessment (404 for another
// tenant's, 403 for a mode their role lacks), its organisation and the framework it was started with.
import type { Framework } from "../../assessments";
import { requireAssessmentAccess, requireUser, type AssessmentAccess, type OrgMode, type SessionUser } from "../access/access.server";
import { frameworkFor } from "./engine.server";

export interface AssessmentContext extends AssessmentAccess {
  user: SessionUser;
  framework: Framework;
  /** False when the exact framework version the assessment was started with is no longer loaded. */
  exactFramework: boolean;
}

export async function loadAssessmentContext(request: Request, assessmentId: string | undefined, mode: OrgMode): Promise<AssessmentContext> {
  const user = await requireUser(request);
  const access = await requireAssessmentAccess(user, assessmentId, mode);
  const found = frameworkFor(access.assessment.frameworkId, access.assessment.frameworkVersion);
  if (!found) {
    throw new Response("The framework of this assessment is not available on this server", { status: 503 });
  }
  return { ...access, user, framework: found.framework, exactFramework: found.exact };
}
