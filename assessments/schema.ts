// The file format of a framework (assessments/frameworks/<id>.json), as a zod schema. This is the single
// source of that format: `Framework` and `Question` are inferred from it. Shape checks live here;
// checks that need the whole document (references between parts, sums, orderings) live in
// cross-checks.ts so each error can name the exact path of the fault.
import { z } from "zod";
import type { Text } from "./types";

const EVIDENCE_KPIS = ["networkedRatio", "dataCoverage", "oee", "realtimeCollection", "energyPerUnit", "mtbf"] as const;

/** Ids are stable keys used in answers files and stored results, so keep them plain. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, { error: "must be lower-case letters and digits joined by '.' or '-'" });

const nonEmpty = z.string().trim().min(1, { error: "must not be empty" });

export const textSchema: z.ZodType<Text> = z.strictObject({ zh: nonEmpty, en: nonEmpty });

const evidenceHintSchema = z.strictObject({
  kpi: z.enum(EVIDENCE_KPIS),
  use: z.enum(["confirm", "replace"]),
  note: textSchema,
});

export interface StructureNode {
  id: string;
  /** What the node is in its standard: element, domain, subdomain, dimension, item, sceneGroup, scene, trait… */
  kind: string;
  name: Text;
  description?: Text;
  children?: StructureNode[];
}

const structureNodeSchema: z.ZodType<StructureNode> = z.strictObject({
  id: idSchema,
  kind: z.string().regex(/^[a-zA-Z]+$/, { error: "must be a word such as element, subdomain or scene" }),
  name: textSchema,
  description: textSchema.optional(),
  get children() {
    return z.array(structureNodeSchema).min(1, { error: "omit children instead of giving an empty list" }).optional();
  },
});

/**
 * Points for a measured value: lower-exclusive, upper-inclusive, in increasing order. The first band
 * also takes everything below it; `upTo: null` (last band only) has no upper bound.
 */
const bandSchema = z.strictObject({
  upTo: z.number().nullable(),
  points: z.number().min(0),
});
export type Band = z.infer<typeof bandSchema>;

const optionSchema = z.strictObject({
  id: idSchema,
  text: textSchema,
  /** Absent for options that carry no points (facts such as "mountain or island county: yes/no"). */
  points: z.number().min(0).optional(),
});
export type ChoiceOption = z.infer<typeof optionSchema>;

const questionBase = {
  id: idSchema,
  /** The structure node the question belongs to. */
  node: idSchema,
  text: textSchema,
  help: textSchema.optional(),
  evidence: evidenceHintSchema.optional(),
  /** Free labels for grouping in the UI, e.g. "cloud" for 上云用数 questions. */
  tags: z.array(idSchema).optional(),
};

const ratingQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("rating"),
  /** The maturity level this requirement belongs to (maturity model). */
  level: z.int().min(1).optional(),
  /** Whether the requirement may be tailored out ("na"). */
  allowNa: z.boolean().optional(),
});

const singleQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("single"),
  options: z.array(optionSchema).min(2, { error: "a single choice needs at least two options" }),
});

const multiQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("multi"),
  options: z.array(optionSchema).min(1),
  /** Most points the question can give, when the options add up to more. */
  cap: z.number().positive().optional(),
});

const percentageQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("percentage"),
  bands: z.array(bandSchema).min(1).optional(),
});

const numericQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("numeric"),
  unit: textSchema.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  bands: z.array(bandSchema).min(1).optional(),
});

const sceneLevelQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal("sceneLevel"),
  /** What each level of the scene looks like; answer 0 means "below level 1". */
  levels: z
    .array(z.strictObject({ level: z.int().min(1).max(4), text: textSchema }))
    .min(1)
    .max(4),
});

