// What the API says about an assessment (the same fields the OpenAPI document describes).
import type { Assessment } from "../db/schema";

export function assessmentJson(a: Assessment) {
  return {
    id: a.id,
    organizationId: a.organizationId,
    frameworkId: a.frameworkId,
    frameworkVersion: a.frameworkVersion,
    industryType: a.industryType,
    status: a.status,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    submittedAt: a.submittedAt,
  };
}
