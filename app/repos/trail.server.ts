// The audit trail: who changed what, when, with the value before and after. Written in the same
// transaction as the change it records, for answers, audit decisions, grants, sign-offs and tokens.
import type { Kysely } from "kysely";
import { nowIso, timeOrderedId } from "../db/ids.server";
import type { AuditEventRow, DB } from "../db/schema";

export type TrailAction =
  | "organization.create"
  | "organization.update"
  | "assessment.create"
  | "assessment.submit"
  | "answer.set"
  | "answer.clear"
  | "evidence.add"
  | "evidence.remove"
  | "audit.open"
  | "audit.decide"
  | "audit.signoff"
  | "grant.create"
  | "grant.revoke"
  | "token.create"
  | "token.revoke";

export interface TrailEvent {
  organizationId: string;
  assessmentId?: string | null;
  actorId: string | null;
  action: TrailAction;
  subject?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function recordEvents(db: Kysely<DB>, events: TrailEvent[]): Promise<void> {
  if (events.length === 0) return;
  const at = nowIso();
  await db
    .insertInto("auditEvent")
    .values(
      events.map((e) => ({
        id: timeOrderedId(),
        organizationId: e.organizationId,
        assessmentId: e.assessmentId ?? null,
        actorId: e.actorId,
        action: e.action,
        subject: e.subject ?? null,
        before: json(e.before),
        after: json(e.after),
        at,
      })),
    )
    .execute();
}

export type TrailEntry = AuditEventRow & { actorName: string | null; actorEmail: string | null };

export async function listTrail(
  db: Kysely<DB>,
  scope: { organizationId: string; assessmentId?: string },
  limit = 200,
): Promise<TrailEntry[]> {
  let q = db
    .selectFrom("auditEvent")
    .leftJoin("user", "user.id", "auditEvent.actorId")
    .selectAll("auditEvent")
    .select(["user.name as actorName", "user.email as actorEmail"])
    .where("auditEvent.organizationId", "=", scope.organizationId);
  if (scope.assessmentId) q = q.where("auditEvent.assessmentId", "=", scope.assessmentId);
  return q.orderBy("auditEvent.id", "desc").limit(limit).execute();
}

/** The trail as a page shows it: each entry without the organisation, assessment and actor ids it is filed under. */
export async function listTrailForPage(db: Kysely<DB>, scope: { organizationId: string; assessmentId?: string }, limit: number) {
  const entries = await listTrail(db, scope, limit);
  return entries.map(({ organizationId: _o, assessmentId: _a, actorId: _u, ...rest }) => rest);
}
