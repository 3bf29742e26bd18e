// Scoring throughput: full assessments (level, gate table, node scores, why, roadmap) per second for each
// framework, against baselines measured in the same run on the same answer sets:
//   - JSON.parse of the answers (what any consumer pays just to read them), and
//   - a bare loop summing the answers' values (a floor: no rules, no explanations).
// Goal: 10,000 assessments in under 1 s. Run: npx tsx bench/scoring.ts [assessments-per-round]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseFramework, score, type AnswerValue, type Answers, type Framework, type Question } from "../assessments";
// Seeded, so every run scores the same answer sets.
import { mulberry32 as random } from "../ingest/sources/simulator/prng";

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = 5;

const STEPS = ["none", "partial", "most", "full"] as const;

function randomAnswer(q: Question, r: () => number): AnswerValue {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  switch (q.type) {
    case "rating":
      return { type: "rating", value: pick(STEPS) };
    case "single":
      return { type: "single", value: pick(q.options).id };
    case "multi":
      return { type: "multi", value: q.options.filter(() => r() < 0.5).map((o) => o.id) };
    case "percentage":
      return { type: "percentage", value: Math.round(r() * 1000) / 10 };
    case "numeric":
      return { type: "numeric", value: q.integer ? Math.floor(r() * ((q.max ?? 5) + 1)) : Math.round(r() * (q.max ?? 6000) * 10) / 10 };
    case "sceneLevel":
      return { type: "sceneLevel", value: Math.floor(r() * (q.levels.length + 1)) as 0 | 1 | 2 | 3 | 4 };
  }
}

/** Answer sets whose levels spread over the whole range: each set leans toward a random maturity. */
function answerSets(fw: Framework, count: number, answeredShare: number, seed: number): Answers[] {
  const r = random(seed);
  return Array.from({ length: count }, () => {
    const lean = r();
    const out: Answers = {};
    for (const q of fw.questions) {
      if (r() > answeredShare) continue;
      let a = randomAnswer(q, r);
      if (a.type === "rating" && r() < lean) a = { type: "rating", value: "full" };
      out[q.id] = a;
    }
    return out;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `ROUNDS` rounds of `work`, after one warm-up round. */
function time(work: () => number): { ms: number; sink: number } {
  let sink = work();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    sink += work();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(times), sink };
}

function sumValues(a: Answers): number {
  let s = 0;
  for (const key in a) {
    const v = a[key].value;
    s += typeof v === "number" ? v : typeof v === "string" ? v.length : v.length;
  }
  return s;
}

const load = (id: string) =>
  parseFramework(JSON.parse(readFileSync(fileURLToPath(new URL(`../assessments/frameworks/${id}.json`, import.meta.url)), "utf8")));

console.log(`scoring ${N} assessments per round, median of ${ROUNDS} rounds (node ${process.version})\n`);
const header = ["framework", "questions", "answers", "score ms", "per second", "JSON.parse ms", "× JSON.parse", "bare loop ms", "× bare loop", "levels seen"];
const rows: string[][] = [header];
let worstMs = 0;
for (const id of ["cmmm", "sme-digital-2024", "future-factory"]) {
  const fw = load(id);
  for (const [label, share] of [
    ["complete", 1],
    ["partial 60%", 0.6],
  ] as const) {
    const sets = answerSets(fw, N, share, 20250101);
    const texts = sets.map((a) => JSON.stringify(a));
    const context = { industryType: "process" as const, linked: { cmmmLevel: 3 } };
    const levels = new Map<string, number>();
    const scored = time(() => {
      let s = 0;
      for (const a of sets) {
        const r = score(fw, a, context);
        s += r.total.score + r.roadmap.length;
      }
      return s;
    });
    for (const a of sets.slice(0, 2000)) {
      const v = String(score(fw, a, context).level.value ?? "-");
      levels.set(v, (levels.get(v) ?? 0) + 1);
    }
    const parsed = time(() => {
      let s = 0;
      for (const t of texts) s += Object.keys(JSON.parse(t)).length;
      return s;
    });
    const bare = time(() => {
      let s = 0;
      for (const a of sets) s += sumValues(a);
      return s;
    });
    if (share === 1) worstMs = Math.max(worstMs, scored.ms);
    rows.push([
      `${id} (${label})`,
      String(fw.questions.length),
      String(Math.round(sets.reduce((n, a) => n + Object.keys(a).length, 0) / sets.length)),
      scored.ms.toFixed(1),
      Math.round((N / scored.ms) * 1000).toLocaleString("en"),
      parsed.ms.toFixed(1),
      (scored.ms / parsed.ms).toFixed(2),
      bare.ms.toFixed(2),
      (scored.ms / bare.ms).toFixed(1),
      [...levels.entries()]
        .sort()
        .map(([l, n]) => `${l}:${n}`)
        .join(" "),
    ]);
  }
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
console.log(
  `\nslowest complete framework: ${N} assessments in ${worstMs.toFixed(0)} ms (goal: 10,000 in < 1,000 ms) — ${worstMs * (10_000 / N) < 1000 ? "met" : "NOT met"}`,
);
