// Scored results. The whole AssessmentResult is kept as the engine returned it (with the framework id and
// version it was scored with); level, total and every node's score are also columns and rows, so a bureau
// portfolio or peer percentiles can be computed in SQL without reading JSON.
import type { Kysely } from "kysely";
import type { AssessmentResult, NodeScore } from "../../assessments/types";
import { newId, nowIso } from "../db/ids.server";
import type { Assessment, DB, ResultKind, ResultNodeTable, ResultRow } from "../db/schema";

export type NodeRow = Omit<ResultNodeTable, "resultId">;

export function flattenNodes(nodes: NodeScore[], parentId: string | null = null, depth = 0, out: NodeRow[] = []): NodeRow[] {
  for (const n of nodes) {
    out.push({ nodeId: n.id, parentId, kind: n.kind, depth, score: n.score, max: n.max, ratio: n.ratio });
    flattenNodes(n.children, n.id, depth + 1, out);
  }
  return out;
}

/** Stores (or replaces) the result of one kind/version of an assessment. */
export async function saveResult(
  db: Kysely<DB>,
  assessment: Pick<Assessment, "id" | "organizationId">,
  kind: ResultKind,
  auditVersion: number,
  result: AssessmentResult,
): Promise<string> {
  const id = newId();
  const run = async (trx: Kysely<DB>) => {
    await trx.deleteFrom("result").where("assessmentId", "=", assessment.id).where("kind", "=", kind).where("auditVersion", "=", auditVersion).execute();
    await trx
      .insertInto("result")
      .values({
        id,
        assessmentId: assessment.id,
        organizationId: assessment.organizationId,
        kind,
        auditVersion,
        frameworkId: result.frameworkId,
        frameworkVersion: result.frameworkVersion,
        level: result.level.value,
        levelCeiling: result.level.ceiling,
        totalScore: result.total.score,
        totalMax: result.total.max,
        completeness: result.completeness.ratio,
        scoredAt: nowIso(),
        resultJson: JSON.stringify(result),
      })
      .execute();
    const nodes = flattenNodes(result.nodes);
    // Chunked: SQLite limits the number of bound parameters per statement.
    for (let i = 0; i < nodes.length; i += 100) {
      await trx.insertInto("resultNode").values(nodes.slice(i, i + 100).map((n) => ({ resultId: id, ...n }))).execute();
    }
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
  return id;
}

export interface StoredResult {
  row: Omit<ResultRow, "resultJson">;
  result: AssessmentResult;
}

export async function getResult(db: Kysely<DB>, assessmentId: string, kind: ResultKind, auditVersion = 0): Promise<StoredResult | null> {
  const row = await db
    .selectFrom("result")
    .selectAll()
    .where("assessmentId", "=", assessmentId)
    .where("kind", "=", kind)
    .where("auditVersion", "=", auditVersion)
    .executeTakeFirst();
  if (!row) return null;
  const { resultJson, ...rest } = row;
  return { row: rest, result: JSON.parse(resultJson) as AssessmentResult };
}

/** Self results of an organisation for one framework, oldest first: the trend line. */
export async function resultHistory(db: Kysely<DB>, organizationId: string, frameworkId: string) {
  return db
    .selectFrom("result")
    .innerJoin("assessment", "assessment.id", "result.assessmentId")
    .select(["result.assessmentId", "result.level", "result.totalScore", "result.totalMax", "assessment.submittedAt", "result.scoredAt"])
    .where("result.organizationId", "=", organizationId)
    .where("result.frameworkId", "=", frameworkId)
    .where("result.kind", "=", "self")
    .orderBy("result.scoredAt", "asc")
    .limit(100)
    .execute();
}
