// Bureau portfolio under load: p50/p95/p99 of the portfolio page (server-rendered HTML as a browser gets
// it, gzip included) for a city bureau — the whole city unfiltered, and random filter/sort/page
// combinations — and for a district bureau, on a SQLite database bulk-seeded with 100,000 enterprises and
// their results; plus the result page with its peer panel. Baseline in the same run: /healthz on the same
// server (no session, no database), same clients. Goal: portfolio p95 < 300 ms. Served by the production
// server (`zhiping serve`) with each worker count given (default: 1, and one per core), phase by phase; the
// clients run in a process of their own (bench/load/generator.ts) and each phase reports the CPU the server
// and the generator used. Load models as bench/web.ts:
//   users      --users clients, each waiting a random think time (exponential, mean --think ms) between
//              requests: the latency a bureau user sees.
//   saturation --clients clients back to back: the throughput ceiling; latency there is mostly queueing on
//              this 2-core machine that also runs the load generator.
// It also prints the seeding and backfill (standing sync) times, EXPLAIN QUERY PLAN of the portfolio's
// queries, the CSV export's rate, and the peer-percentile query's own time.
//
//   npx remix build && npx tsx bench/portfolio.ts [--enterprises 100000] [--users 20] [--think 2000]
//                                                 [--clients 8] [--requests 600] [--workers 1,2] [--keep]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { CamelCasePlugin, Kysely, SqliteDialect, type LogEvent } from "kysely";
import type { AssessmentResult } from "../assessments/types";
import { DEFAULT_FILTERS, type PortfolioFilters } from "../app/bureau/filters";
import { FLAG_BITS } from "../app/bureau/flags";
import { peerBenchmark } from "../app/bureau/peers.server";
import { countsByDistrict, countsByIndustry, libraryPage, portfolioReference } from "../app/bureau/portfolio.server";
import { syncStandings } from "../app/bureau/standing.server";
import { openDatabase } from "../app/db/connection.server";
import type { DB } from "../app/db/schema";
import { getFramework } from "../app/domain/frameworks.server";
import { CLUSTERS, DISTRICTS, INDUSTRIES } from "../app/domain/reference-data";
import { flattenNodes } from "../app/repos/results.server";
import { answersAtLevel, prng } from "../scripts/cli/demo-answers";
import { ladderAnswersAtRung } from "../scripts/cli/demo-bureau";
import { ensureBuild, startApp } from "../test/e2e/server";
import { daysBefore, enterpriseWriter, openBulk, sessionWriter } from "./bulk-seed";
import { LoadGenerator } from "./load/client";
import { compareServers, workerCounts, type Server } from "./load/compare";
import type { LoadRequest } from "./load/protocol";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ENTERPRISES = arg("enterprises", 100_000);
const USERS = arg("users", 20);
const THINK_MS = arg("think", 2_000);
const CLIENTS = arg("clients", 8);
const REQUESTS = arg("requests", 600);
const KEEP = process.argv.includes("--keep");
/** Server configurations compared in the run: worker counts (default: one worker, and one per core). */
const WORKERS = workerCounts();
const SECRET = randomBytes(32).toString("base64url");
/** Enterprises whose SME results keep the engine's whole JSON (the result-page scenario opens those). */
const FULL_JSON = Math.min(2_000, ENTERPRISES);

interface Pooled {
  result: AssessmentResult;
  json: string;
  cloud: string | null;
  top: ReturnType<typeof flattenNodes>;
}

function pooled(result: AssessmentResult, cloud: string | null): Pooled {
  return { result, json: JSON.stringify(result), cloud, top: flattenNodes(result.nodes).filter((n) => n.depth === 0) };
}

