// Table types of Zhiping's database as seen from TypeScript (camelCase; columns are snake_case in SQL via
// Kysely's CamelCasePlugin). Every type is dialect-neutral on purpose: timestamps are ISO-8601 UTC strings
// (they sort correctly as text in SQLite and PostgreSQL alike), booleans are 0/1 integers, JSON is text, ids
// are random text. So the same queries run unchanged on SQLite and PostgreSQL.
import type { Insertable, Selectable, Updateable } from "kysely";

export type Role = "member" | "consultant" | "bureau_admin" | "platform_admin";
export type AssessmentStatus = "draft" | "submitted";
export type ResultKind = "self" | "audit";

export interface RegionTable {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface DistrictTable {
  /** GB/T 2260 administrative division code, e.g. 330206 北仑区. */
  code: string;
  regionCode: string;
  nameZh: string;
  nameEn: string;
  /** district | county_city | county */
  kind: string;
  sortOrder: number;
}

export interface ClusterTable {
  code: string;
  nameZh: string;
  nameEn: string;
  /** The city plan the cluster belongs to, e.g. "361" (2025). */
  plan: string;
  sortOrder: number;
}

export interface IndustryTable {
  /** GB/T 4754-2017 manufacturing division, e.g. C34. */
  code: string;
  nameZh: string;
  nameEn: string;
  /** discrete | process: selects the framework weights. */
  industryType: string;
}

export interface OrganizationTable {
  id: string;
  name: string;
  /** 统一社会信用代码, optional. */
  creditCode: string | null;
  /** GB/T 4754 class as entered (C34 … C3484). */
  industryCode: string;
  /** The division (first three characters), indexed for portfolio aggregation. */
  industryDivision: string;
  industryType: string;
  districtCode: string;
  /** Denormalised from the district so a region-scoped query needs no join. */
  regionCode: string;
  clusterCode: string | null;
  /** 规上 (above designated size): 1 or 0. */
  aboveScale: number;
  employees: number;
  revenueBand: string;
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationFlagTable {
  organizationId: string;
  /** zjtx (专精特新) | little_giant | single_champion | high_tech | cloud_benchmark … */
  flag: string;
}

export interface UserTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  /** Bureau admins: the region or district code they oversee; null for everyone else. */
  regionCode: string | null;
  createdAt: string;
}

export interface MembershipTable {
  userId: string;
  organizationId: string;
  createdAt: string;
}

export interface ConsultantGrantTable {
  id: string;
  organizationId: string;
  consultantId: string;
  grantedBy: string;
  grantedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface SessionTable {
  /** SHA-256 of the session id: a leaked table row cannot be replayed as a cookie. */
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface LoginFailureTable {
  id: string;
  /** "account:<email>" or "ip:<address>". */
  bucket: string;
  at: string;
}

export interface AssessmentTable {
  id: string;
  organizationId: string;
  frameworkId: string;
  frameworkVersion: string;
  industryType: string;
  status: AssessmentStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export interface AnswerTable {
  assessmentId: string;
  questionId: string;
  /** JSON of the engine's AnswerValue. */
  value: string;
  updatedBy: string;
  updatedAt: string;
}

export interface EvidenceTable {
  id: string;
  assessmentId: string;
  organizationId: string;
  questionId: string;
  /** file | link */
  kind: string;
  url: string | null;
  fileName: string | null;
  storedName: string | null;
  contentType: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ResultTable {
  id: string;
  assessmentId: string;
  organizationId: string;
  kind: ResultKind;
  /** 0 for the self result; the audit version for audited results. */
  auditVersion: number;
  frameworkId: string;
  frameworkVersion: string;
  level: number | null;
  levelCeiling: number | null;
  totalScore: number;
  totalMax: number;
  completeness: number;
  scoredAt: string;
  /** The whole AssessmentResult, exactly as the engine returned it. */
  resultJson: string;
}

export interface ResultNodeTable {
  resultId: string;
  nodeId: string;
  parentId: string | null;
  kind: string;
  depth: number;
  score: number;
  max: number;
  ratio: number;
}

export interface AuditTable {
  id: string;
  assessmentId: string;
  version: number;
  /** open | signed */
  status: string;
  consultantId: string;
  createdAt: string;
  signedAt: string | null;
  signedBy: string | null;
}

export interface AuditAnswerTable {
  auditId: string;
  questionId: string;
  /** accept | adjust */
  decision: string;
  /** JSON of the audited AnswerValue (equal to the self answer when accepted). */
  value: string;
  comment: string;
  evidenceChecked: string;
  updatedBy: string;
  updatedAt: string;
}

export interface AuditEventTable {
  /** Time-ordered id (see ids.server.ts): ordering by id is ordering by time, even within one millisecond. */
  id: string;
  organizationId: string;
  assessmentId: string | null;
  actorId: string | null;
  action: string;
  subject: string | null;
  before: string | null;
  after: string | null;
  at: string;
}

export interface ApiTokenTable {
  id: string;
  organizationId: string;
  name: string;
  tokenHash: string;
  tokenPrefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface DB {
  region: RegionTable;
  district: DistrictTable;
  cluster: ClusterTable;
  industry: IndustryTable;
  organization: OrganizationTable;
  organizationFlag: OrganizationFlagTable;
  user: UserTable;
  membership: MembershipTable;
  consultantGrant: ConsultantGrantTable;
  session: SessionTable;
  loginFailure: LoginFailureTable;
  assessment: AssessmentTable;
  answer: AnswerTable;
  evidence: EvidenceTable;
  result: ResultTable;
  resultNode: ResultNodeTable;
  audit: AuditTable;
  auditAnswer: AuditAnswerTable;
  auditEvent: AuditEventTable;
  apiToken: ApiTokenTable;
}

export type Organization = Selectable<OrganizationTable>;
export type NewOrganization = Insertable<OrganizationTable>;
export type OrganizationUpdate = Updateable<OrganizationTable>;
export type User = Selectable<UserTable>;
export type Assessment = Selectable<AssessmentTable>;
export type ResultRow = Selectable<ResultTable>;
export type AuditRow = Selectable<AuditTable>;
export type AuditAnswerRow = Selectable<AuditAnswerTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type EvidenceRow = Selectable<EvidenceTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
