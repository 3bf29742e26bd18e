// Every loader and action starts here. Who may do what with an organisation's data:
//
//   read   members; consultants with an active grant; bureau admins whose region or district contains it;
//          platform admins
//   write  members (their own self-assessments and profile)
//   audit  consultants with an active grant
//   grant  members, platform admins, bureau admins of its region (who may let a consultant in)
//
// Anyone without read access gets 404 — the same answer as for an id that does not exist, so ids cannot be
// probed. Someone with read access but not the mode asked for gets 403.
import { redirect } from "@remix-run/node";
import type { Kysely } from "kysely";
import { getSessionUser, type SessionUser } from "../auth/session.server";
import { isMutating, isSameOriginRequest, refuseOversizedForm } from "../auth/request.server";
import { getDb } from "../db/db.server";
import type { Assessment, DB, Organization, Role } from "../db/schema";
import { forbidden, notFound } from "../http.server";
import { hasActiveGrant } from "../repos/grants.server";

export type { SessionUser };
export type OrgMode = "read" | "write" | "audit" | "grant";

export interface OrgRelation {
  member: boolean;
  grantedConsultant: boolean;
  regionalBureau: boolean;
  platformAdmin: boolean;
}

/** The signed-in user; otherwise a redirect to the sign-in page (back here afterwards). */
export async function requireUser(request: Request): Promise<SessionUser> {
  if (isMutating(request) && !isSameOriginRequest(request)) forbidden();
  refuseOversizedForm(request);
  const user = await getSessionUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = isMutating(request) ? "" : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
    throw redirect(`/login${back}`);
  }
  return user;
}

/** 403 unless the user has one of the roles (for pages that are not about one organisation). */
export function requireRole(user: SessionUser, ...roles: Role[]): void {
  if (!roles.includes(user.role)) forbidden();
}

export function inRegion(user: Pick<SessionUser, "role" | "regionCode">, org: Pick<Organization, "regionCode" | "districtCode">): boolean {
  return user.role === "bureau_admin" && user.regionCode !== null && (org.regionCode === user.regionCode || org.districtCode === user.regionCode);
}

export async function relationTo(db: Kysely<DB>, user: SessionUser, org: Organization): Promise<OrgRelation> {
  const member =
    user.role === "member" &&
    (await db
      .selectFrom("membership")
      .select("userId")
      .where("userId", "=", user.id)
      .where("organizationId", "=", org.id)
      .executeTakeFirst()) !== undefined;
  const grantedConsultant = user.role === "consultant" && (await hasActiveGrant(db, org.id, user.id));
  return { member, grantedConsultant, regionalBureau: inRegion(user, org), platformAdmin: user.role === "platform_admin" };
}

export function allows(relation: OrgRelation, mode: OrgMode): boolean {
  const { member, grantedConsultant, regionalBureau, platformAdmin } = relation;
  switch (mode) {
    case "read":
      return member || grantedConsultant || regionalBureau || platformAdmin;
    case "write":
      return member;
    case "audit":
      return grantedConsultant;
    case "grant":
      return member || platformAdmin || regionalBureau;
  }
}

export interface OrgAccess {
  org: Organization;
  relation: OrgRelation;
}

// Lookups made once per user object, which is one per request (getSessionUser memoises per request): the
// layout and page loaders of a document request share them.
function oncePerRequest<T>(cache: WeakMap<SessionUser, Map<string, Promise<T>>>, user: SessionUser, id: string, load: () => Promise<T>): Promise<T> {
  let byId = cache.get(user);
  if (!byId) cache.set(user, (byId = new Map()));
  let found = byId.get(id);
  if (!found) byId.set(id, (found = load()));
  return found;
}

const relations = new WeakMap<SessionUser, Map<string, Promise<OrgAccess | null>>>();

/** The organisation and the user's relation to it. */
function orgAndRelation(user: SessionUser, organizationId: string): Promise<OrgAccess | null> {
  return oncePerRequest(relations, user, organizationId, async () => {
    const db = await getDb();
    const org = await db.selectFrom("organization").selectAll().where("id", "=", organizationId).executeTakeFirst();
    return org ? { org, relation: await relationTo(db, user, org) } : null;
  });
}

export async function requireOrgAccess(user: SessionUser, organizationId: string | undefined, mode: OrgMode): Promise<OrgAccess> {
  if (!organizationId) notFound();
  const found = await orgAndRelation(user, organizationId);
  if (!found) notFound();
  const { org, relation } = found;
  if (!allows(relation, "read")) notFound();
  if (!allows(relation, mode)) forbidden();
  return { org, relation };
}

export interface AssessmentAccess extends OrgAccess {
  assessment: Assessment;
}

const assessments = new WeakMap<SessionUser, Map<string, Promise<Assessment | undefined>>>();

/** The assessment and its organisation, checked like the organisation itself. */
export async function requireAssessmentAccess(user: SessionUser, assessmentId: string | undefined, mode: OrgMode): Promise<AssessmentAccess> {
  if (!assessmentId) notFound();
  const assessment = await oncePerRequest(assessments, user, assessmentId, () =>
    getDb().then((db) => db.selectFrom("assessment").selectAll().where("id", "=", assessmentId).executeTakeFirst()),
  );
  if (!assessment) notFound();
  const access = await requireOrgAccess(user, assessment.organizationId, mode);
  return { ...access, assessment };
}
