// Keeps enterprise_standing (one row per enterprise) and portfolio_summary (per-district counts) in step with
// the results and profiles they are derived from. Nothing else in the app has to call in: every bureau page
// first runs `syncStandings`, which catches up by time and recomputes the enterprises concerned from their
// whole history. Two cursors ("results", "organizations") say up to which time stamp everything has been
// applied. A transaction can commit a little after the time it stamped, and app servers' clocks differ a
// little, so a cursor only advances to SYNC_WINDOW_MS before now: rows stamped within the last window are
// read again by each sync (an in-memory note of what was applied skips them), and nothing older is read
// twice. The first sync on a database (no cursor yet) is the backfill of every enterprise. Recomputing is
// idempotent, so two servers doing the same work at once is harmless; within one server, one sync runs at
// a time.
import type { Kysely } from "kysely";
import type { AnswerValue } from "../../assessments/types";
import { nowIso, timeOrderedId } from "../db/ids.server";
import type { DB } from "../db/schema";
import { parseStoredAnswer } from "../repos/assessments.server";
import { CLOUD_RULE, meetsCloudRule } from "./cloud-rule";
import { isSmeBySize } from "./enterprise-size";
import { flagMask } from "./flags";
import { FRAMEWORKS } from "./ladder";
import { bureauDb, type BureauDb, type EnterpriseStandingTable } from "./schema";
import { standingFacts, tierFromResultJson, type ResultFact } from "./standing";
import { recomputeSummaries, type DistrictKey } from "./summary.server";

/** How long after its time stamp a change may still become visible (commit delay, clock skew). */
export const SYNC_WINDOW_MS = 10 * 60_000;
/** Pages sync at most this often per server: a new result shows on the portfolio within a second. */
export const SYNC_MAX_AGE_MS = 1_000;
const BATCH = 500;
const UPSERT_CHUNK = 200;
const STANDING_FRAMEWORKS = [FRAMEWORKS.sme, FRAMEWORKS.cmmm, FRAMEWORKS.ladder];

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The cloud rule's verdict for each SME result, on the answers that result was scored from. */
async function cloudVerdicts(b: BureauDb, results: ReadonlyArray<{ id: string; assessmentId: string; kind: string; auditVersion: number }>): Promise<Map<string, boolean>> {
  const verdicts = new Map<string, boolean>();
  if (results.length === 0) return verdicts;
  const self = new Map<string, AnswerValue | null>();
  const audited = new Map<string, AnswerValue | null>();
  for (const ids of chunks([...new Set(results.map((r) => r.assessmentId))], 1000)) {
    const rows = await b.selectFrom("answer").select(["assessmentId", "value"]).where("questionId", "=", CLOUD_RULE.questionId).where("assessmentId", "in", ids).execute();
    for (const r of rows) self.set(r.assessmentId, parseStoredAnswer(r.value));
    if (results.some((r) => r.kind === "audit")) {
      const decisions = await b
        .selectFrom("audit")
        .innerJoin("auditAnswer", "auditAnswer.auditId", "audit.id")
        .select(["audit.assessmentId", "audit.version", "auditAnswer.value"])
        .where("auditAnswer.questionId", "=", CLOUD_RULE.questionId)
        .where("audit.assessmentId", "in", ids)
        .execute();
      for (const d of decisions) audited.set(`${d.assessmentId}@${d.version}`, parseStoredAnswer(d.value));
    }
  }
  for (const r of results) {
    const key = `${r.assessmentId}@${r.auditVersion}`;
    const answer = r.kind === "audit" && audited.has(key) ? audited.get(key) : self.get(r.assessmentId);
    verdicts.set(r.id, meetsCloudRule(answer ?? null));
  }
  return verdicts;
}

/**
 * Recomputes the standing of these enterprises from their profiles and whole result history, and returns
 * the districts whose summaries that may change (where they are now and where they were).
 */
