// Peer percentiles in SQL: each peer's latest self result of the framework (a correlated lookup through
// result_latest_by_org), counted below / equal to the enterprise's own values, for the total and for every
// top-level dimension (result_node rows at depth 0). Only counts leave the database; a cohort under the
// minimum is counted and nothing else is computed.
import { sql, type Kysely } from "kysely";
import type { AssessmentResult, Text } from "../../assessments/types";
import type { DB, Organization } from "../db/schema";
import { chooseCohort, MIN_PEERS, percentile, type CohortKind } from "./peers";

export interface PeerDimension {
  id: string;
  name: Text;
  /** null when fewer than MIN_PEERS peers have this dimension (e.g. an older framework version). */
  percentile: number | null;
  peers: number;
}

export type PeerBenchmark =
  | { shown: true; cohort: CohortKind; industryDivision: string; aboveScale: boolean; peers: number; total: number; dimensions: PeerDimension[] }
  | { shown: false; needed: number; minimum: number };

type Cohort = { kind: CohortKind; org: Pick<Organization, "id" | "industryDivision" | "districtCode" | "regionCode" | "aboveScale"> };

/** Each peer's latest self result of the framework, for one cohort. */
function cohortResults(db: Kysely<DB>, cohort: Cohort, frameworkId: string, totalMax: number) {
  let q = db
    .selectFrom("organization")
    .innerJoin("result", "result.organizationId", "organization.id")
    .where("organization.industryDivision", "=", cohort.org.industryDivision)
    .where("organization.id", "<>", cohort.org.id)
    .where("result.frameworkId", "=", frameworkId)
    .where("result.kind", "=", "self")
    .where("result.totalMax", "=", totalMax)
    .where("result.id", "=", (eb) =>
      eb
        .selectFrom("result as latest")
        .select("latest.id")
        .whereRef("latest.organizationId", "=", "organization.id")
        .where("latest.frameworkId", "=", frameworkId)
        .where("latest.kind", "=", "self")
        .orderBy("latest.scoredAt", "desc")
        .orderBy("latest.id", "desc")
        .limit(1),
    );
  if (cohort.kind === "districtIndustryScale") {
    q = q.where("organization.districtCode", "=", cohort.org.districtCode).where("organization.aboveScale", "=", cohort.org.aboveScale);
  } else {
    q = q.where("organization.regionCode", "=", cohort.org.regionCode);
  }
  return q;
}

async function countPeers(db: Kysely<DB>, cohort: Cohort, frameworkId: string, totalMax: number): Promise<number> {
  const row = await cohortResults(db, cohort, frameworkId, totalMax).select(sql<number>`cast(count(*) as integer)`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function peerBenchmark(
  db: Kysely<DB>,
  org: Pick<Organization, "id" | "industryDivision" | "districtCode" | "regionCode" | "aboveScale">,
  result: Pick<AssessmentResult, "frameworkId" | "total" | "nodes">,
): Promise<PeerBenchmark> {
  const primary: Cohort = { kind: "districtIndustryScale", org };
  const fallback: Cohort = { kind: "regionIndustry", org };
  const primaryPeers = await countPeers(db, primary, result.frameworkId, result.total.max);
  const fallbackPeers = primaryPeers >= MIN_PEERS ? null : await countPeers(db, fallback, result.frameworkId, result.total.max);
  const choice = chooseCohort(primaryPeers, fallbackPeers);
  if (choice.kind === null) return { shown: false, needed: choice.needed, minimum: MIN_PEERS };
  const cohort = choice.kind === "districtIndustryScale" ? primary : fallback;

  const score = result.total.score;
  const total = await cohortResults(db, cohort, result.frameworkId, result.total.max)
    .select([
      sql<number>`cast(count(*) as integer)`.as("peers"),
      sql<number>`cast(coalesce(sum(case when ${sql.ref("result.totalScore")} < ${score} then 1 else 0 end), 0) as integer)`.as("below"),
      sql<number>`cast(coalesce(sum(case when ${sql.ref("result.totalScore")} = ${score} then 1 else 0 end), 0) as integer)`.as("ties"),
    ])
    .executeTakeFirstOrThrow();
  const counts = { peers: Number(total.peers), below: Number(total.below), ties: Number(total.ties) };

  const dimensions: PeerDimension[] = [];
  const top = result.nodes;
  if (top.length > 0) {
    // The enterprise's own ratio per dimension, as a CASE on node id (typed: PostgreSQL would read bare
    // parameters as text).
    const own = sql.join(top.map((n) => sql`when ${n.id} then cast(${n.ratio} as double precision)`), sql` `);
    const subject = sql`(case ${sql.ref("resultNode.nodeId")} ${own} end)`;
    const rows = await db
      .selectFrom("resultNode")
      .select([
        "resultNode.nodeId",
        sql<number>`cast(count(*) as integer)`.as("peers"),
        sql<number>`cast(coalesce(sum(case when ${sql.ref("resultNode.ratio")} < ${subject} then 1 else 0 end), 0) as integer)`.as("below"),
        sql<number>`cast(coalesce(sum(case when ${sql.ref("resultNode.ratio")} = ${subject} then 1 else 0 end), 0) as integer)`.as("ties"),
      ])
      .where("resultNode.depth", "=", 0)
      .where("resultNode.nodeId", "in", top.map((n) => n.id))
      .where("resultNode.resultId", "in", cohortResults(db, cohort, result.frameworkId, result.total.max).select("result.id"))
      .groupBy("resultNode.nodeId")
      .execute();
    const byNode = new Map(rows.map((r) => [r.nodeId, { peers: Number(r.peers), below: Number(r.below), ties: Number(r.ties) }]));
    for (const n of top) {
      const c = byNode.get(n.id) ?? { peers: 0, below: 0, ties: 0 };
      dimensions.push({ id: n.id, name: n.name, peers: c.peers, percentile: c.peers >= MIN_PEERS ? percentile(c) : null });
    }
  }
  return {
    shown: true,
    cohort: choice.kind,
    industryDivision: org.industryDivision,
    aboveScale: Boolean(org.aboveScale),
    peers: counts.peers,
    total: percentile(counts),
    dimensions,
  };
}
