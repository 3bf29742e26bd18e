// Small hand-made frameworks whose scores can be worked out on paper, and the real framework files.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseFramework, type AnswerValue, type Answers, type Framework, type RatingValue } from "../../../assessments";

const T = (zh: string, en: string) => ({ zh, en });

export function loadReal(id: "cmmm" | "sme-digital-2024" | "future-factory"): Framework {
  const file = fileURLToPath(new URL(`../../../assessments/frameworks/${id}.json`, import.meta.url));
  return parseFramework(JSON.parse(readFileSync(file, "utf8")));
}

export function readExample(name: string): { framework: string; answers: Record<string, unknown>; industryType?: "discrete" | "process"; linked?: { cmmmLevel?: number } } {
  const file = fileURLToPath(new URL(`../../../assessments/examples/${name}`, import.meta.url));
  return JSON.parse(readFileSync(file, "utf8"));
}

/**
 * Maturity fixture: two units, a (discrete weight 0.2) and b (0.8); process weights 0.5 / 0.5.
 * Level 1: a.l1.1–3 and b.l1.1–3 (b's may be tailored out); level 2: a.l2.1, b.l2.1; level 3: a.l3.1
 * only (b has no requirement at level 3). Gate 0.8, bands 0.8 / 1.8 / 2.8, the gate decides.
 */
export function maturityRaw(): Record<string, unknown> {
  const rq = (unit: string, level: number, n: number, allowNa = false) => ({
    id: `${unit}.l${level}.${n}`,
    node: unit,
    type: "rating",
    level,
    text: T(`要求 ${unit}.${level}.${n}`, `requirement ${unit}.${level}.${n}`),
    ...(allowNa ? { allowNa: true } : {}),
  });
  return {
    id: "mini-maturity",
    version: "1.0.0",
    name: T("小成熟度", "Mini maturity"),
    description: T("测试用", "for tests"),
    levels: [1, 2, 3].map((level) => ({ level, name: T(`${level} 级`, `L${level}`), description: T("描述", "description") })),
    structure: [
      { id: "e1", kind: "element", name: T("要素一", "Element one"), children: [{ id: "a", kind: "subdomain", name: T("子域 A", "Unit A") }] },
      { id: "e2", kind: "element", name: T("要素二", "Element two"), children: [{ id: "b", kind: "subdomain", name: T("子域 B", "Unit B") }] },
    ],
    questions: [
      rq("a", 1, 1),
      rq("a", 1, 2),
      rq("a", 1, 3),
      rq("b", 1, 1, true),
      rq("b", 1, 2, true),
      rq("b", 1, 3, true),
      rq("a", 2, 1),
      rq("b", 2, 1),
      rq("a", 3, 1),
    ],
    scoring: {
      model: "maturity",
      unitKind: "subdomain",
      ratings: { full: 1, most: 0.8, partial: 0.5, none: 0 },
      gateThreshold: 0.8,
      levelBands: [
        { level: 1, from: 0.8 },
        { level: 2, from: 1.8 },
        { level: 3, from: 2.8 },
      ],
      decidedBy: "gate",
      defaultIndustryType: "discrete",
      weights: { discrete: { a: 0.2, b: 0.8 }, process: { a: 0.5, b: 0.5 } },
    },
  };
}

export const maturityFixture = () => parseFramework(maturityRaw());

/** Ratings by question id, e.g. rated({ "a.l1.1": "full" }). */
export function rated(values: Record<string, RatingValue>): Answers {
  const out: Answers = {};
  for (const [id, value] of Object.entries(values)) out[id] = { type: "rating", value };
  return out;
}

/** Every question of a framework answered with `pick(question)`. */
export function answerAll(fw: Framework, pick: (q: Framework["questions"][number]) => AnswerValue | undefined): Answers {
  const out: Answers = {};
  for (const q of fw.questions) {
    const a = pick(q);
    if (a) out[q.id] = a;
  }
  return out;
}

export const deepCopy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