export async function refreshStandings(db: Kysely<DB>, organizationIds: readonly string[]): Promise<DistrictKey[]> {
  const b = bureauDb(db);
  const touched = new Map<string, DistrictKey>();
  const touch = (regionCode: string, districtCode: string) => touched.set(districtCode, { regionCode, districtCode });
  for (const ids of chunks([...new Set(organizationIds)], BATCH)) {
    const orgs = await b
      .selectFrom("organization")
      .select(["id", "name", "regionCode", "districtCode", "industryCode", "industryDivision", "clusterCode", "aboveScale", "employees", "revenueBand", "updatedAt"])
      .where("id", "in", ids)
      .execute();
    const before = await b.selectFrom("enterpriseStanding").select(["organizationId", "regionCode", "districtCode"]).where("organizationId", "in", ids).execute();
    for (const s of before) touch(s.regionCode, s.districtCode);
    const flags = await b.selectFrom("organizationFlag").select(["organizationId", "flag"]).where("organizationId", "in", ids).execute();
    const results = await b
      .selectFrom("result")
      .select(["id", "assessmentId", "organizationId", "frameworkId", "kind", "auditVersion", "level", "totalScore", "scoredAt"])
      .where("organizationId", "in", ids)
      .where("frameworkId", "in", STANDING_FRAMEWORKS)
      .execute();
    const cloud = await cloudVerdicts(b, results.filter((r) => r.frameworkId === FRAMEWORKS.sme));

    const factsByOrg = new Map<string, ResultFact[]>();
    for (const r of results) {
      const list = factsByOrg.get(r.organizationId) ?? [];
      list.push({
        resultId: r.id, assessmentId: r.assessmentId, frameworkId: r.frameworkId, kind: r.kind === "audit" ? "audit" : "self",
        auditVersion: Number(r.auditVersion), level: r.level === null ? null : Number(r.level), totalScore: Number(r.totalScore), scoredAt: r.scoredAt,
        onCloud: cloud.get(r.id),
      });
      factsByOrg.set(r.organizationId, list);
    }
    const flagsByOrg = new Map<string, string[]>();
    for (const f of flags) flagsByOrg.set(f.organizationId, [...(flagsByOrg.get(f.organizationId) ?? []), f.flag]);
    const facts = new Map(orgs.map((o) => [o.id, standingFacts(factsByOrg.get(o.id) ?? [])]));

    // The tier is only in the stored result JSON: read it for each enterprise's latest ladder result alone.
    const tiers = new Map<string, string | null>();
    const ladderIds = [...facts.values()].map((f) => f.ladderResultId).filter((id): id is string => id !== null);
    for (const part of chunks(ladderIds, 200)) {
      for (const r of await b.selectFrom("result").select(["id", "resultJson"]).where("id", "in", part).execute()) tiers.set(r.id, tierFromResultJson(r.resultJson));
    }

    const computedAt = nowIso();
    const rows: EnterpriseStandingTable[] = orgs.map((o) => {
      const f = facts.get(o.id)!;
      touch(o.regionCode, o.districtCode);
      const { ladderResultId, ...stored } = f;
      return {
        organizationId: o.id,
        name: o.name,
        regionCode: o.regionCode,
        districtCode: o.districtCode,
        industryCode: o.industryCode,
        industryDivision: o.industryDivision,
        clusterCode: o.clusterCode,
        aboveScale: Number(o.aboveScale) ? 1 : 0,
        smeSize: isSmeBySize(Number(o.employees), o.revenueBand) ? 1 : 0,
        flagMask: flagMask(flagsByOrg.get(o.id) ?? []),
        orgUpdatedAt: o.updatedAt,
        ...stored,
        tier: ladderResultId ? (tiers.get(ladderResultId) ?? null) : null,
        computedAt,
      };
    });
    for (const part of chunks(rows, UPSERT_CHUNK)) {
      await b
        .insertInto("enterpriseStanding")
        .values(part)
        .onConflict((oc) =>
          oc.column("organizationId").doUpdateSet((eb) => {
            const set: Record<string, unknown> = {};
            for (const key of Object.keys(part[0]) as Array<keyof EnterpriseStandingTable>) {
              if (key !== "organizationId") set[key] = eb.ref(`excluded.${key}`);
            }
            return set as never;
          }),
        )
        .execute();
    }
    // Enterprises deleted since: their rows went with them (foreign key cascade); nothing to do here.
    await yieldToOthers();
  }
  return [...touched.values()];
}

interface SyncMemo {
  running: Promise<SyncReport> | null;
  /** Changes already applied within the look-back window: result ids and organisation@updated_at. */
  seen: Map<string, string>;
  /** When the last sync of this process finished (ms since the epoch; 0: never). */
  finishedAt: number;
  /** The data version the last sync saw: it changes whenever a sync (of any server) applied a change. */
  version: string;
}
const memos = new WeakMap<object, SyncMemo>();

export interface SyncReport {
  backfill: boolean;
  enterprises: number;
  districts: number;
}

const NOTHING: SyncReport = { backfill: false, enterprises: 0, districts: 0 };

/**
 * Brings the standing and summaries up to date (the first call on a database is the full backfill). With
 * `maxAgeMs`, a sync that finished that recently counts as current: pages under load share one sync per
 * interval instead of running one each.
 */
