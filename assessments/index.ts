// The public surface of the assessment domain. The web app, the CLI and the telemetry evidence code
// import from here. Helpers for terminals and files stay in their own modules so a browser bundle that
// imports this one does not pull them in: report-text.ts (plain-text report), coverage.ts (coverage
// table), json-text.ts (JSON with line/column errors).
export type * from "./types";
export type {
  Band,
  ChoiceOption,
  Condition,
  Framework,
  FrameworkLevel,
  LevelRule,
  Question,
  QuestionType,
  RatingScale,
  Scoring,
  StructureNode,
} from "./schema";
export { frameworkSchema } from "./schema";
export { parseFramework, FrameworkError } from "./parse";
export type { FrameworkIssue } from "./cross-checks";
export { validateAnswer, validateAnswers, type AnswerCheck, type AnswerError } from "./answers";
export { score } from "./score";
export {
  questionnaire,
  choicesOf,
  describeAnswer,
  type ChoiceItem,
  type QuestionnairePage,
  type QuestionnaireSection,
  type QuestionnairePathStep,
} from "./questionnaire";
export { maxPoints, answerPoints } from "./question-values";
export { measuredEvidenceFor, evidenceText, checkEvidenceRules, evidenceRules, ruleFor, windowText, type KpiMeasures, type KpiMeasurement, type EvidenceRule, type EvidenceWindow } from "./evidence-from-kpi";
