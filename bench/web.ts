// Web latency under load: p50/p95/p99 of the questionnaire and result pages (server-rendered HTML as a
// browser gets it, gzip included; signed-in enterprise users, each on its own assessments) with 50
// concurrent clients, on a SQLite database seeded with 10,000 enterprises and 50,000 assessments, served by
// the production server (`zhiping serve`) with each worker count given (default: 1, and one per core) —
// all configurations in the same run, phase by phase. Baseline in the same run: /healthz on the same
// server (no session, no database), same clients. The clients run in a process of their own
// (bench/load/generator.ts); each phase reports the CPU the server and the generator used.
// Three load models:
//   users        50 clients that each wait a random think time (exponential, mean --think ms) between
//                requests, like people filling in a questionnaire: the latency a user sees. Goal: p95 < 50 ms.
//   saturation   50 clients firing back to back: the throughput ceiling; latency there is queueing
//                (≈ clients ÷ throughput) on this 2-core machine that also runs the load generator.
//   service time one client: what a page costs with nothing else in flight.
//
//   npx remix build && npx tsx bench/web.ts [--enterprises 10000] [--assessments 50000] [--clients 50]
//                                           [--requests 1500] [--think 1000] [--workers 1,2] [--keep] [--cpu-prof]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Framework } from "../assessments";
import type { AssessmentResult } from "../assessments/types";
import { getFramework } from "../app/domain/frameworks.server";
import { questionnairePages } from "../app/domain/questionnaire-view.server";
import { flattenNodes } from "../app/repos/results.server";
import { answersAtLevel, prng } from "../scripts/cli/demo-answers";
import { ensureBuild, startApp } from "../test/e2e/server";
import { daysBefore, enterpriseWriter, openBulk, sessionWriter } from "./bulk-seed";
import { LoadGenerator } from "./load/client";
import { compareServers, workerCounts, type Row, type Server } from "./load/compare";
import type { LoadRequest } from "./load/protocol";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ENTERPRISES = arg("enterprises", 10_000);
const ASSESSMENTS = arg("assessments", 50_000);
const CLIENTS = arg("clients", 50);
const REQUESTS = arg("requests", 1_500);
const THINK_MS = arg("think", 1_000);
const SIGNED_IN = Math.min(1_000, ENTERPRISES);
const KEEP = process.argv.includes("--keep");
const PROFILE = process.argv.includes("--cpu-prof");
/** Server configurations compared in the run: worker counts (default: one worker, and one per core). */
const WORKERS = workerCounts();
const SECRET = randomBytes(32).toString("base64url");

interface Pooled {
  answers: string[][]; // [questionId, json]
  result: AssessmentResult;
  resultJson: string;
}

function pool(fw: Framework, size: number): Pooled[] {
  const out: Pooled[] = [];
  const levels = [null, 1, 1, 1, 2, 2, 3, 4];
  for (let i = 0; i < size; i++) {
    const { answers, result } = answersAtLevel(fw, levels[i % levels.length], 1000 + i);
    out.push({ answers: Object.entries(answers).map(([q, v]) => [q, JSON.stringify(v)]), result, resultJson: JSON.stringify(result) });
  }
  return out;
}

async function seed(file: string): Promise<{ sessions: Array<{ cookie: string; sme: string[]; submitted: string[] }>; seconds: number }> {
  const started = performance.now();
  const sme = getFramework("sme-digital-2024")!;
  const cmmm = getFramework("cmmm")!;
  const smePool = pool(sme, 120);
  const cmmmPool = pool(cmmm, 40);
  const db = await openBulk(file);
  const rnd = prng(7);
  const now = Date.now();
  const iso = daysBefore(now);
  const writeEnterprise = enterpriseWriter(db, rnd, iso(900));

  const insUser = db.prepare("insert into user (id, email, name, password_hash, role, region_code, created_at) values (?, ?, ?, 'scrypt$1$1$1$AA$AA', 'member', null, ?)");
  const insMember = db.prepare("insert into membership (user_id, organization_id, created_at) values (?, ?, ?)");
  const insAssessment = db.prepare(`insert into assessment (id, organization_id, framework_id, framework_version, industry_type, status, created_by, created_at,
    updated_at, submitted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insAnswer = db.prepare("insert into answer (assessment_id, question_id, value, updated_by, updated_at) values (?, ?, ?, ?, ?)");
  const insResult = db.prepare(`insert into result (id, assessment_id, organization_id, kind, audit_version, framework_id, framework_version, level, level_ceiling,
    total_score, total_max, completeness, scored_at, result_json) values (?, ?, ?, 'self', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insNode = db.prepare("insert into result_node (result_id, node_id, parent_id, kind, depth, score, max, ratio) values (?, ?, ?, ?, ?, ?, ?, ?)");

  const orgIds: string[] = [];
  const users: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < ENTERPRISES; i++) {
      const id = writeEnterprise(i);
      orgIds.push(id);
      const userId = `user${String(i).padStart(6, "0")}`;
      insUser.run(userId, `${userId}@bench.test`, `压测用户${i}`, iso(900));
      insMember.run(userId, id, iso(900));
      users.push(userId);
    }
  })();

  const perOrg = new Map<string, { sme: string[]; submitted: string[] }>();
  const BATCH = 2_000;
  for (let start = 0; start < ASSESSMENTS; start += BATCH) {
    db.transaction(() => {
      for (let n = start; n < Math.min(ASSESSMENTS, start + BATCH); n++) {
        const org = orgIds[n % ENTERPRISES];
        const userId = users[n % ENTERPRISES];
        const isCmmm = n % 10 === 9;
        const fw = isCmmm ? cmmm : sme;
        const sample = isCmmm ? cmmmPool[n % cmmmPool.length] : smePool[n % smePool.length];
        const submitted = n % 7 !== 0;
        const id = `a${String(n).padStart(7, "0")}`;
        const at = iso(800 - (n / ASSESSMENTS) * 790);
        insAssessment.run(id, org, fw.id, fw.version, "discrete", submitted ? "submitted" : "draft", userId, at, at, submitted ? at : null);
        const answers = submitted ? sample.answers : sample.answers.slice(0, Math.floor(sample.answers.length / 2));
        for (const [q, v] of answers) insAnswer.run(id, q, v, userId, at);
        if (submitted) {
          const r = sample.result;
          insResult.run(`r${id}`, id, org, fw.id, fw.version, r.level.value, r.level.ceiling, r.total.score, r.total.max, r.completeness.ratio, at, sample.resultJson);
          for (const node of flattenNodes(r.nodes)) insNode.run(`r${id}`, node.nodeId, node.parentId, node.kind, node.depth, node.score, node.max, node.ratio);
        }
        const entry = perOrg.get(org) ?? { sme: [], submitted: [] };
        if (!isCmmm) entry.sme.push(id);
        if (submitted) entry.submitted.push(id);
        perOrg.set(org, entry);
      }
    })();
  }

  const signIn = sessionWriter(db, SECRET, now);
  const sessions: Array<{ cookie: string; sme: string[]; submitted: string[] }> = [];
  for (let i = 0; i < SIGNED_IN; i++) {
    const cookie = await signIn(users[i]);
    const own = perOrg.get(orgIds[i]);
    if (own && own.sme.length && own.submitted.length) sessions.push({ cookie, ...own });
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("analyze");
  db.close();
  return { sessions, seconds: (performance.now() - started) / 1000 };
}