export const questionSchema = z.discriminatedUnion("type", [
  ratingQuestionSchema,
  singleQuestionSchema,
  multiQuestionSchema,
  percentageQuestionSchema,
  numericQuestionSchema,
  sceneLevelQuestionSchema,
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question["type"];

/** Value of each step of the four-step requirement rating. */
const ratingScaleSchema = z.strictObject({
  full: z.number().min(0).max(1),
  most: z.number().min(0).max(1),
  partial: z.number().min(0).max(1),
  none: z.number().min(0).max(1),
});
export type RatingScale = z.infer<typeof ratingScaleSchema>;

/** Published score bands: level `level` from `from` (inclusive) up to the next band's `from`. */
const levelBandsSchema = z.array(z.strictObject({ level: z.int().min(1), from: z.number().min(0) })).min(1);

const weightsSchema = z.record(z.string(), z.number().min(0));

const maturityScoringSchema = z.strictObject({
  model: z.literal("maturity"),
  /** Kind of the structure nodes that carry requirements and weights (the 20 sub-domains in CMMM). */
  unitKind: z.string().min(1),
  ratings: ratingScaleSchema,
  /** A level is met when its score reaches this and every lower level is met. */
  gateThreshold: z.number().gt(0).max(1),
  levelBands: levelBandsSchema,
  /** Which rule reports the level when the gate and the bands disagree. */
  decidedBy: z.enum(["gate", "bands"]),
  defaultIndustryType: z.enum(["discrete", "process"]),
  /** Weight of each unit per industry type; each set sums to 1. */
  weights: z.strictObject({ discrete: weightsSchema, process: weightsSchema }),
});

const levelRuleSchema = z.strictObject({
  level: z.int().min(1),
  minBase: z.number().min(0),
  minScenes: z.int().min(0),
  sceneLevelAtLeast: z.int().min(1).max(4),
  minConstrained: z.int().min(0),
});
export type LevelRule = z.infer<typeof levelRuleSchema>;

const pointsScoringSchema = z.strictObject({
  model: z.literal("points"),
  /** Structure nodes whose questions' points add up to the base score. */
  baseNodes: z.array(idSchema).min(1),
  /** The base's published maximum; the loader checks the questions add up to it. */
  baseMax: z.number().positive().optional(),
  /** Kind of the structure nodes that are graded scenes. */
  sceneKind: z.string().min(1),
  /** Scenes that count toward the constrained-scene minimum (约束性场景). */
  constrainedScenes: z.array(idSchema),
  /** Level rule rows, evaluated as a gate: a level needs its row and every lower level. */
  levelRules: z.array(levelRuleSchema).min(1),
  /** Published bands of the base score alone. */
  baseBands: levelBandsSchema,
  decidedBy: z.enum(["gate", "bands"]),
});

const numberAtLeastSchema = z.strictObject({
  kind: z.literal("numberAtLeast"),
  question: idSchema,
  min: z.number(),
  /** A different minimum when another answer has a given option (e.g. mountain and island counties). */
  overrides: z
    .array(z.strictObject({ when: z.strictObject({ question: idSchema, equals: idSchema }), min: z.number() }))
    .optional(),
});
const choiceInSchema = z.strictObject({
  kind: z.literal("choiceIn"),
  question: idSchema,
  options: z.array(idSchema).min(1),
});
const readinessAtLeastSchema = z.strictObject({
  kind: z.literal("readinessAtLeast"),
  /** A trait node id; absent for the overall readiness. */
  trait: idSchema.optional(),
  /** On the 0–100 readiness scale. */
  min: z.number().min(0).max(100),
});
const cmmmLevelAtLeastSchema = z.strictObject({
  kind: z.literal("cmmmLevelAtLeast"),
  min: z.int().min(1),
  /** The question asking the CMMM level, used when no linked CMMM result is given. */
  question: idSchema,
});
export const conditionSchema = z.discriminatedUnion("kind", [
  numberAtLeastSchema,
  choiceInSchema,
  readinessAtLeastSchema,
  cmmmLevelAtLeastSchema,
]);
export type Condition = z.infer<typeof conditionSchema>;

const readinessScoringSchema = z.strictObject({
  model: z.literal("readiness"),
  ratings: ratingScaleSchema,
  /** Kind of the structure nodes whose requirements give a readiness score (the six traits). */
  traitKind: z.string().min(1),
  traitWeights: weightsSchema,
  /** Ladder rungs; a rung is met when all its conditions and every lower rung are met. */
  rungs: z.array(z.strictObject({ level: z.int().min(1), conditions: z.array(conditionSchema).min(1) })).min(1),
  /** Tiers reported beside the ladder (e.g. 智能工厂梯度), highest met reported. */
  tiers: z
    .array(z.strictObject({ id: idSchema, name: textSchema, conditions: z.array(conditionSchema).min(1) }))
    .optional(),
});

export const scoringSchema = z.discriminatedUnion("model", [
  maturityScoringSchema,
  pointsScoringSchema,
  readinessScoringSchema,
]);
export type Scoring = z.infer<typeof scoringSchema>;
export type MaturityScoring = z.infer<typeof maturityScoringSchema>;
export type PointsScoring = z.infer<typeof pointsScoringSchema>;
export type ReadinessScoring = z.infer<typeof readinessScoringSchema>;

export const frameworkSchema = z.strictObject({
  $schema: z.string().optional(),
  id: idSchema,
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, { error: "must be a version such as 1.0.0 or 2024.1.0" }),
  name: textSchema,
  description: textSchema,
  sources: z
    .array(z.strictObject({ title: nonEmpty, url: z.url().optional(), note: z.string().optional() }))
    .optional(),
  /**
   * Constants not read in a primary source: `path` points into this document (e.g.
   * `scoring.levelRules[level=3].minConstrained`); S = secondary source, R = recalled or inferred.
   */
  unverified: z.array(z.strictObject({ path: nonEmpty, mark: z.enum(["S", "R"]), note: textSchema })).optional(),
  levels: z
    .array(z.strictObject({ level: z.int().min(1), name: textSchema, description: textSchema }))
    .min(1),
  structure: z.array(structureNodeSchema).min(1),
  questions: z.array(questionSchema).min(1),
  scoring: scoringSchema,
});

export type Framework = z.infer<typeof frameworkSchema>;
export type FrameworkLevel = Framework["levels"][number];