export function syncStandings(db: Kysely<DB>, options: { maxAgeMs?: number } = {}): Promise<SyncReport> {
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = { running: null, seen: new Map(), finishedAt: 0, version: "" }));
  const m = memo;
  if (m.running) return m.running;
  if (options.maxAgeMs !== undefined && m.finishedAt > 0 && Date.now() - m.finishedAt < options.maxAgeMs) return Promise.resolve(NOTHING);
  m.running = runSync(db, m).then(
    (report) => {
      m.running = null;
      m.finishedAt = Date.now();
      return report;
    },
    (error) => {
      m.running = null;
      throw error;
    },
  );
  return m.running;
}

/** Marks the standing as changed: cached aggregates of every server become stale. */
async function bumpVersion(b: BureauDb): Promise<string> {
  const version = timeOrderedId();
  await saveCursor(b, "version", version);
  return version;
}

/**
 * The data version of the standing as of this server's last sync ("" before the first): cached aggregates
 * are keyed by it.
 */
export function standingVersion(db: Kysely<DB>): string {
  return memos.get(db)?.version ?? "";
}

function settledBefore(now: number): string {
  return new Date(now - SYNC_WINDOW_MS).toISOString();
}

async function saveCursor(b: BureauDb, name: string, cursor: string): Promise<void> {
  const updatedAt = nowIso();
  await b
    .insertInto("bureauSyncState")
    .values({ name, cursor, updatedAt })
    .onConflict((oc) => oc.column("name").doUpdateSet({ cursor, updatedAt }))
    .execute();
}

async function runSync(db: Kysely<DB>, memo: SyncMemo): Promise<SyncReport> {
  const b = bureauDb(db);
  const state = new Map((await b.selectFrom("bureauSyncState").select(["name", "cursor"]).execute()).map((s) => [s.name, s.cursor]));
  const resultsCursor = state.get("results");
  const orgsCursor = state.get("organizations");
  if (resultsCursor === undefined || orgsCursor === undefined) {
    const report = await backfill(db);
    memo.version = await bumpVersion(b);
    return report;
  }
  memo.version = state.get("version") ?? "";

  const horizon = settledBefore(Date.now());
  const results = await b.selectFrom("result").select(["id", "organizationId", "scoredAt"]).where("scoredAt", ">", resultsCursor).execute();
  const orgs = await b.selectFrom("organization").select(["id", "updatedAt"]).where("updatedAt", ">", orgsCursor).execute();
  const changed = new Set<string>();
  const newlySeen: Array<[string, string]> = [];
  for (const r of results) {
    if (memo.seen.has(`r:${r.id}`)) continue;
    changed.add(r.organizationId);
    newlySeen.push([`r:${r.id}`, r.scoredAt]);
  }
  for (const o of orgs) {
    const key = `o:${o.id}@${o.updatedAt}`;
    if (memo.seen.has(key)) continue;
    changed.add(o.id);
    newlySeen.push([key, o.updatedAt]);
  }
  let districts = 0;
  if (changed.size > 0) {
    const touched = await refreshStandings(db, [...changed]);
    await recomputeSummaries(db, touched);
    districts = touched.length;
    memo.version = await bumpVersion(b);
  }
  for (const [key, at] of newlySeen) memo.seen.set(key, at);
  // Everything stamped up to the horizon has now been read and applied: the cursors move there, and the
  // notes of changes at or before the older cursor are no longer needed.
  const nextResults = horizon > resultsCursor ? horizon : resultsCursor;
  const nextOrgs = horizon > orgsCursor ? horizon : orgsCursor;
  const oldest = nextResults < nextOrgs ? nextResults : nextOrgs;
  for (const [key, at] of memo.seen) if (at <= oldest) memo.seen.delete(key);
  if (nextResults !== resultsCursor) await saveCursor(b, "results", nextResults);
  if (nextOrgs !== orgsCursor) await saveCursor(b, "organizations", nextOrgs);
  return { backfill: false, enterprises: changed.size, districts };
}

/** Every enterprise, in batches by id; then the cursors start a window before the backfill began. */
async function backfill(db: Kysely<DB>): Promise<SyncReport> {
  const b = bureauDb(db);
  const cursor = settledBefore(Date.now());
  let after = "";
  let enterprises = 0;
  const touched = new Map<string, DistrictKey>();
  for (;;) {
    const ids = (await b.selectFrom("organization").select("id").where("id", ">", after).orderBy("id").limit(BATCH).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    for (const d of await refreshStandings(db, ids)) touched.set(d.districtCode, d);
    enterprises += ids.length;
    after = ids[ids.length - 1];
  }
  await recomputeSummaries(db, [...touched.values()]);
  await saveCursor(b, "results", cursor);
  await saveCursor(b, "organizations", cursor);
  return { backfill: true, enterprises, districts: touched.size };
}
