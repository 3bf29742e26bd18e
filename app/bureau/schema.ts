// Tables of the bureau portfolio (migration 0003), as seen from TypeScript. Kept beside the feature rather
// than in app/db/schema.ts: `bureauDb(db)` widens the app's one Kysely handle with them, so the rest of the
// app's types stay as they are.
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";

/**
 * One row per enterprise: its profile columns the portfolio filters on (copied from `organization`, kept in
 * step by the standing sync) and what its latest assessments say, as the engine decided when they were
 * scored. Aggregates over a whole city read this table through covering indexes, never JSON.
 */
export interface EnterpriseStandingTable {
  organizationId: string;
  name: string;
  regionCode: string;
  districtCode: string;
  industryCode: string;
  industryDivision: string;
  clusterCode: string | null;
  aboveScale: number;
  /** 1 when the enterprise is an SME by the size rule (enterprise-size.ts). */
  smeSize: number;
  /** Recognition flags as bits (flags.ts). */
  flagMask: number;
  /** organization.updated_at when the profile columns were copied. */
  orgUpdatedAt: string;
  /** null: no submitted SME assessment; 0: assessed, below level 1. */
  smeLevel: number | null;
  smeTotal: number | null;
  smeAssessmentId: string | null;
  cmmmLevel: number | null;
  cmmmTotal: number | null;
  cmmmAssessmentId: string | null;
  /** Highest 未来工厂-ladder rung met (0 none); null: no ladder assessment. */
  ladderRung: number | null;
  ladderReadiness: number | null;
  ladderAssessmentId: string | null;
  /** 智能工厂梯度 tier id of the latest ladder assessment (basic … leading), null when none is met. */
  tier: string | null;
  /** 1 when the latest SME assessment's cloud answer meets the 上云 rule (cloud-rule.ts). */
  onCloud: number;
  /** When each rung was first met (ISO time of the assessment that met it), for progress over time. */
  cloudAt: string | null;
  rung1At: string | null;
  rung2At: string | null;
  rung3At: string | null;
  /** Time of the most recent assessment that counts, any framework. */
  latestAt: string | null;
  computedAt: string;
}

/** Per-district counts for targets and progress over time, recomputed when an enterprise there changes. */
export interface PortfolioSummaryTable {
  regionCode: string;
  districtCode: string;
  /** e.g. "reached:rung1" (monthly) or "stock:smeOnCloud" (month ""). */
  series: string;
  /** YYYY-MM for monthly series, "" for current counts. */
  month: string;
  value: number;
}

export interface BureauSyncStateTable {
  /** "results" | "organizations" */
  name: string;
  /** The latest scored_at / updated_at already applied. */
  cursor: string;
  updatedAt: string;
}

export interface CultivationTargetTable {
  id: string;
  regionCode: string;
  /** The plan the target belongs to, as the bureau names it. */
  plan: string;
  /** One of the computable metrics (targets.ts). */
  metric: string;
  /** Metric parameter, e.g. the SME level that counts as "digitally transformed". */
  param: number | null;
  targetValue: number;
  baseline: number;
  /** YYYY-MM, inclusive. */
  periodStart: string;
  periodEnd: string;
  sortOrder: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** Which GB/T 4754 codes (division or class prefixes) make up a cluster defined by industries ("246"). */
export interface ClusterIndustryTable {
  clusterCode: string;
  industryPrefix: string;
}

export type BureauTables = {
  enterpriseStanding: EnterpriseStandingTable;
  portfolioSummary: PortfolioSummaryTable;
  bureauSyncState: BureauSyncStateTable;
  cultivationTarget: CultivationTargetTable;
  clusterIndustry: ClusterIndustryTable;
};

export type BureauDb = Kysely<DB & BureauTables>;

export function bureauDb(db: Kysely<DB>): BureauDb {
  return db.withTables<BureauTables>();
}