async function seed(file: string) {
  const started = performance.now();
  const sme = getFramework("sme-digital-2024")!;
  const cmmm = getFramework("cmmm")!;
  const ladder = getFramework("future-factory")!;
  const smeLevels = [null, 1, 1, 1, 2, 2, 3, 4];
  const smePool = Array.from({ length: 120 }, (_, i) => {
    const { answers, result } = answersAtLevel(sme, smeLevels[i % smeLevels.length], 2000 + i);
    return pooled(result, answers["cloud-systems"] ? JSON.stringify(answers["cloud-systems"]) : null);
  });
  const cmmmPool = Array.from({ length: 40 }, (_, i) => pooled(answersAtLevel(cmmm, [null, 1, 1, 2, 2, 3, 4, 5][i % 8], 3000 + i).result, null));
  const rungs = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3];
  const ladderPool = Array.from({ length: 40 }, (_, i) => pooled(ladderAnswersAtRung(ladder, rungs[i % rungs.length], 4000 + i, 1 + (i % 4), i % 3 === 0).result, null));

  const db = await openBulk(file); // schema, reference data, migration 0003
  const rnd = prng(17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const now = Date.now();
  const iso = daysBefore(now);
  const writeEnterprise = enterpriseWriter(db, rnd, iso(900));
  const insAssessment = db.prepare(`insert into assessment (id, organization_id, framework_id, framework_version, industry_type, status, created_by, created_at,
    updated_at, submitted_at) values (?, ?, ?, ?, ?, 'submitted', 'benchuser', ?, ?, ?)`);
  const insAnswer = db.prepare("insert into answer (assessment_id, question_id, value, updated_by, updated_at) values (?, 'cloud-systems', ?, 'benchuser', ?)");
  const insResult = db.prepare(`insert into result (id, assessment_id, organization_id, kind, audit_version, framework_id, framework_version, level, level_ceiling,
    total_score, total_max, completeness, scored_at, result_json) values (?, ?, ?, 'self', 0, ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
  const insNode = db.prepare("insert into result_node (result_id, node_id, parent_id, kind, depth, score, max, ratio) values (?, ?, ?, ?, ?, ?, ?, ?)");
  const insUser = db.prepare("insert into user (id, email, name, password_hash, role, region_code, created_at) values (?, ?, ?, 'scrypt$1$1$1$AA$AA', 'bureau_admin', ?, ?)");

  let assessments = 0;
  const smeResults: string[] = [];
  const assess = (org: string, fwId: string, version: string, p: Pooled, daysAgo: number, fullJson: boolean) => {
    const id = `a${String(++assessments).padStart(7, "0")}`;
    const at = iso(daysAgo);
    insAssessment.run(id, org, fwId, version, "discrete", at, at, at);
    // Nothing the bench measures reads an SME or CMMM result's JSON except the result page (FULL_JSON
    // enterprises); the 未来工厂 JSON is read by the backfill (the tier), so it is always the engine's.
    insResult.run(`r${id}`, id, org, fwId, version, p.result.level.value, p.result.level.ceiling, p.result.total.score, p.result.total.max, at, fullJson ? p.json : "{}");
    for (const n of p.top) insNode.run(`r${id}`, n.nodeId, n.parentId, n.kind, n.depth, n.score, n.max, n.ratio);
    if (p.cloud) insAnswer.run(id, p.cloud, at);
    return id;
  };
  const BATCH = 5_000;
  for (let start = 0; start < ENTERPRISES; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(ENTERPRISES, start + BATCH); i++) {
        const id = writeEnterprise(i);
        if (rnd() < 0.6) {
          const first = assess(id, sme.id, sme.version, pick(smePool), 60 + Math.floor(rnd() * 840), i < FULL_JSON);
          if (i < FULL_JSON) smeResults.push(first);
          if (rnd() < 0.3) assess(id, sme.id, sme.version, pick(smePool), Math.floor(rnd() * 60), i < FULL_JSON);
        }
        if (rnd() < 0.4) assess(id, cmmm.id, cmmm.version, pick(cmmmPool), Math.floor(rnd() * 900), false);
        if (rnd() < 0.1) {
          assess(id, ladder.id, ladder.version, pick(ladderPool), 300 + Math.floor(rnd() * 600), true);
          if (rnd() < 0.5) assess(id, ladder.id, ladder.version, pick(ladderPool), Math.floor(rnd() * 300), true);
        }
      }
    })();
  }
  const signIn = sessionWriter(db, SECRET, now);
  const sessions: Record<string, string> = {};
  for (const [userId, region] of [["benchcity", "330200"], ["benchbeilun", "330206"]] as const) {
    insUser.run(userId, `${userId}@bench.test`, userId, region, iso(1));
    sessions[userId] = await signIn(userId);
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { sessions, assessments, smeResults, seconds: (performance.now() - started) / 1000 };
}

/** The standing backfill (first sync) on the seeded file, timed; then statistics for the planner. */
async function backfill(file: string) {
  const database = await openDatabase({ dialect: "sqlite", file });
  const t0 = performance.now();
  const report = await syncStandings(database.db);
  const seconds = (performance.now() - t0) / 1000;
  await database.close();
  const db = new SQLite(file);
  db.exec("analyze");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { report, seconds };
}

/** EXPLAIN QUERY PLAN of the SQL the portfolio runs, captured from Kysely as the page would issue it. */
async function plans(file: string) {
  const raw = new SQLite(file, { readonly: true });
  const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: new SQLite(file, { readonly: true }) }),
    plugins: [new CamelCasePlugin()],
    log: (e: LogEvent) => {
      if (e.level === "query") captured.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  const ref = await portfolioReference(db);
  captured.length = 0;
  const city = { regionCode: "330200", districtCode: null };
  const cases: Array<[string, PortfolioFilters]> = [
    ["unfiltered", DEFAULT_FILTERS],
    ["scale + flag + SME level", { ...DEFAULT_FILTERS, scale: "above", flags: ["zjtx"], scheme: "sme", level: 2 }],
    ["district + sort by CMMM", { ...DEFAULT_FILTERS, district: "330206", sort: "cmmm", dir: "desc" }],
  ];
  for (const [name, f] of cases) {
    for (const run of [() => countsByDistrict(db, city, f, ref), () => countsByIndustry(db, city, f, ref), () => libraryPage(db, city, f, ref)]) {
      captured.length = 0;
      await run();
      const q = captured[0];
      const what = q.sql.includes("group by \"district_code\"") ? "counts by district" : q.sql.includes("group by \"industry_division\"") ? "counts by industry" : "library page";
      const plan = raw.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>;
      console.log(`  ${name} · ${what}: ${plan.map((p) => p.detail).join(" | ")}`);
    }
  }
  await db.destroy();
  raw.close();
}

async function peerTimes(file: string, smeResults: string[]) {
  const database = await openDatabase({ dialect: "sqlite", file });
  const rnd = prng(23);
  const times: number[] = [];
  let shown = 0;
  for (let i = 0; i < 200; i++) {
    const id = smeResults[Math.floor(rnd() * smeResults.length)];
    const row = await database.db.selectFrom("result").selectAll().where("assessmentId", "=", id).executeTakeFirstOrThrow();
    const org = await database.db.selectFrom("organization").selectAll().where("id", "=", row.organizationId).executeTakeFirstOrThrow();
    const t0 = performance.now();
    const r = await peerBenchmark(database.db, org, JSON.parse(row.resultJson) as AssessmentResult);
    times.push(performance.now() - t0);
    if (r.shown) shown++;
  }
  await database.close();
  times.sort((a, b) => a - b);
  return { p50: times[100], p95: times[190], shown };
}

function randomFilters(rnd: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const p = new URLSearchParams();
  const kind = Math.floor(rnd() * 10);
  if (kind === 0) p.set("district", pick(DISTRICTS).code);
  if (kind === 1) p.set("industry", pick(INDUSTRIES).code);
  if (kind === 2) (p.set("district", pick(DISTRICTS).code), p.set("scale", "above"));
  if (kind === 3) p.set("cluster", pick(CLUSTERS).code);
  if (kind === 4) p.set("cluster", pick(["g246_equipment", "g246_textiles", "g246_appliances", "g246_petrochem"]));
  if (kind === 5) (p.set("scheme", "sme"), p.set("level", String(Math.floor(rnd() * 5))));
  if (kind === 6) p.set("ready", pick(["cloud", "workshop", "factory", "future"]));
  if (kind === 7) p.append("flag", pick(Object.keys(FLAG_BITS)));
  if (kind === 8) (p.set("industry", pick(INDUSTRIES).code), p.set("scale", "below"), p.append("flag", "zjtx"));
  if (kind === 9) p.set("q", `压测企业${Math.floor(rnd() * 100)}`);
  if (rnd() < 0.5) (p.set("sort", pick(["name", "cmmm", "sme", "rung", "latest", "district"])), p.set("dir", pick(["asc", "desc"])));
  if (rnd() < 0.3) p.set("page", String(1 + Math.floor(rnd() * 5)));
  return `?${p.toString()}`;
}

async function main() {
  ensureBuild();
  const dir = mkdtempSync(join(tmpdir(), "zhiping-bench-portfolio-"));
  const file = join(dir, "zhiping.sqlite");
  console.log(`seeding ${ENTERPRISES.toLocaleString("en")} enterprises into ${file} …`);
  const seeded = await seed(file);
  console.log(`seeded ${seeded.assessments.toLocaleString("en")} assessments in ${seeded.seconds.toFixed(1)} s`);
  const filled = await backfill(file);
  console.log(`standing backfill: ${filled.report.enterprises.toLocaleString("en")} enterprises, ${filled.report.districts} districts in ${filled.seconds.toFixed(1)} s; database ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB\n`);
  console.log("EXPLAIN QUERY PLAN (city bureau):");
  await plans(file);
  const peers = await peerTimes(file, seeded.smeResults);
  console.log(`\npeer percentiles (query only, 200 random SME results): p50 ${peers.p50.toFixed(1)} ms, p95 ${peers.p95.toFixed(1)} ms; shown for ${peers.shown} of 200\n`);

  process.env.SESSION_SECRET = SECRET;
  // Every configuration serves the same database at the same time (an idle server costs nothing), and
  // each phase runs on them one after the other: the machine's load drifts alike for all of them.
  const servers: Server[] = [];
  const generator = LoadGenerator.start();
  try {
    for (const workers of WORKERS) servers.push({ workers, app: await startApp(dir, { workers, keepDataDir: true }) });
    const rnd = prng(29);
    const city = seeded.sessions.benchcity;
    const beilun = seeded.sessions.benchbeilun;
    const scenarios: Record<string, () => LoadRequest> = {
      baseline: () => ({ url: "/healthz" }),
      "portfolio (city)": () => ({ url: "/bureau", cookie: city }),
      "portfolio filtered": () => ({ url: `/bureau${randomFilters(rnd)}`, cookie: city }),
      "portfolio (district)": () => ({ url: `/bureau${rnd() < 0.5 ? "" : randomFilters(rnd).replace(/district=\d+&?/, "")}`, cookie: beilun }),
      "result + peers": () => ({ url: `/assessments/${seeded.smeResults[Math.floor(rnd() * seeded.smeResults.length)]}/result`, cookie: city }),
    };
    const results = await compareServers({
      generator,
      servers,
      scenarios,
      warmUp: { clients: 2, total: 40 },
      nameWidth: 24,
      models: [
        { title: `users: ${USERS} concurrent clients, think time exponential with mean ${THINK_MS} ms, ${REQUESTS} requests per page kind`, clients: USERS, total: REQUESTS, thinkMs: THINK_MS },
        { title: `saturation: ${CLIENTS} concurrent clients back to back, ${REQUESTS} requests per page kind`, clients: CLIENTS, total: REQUESTS, thinkMs: 0 },
        { title: "service time: 1 client, 100 requests per page kind", clients: 1, total: 100, thinkMs: 0 },
      ],
    });

    const most = Math.max(...WORKERS);
    const app = servers.find((s) => s.workers === most)!.app;
    for (const [label, url, cookie] of [["CSV export, city", `${app.url}/bureau/export.csv`, city], ["CSV export, 北仑", `${app.url}/bureau/export.csv`, beilun]] as const) {
      const t0 = performance.now();
      const r = await new Promise<{ status: number; rows: number }>((resolve, reject) => {
        http.get(url, { headers: { cookie } }, (res) => {
          let rows = 0;
          res.on("data", (d: Buffer) => {
            for (const byte of d) if (byte === 10) rows++;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, rows: rows - 1 }));
        }).on("error", reject);
      });
      const s = (performance.now() - t0) / 1000;
      console.log(`${label} (${most} workers): ${r.rows.toLocaleString("en")} rows in ${s.toFixed(2)} s (${Math.round(r.rows / s).toLocaleString("en")} rows/s, status ${r.status})`);
    }
    const [users, saturation] = results;
    const portfolioPages = ["portfolio (city)", "portfolio filtered", "portfolio (district)"];
    for (const { workers } of servers) {
      const worst = Math.max(...users.filter((r) => r.workers === workers && portfolioPages.includes(r.name)).map((r) => r.p95));
      const worstSat = Math.max(...saturation.filter((r) => r.workers === workers && portfolioPages.includes(r.name)).map((r) => r.p95));
      console.log(`\n${workers} worker${workers === 1 ? "" : "s"}: users model, slowest portfolio p95: ${worst.toFixed(1)} ms (goal < 300 ms) — ${worst < 300 ? "met" : "not met"}`);
      console.log(`${workers} worker${workers === 1 ? "" : "s"}: saturation (${CLIENTS} back to back), slowest portfolio p95: ${worstSat.toFixed(1)} ms (goal < 300 ms) — ${worstSat < 300 ? "met" : "not met"}`);
    }
  } finally {
    generator.close();
    for (const { app } of servers) await app.stop();
    if (KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