async function main() {
  ensureBuild();
  const dir = mkdtempSync(join(tmpdir(), "zhiping-bench-web-"));
  const file = join(dir, "zhiping.sqlite");
  console.log(`seeding ${ENTERPRISES.toLocaleString("en")} enterprises and ${ASSESSMENTS.toLocaleString("en")} assessments into ${file} …`);
  const { sessions, seconds } = await seed(file);
  const size = statSync(file).size / 1024 / 1024;
  console.log(`seeded in ${seconds.toFixed(1)} s; database ${size.toFixed(0)} MB; ${sessions.length} signed-in enterprise users\n`);
  process.env.SESSION_SECRET = SECRET;
  // Every configuration serves the same database at the same time (an idle server costs nothing), and
  // each phase runs on them one after the other: the machine's load drifts alike for all of them.
  // --cpu-prof writes a V8 profile of every server process to the data folder (kept).
  const servers: Server[] = [];
  const generator = LoadGenerator.start();
  try {
    for (const workers of WORKERS) {
      servers.push({ workers, app: await startApp(dir, { workers, keepDataDir: true, nodeArgs: PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [] }) });
    }
    const pages = questionnairePages(getFramework("sme-digital-2024")!).map((p) => p.id);
    // The same requests, in the same order, for every configuration: paths and cookies drawn once per phase.
    const rnd = prng(11);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
    const scenarios: Record<string, () => LoadRequest> = {
      baseline: () => ({ url: "/healthz" }),
      questionnaire: () => {
        const s = pick(sessions);
        return { url: `/assessments/${pick(s.sme)}/q/${pick(pages)}`, cookie: s.cookie };
      },
      result: () => {
        const s = pick(sessions);
        return { url: `/assessments/${pick(s.submitted)}/result`, cookie: s.cookie };
      },
    };
    const results = await compareServers({
      generator,
      servers,
      scenarios,
      warmUp: { clients: CLIENTS, total: 300 },
      nameWidth: 15,
      models: [
        { title: `users: ${CLIENTS} concurrent clients, think time exponential with mean ${THINK_MS} ms, ${REQUESTS} requests per page kind`, clients: CLIENTS, total: REQUESTS, thinkMs: THINK_MS },
        { title: `saturation: ${CLIENTS} concurrent clients back to back, ${REQUESTS} requests per page kind`, clients: CLIENTS, total: REQUESTS, thinkMs: 0 },
        // One client alone: the time a page costs the server without any queueing.
        { title: "service time: 1 client, 300 requests per page kind", clients: 1, total: 300, thinkMs: 0 },
      ],
    });
    const [users, saturation, single] = results;
    const row = (rows: Row[], name: string, workers: number) => rows.find((r) => r.name === name && r.workers === workers)!;
    const most = Math.max(...WORKERS);
    const least = Math.min(...WORKERS);
    if (most !== least) {
      for (const name of ["questionnaire", "result"]) {
        console.log(
          `${name}: ${most} workers ÷ ${least}: users p95 × ${(row(users, name, most).p95 / row(users, name, least).p95).toFixed(2)}, saturation req/s × ${(row(saturation, name, most).rps / row(saturation, name, least).rps).toFixed(2)}, service time p50 × ${(row(single, name, most).p50 / row(single, name, least).p50).toFixed(2)}`,
        );
      }
    }
    const worst = Math.max(row(users, "questionnaire", most).p95, row(users, "result", most).p95);
    console.log(`\nusers model with ${most} worker${most === 1 ? "" : "s"}, slowest page p95: ${worst.toFixed(1)} ms (goal < 50 ms) — ${worst < 50 ? "met" : "not met"}`);
  } finally {
    generator.close();
    for (const { app } of servers) await app.stop();
    if (KEEP || PROFILE) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
