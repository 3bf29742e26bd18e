// The questionnaire as the web app shows it: pages built from the engine's grouping (a top-level structure
// node per page; a page with very many questions is split by the next structure level, as often as needed,
// so no page becomes a scroll marathon), the form field of each question, and the conversion between stored answers and the
// strings a plain HTML form posts. Pure: used by loaders, actions and tests alike.
import { choicesOf, questionnaire, validateAnswer, type ChoiceItem, type Framework, type Question, type QuestionnaireSection } from "../../assessments";
import type { AnswerValue, Answers, Text } from "../../assessments/types";
import { fieldName, MULTI_NONE } from "./answer-fields";

/** Pages with more questions than this are split by the next level of the structure. */
export const MAX_PAGE_QUESTIONS = 40;

export interface QuestionnairePageView {
  id: string;
  name: Text;
  /** Names from the top-level node down to the page's node (one entry for unsplit pages). */
  trail: Text[];
  sections: QuestionnaireSection[];
  questionIds: string[];
}

const pagesCache = new WeakMap<Framework, QuestionnairePageView[]>();

export function questionnairePages(fw: Framework): QuestionnairePageView[] {
  const cached = pagesCache.get(fw);
  if (cached) return cached;
  const pages: QuestionnairePageView[] = [];
  const ids = (sections: QuestionnaireSection[]) => sections.flatMap((s) => s.questions.map((q) => q.id));
  const count = (sections: QuestionnaireSection[]) => sections.reduce((n, s) => n + s.questions.length, 0);
  // A group of sections sharing the path down to `depth`; split one level deeper while it is too long
  // and the deeper level actually divides it.
  const place = (id: string, trail: Text[], sections: QuestionnaireSection[], depth: number) => {
    if (count(sections) > MAX_PAGE_QUESTIONS) {
      const groups = new Map<string, { name: Text; sections: QuestionnaireSection[] }>();
      for (const section of sections) {
        const step = section.path[Math.min(depth + 1, section.path.length - 1)];
        const group = groups.get(step.id) ?? { name: step.name, sections: [] };
        group.sections.push(section);
        groups.set(step.id, group);
      }
      if (groups.size > 1) {
        for (const [gid, g] of groups) place(gid, [...trail, g.name], g.sections, depth + 1);
        return;
      }
    }
    pages.push({ id, name: trail[trail.length - 1], trail, sections, questionIds: ids(sections) });
  };
  for (const page of questionnaire(fw)) place(page.node.id, [page.node.name], page.sections, 0);
  pagesCache.set(fw, pages);
  return pages;
}

export function rawAnswerFromForm(q: Question, form: FormData): string | string[] | null {
  const values = form.getAll(fieldName(q.id)).filter((v): v is string => typeof v === "string");
  if (q.type === "multi") {
    if (values.includes(MULTI_NONE)) return [];
    return values.length > 0 ? values : null;
  }
  const v = values[0]?.trim() ?? "";
  return v === "" ? null : v;
}

export type PageAnswerOutcome = {
  /** Validated changes: a value to store, or null to clear an answer the user blanked. */
  changes: Array<{ questionId: string; value: AnswerValue | null }>;
  /** Bilingual messages for the answers that were not valid (those keep their stored value). */
  errors: Record<string, Text>;
  /** What the user typed, to show back beside an error. */
  submitted: Record<string, string | string[]>;
};

/**
 * Reads and validates the answers to the given questions from a posted form. Valid answers become changes
 * even when a neighbour is invalid; blanks clear. A multiple choice with nothing ticked (and not "none of
 * these") is a blank.
 */
export function readPageAnswers(fw: Framework, questions: Question[], form: FormData): PageAnswerOutcome {
  const outcome: PageAnswerOutcome = { changes: [], errors: {}, submitted: {} };
  for (const q of questions) {
    const raw = rawAnswerFromForm(q, form);
    if (raw === null) {
      outcome.changes.push({ questionId: q.id, value: null });
      continue;
    }
    outcome.submitted[q.id] = raw;
    const check = validateAnswer(fw, q.id, raw);
    if (check.ok) outcome.changes.push({ questionId: q.id, value: check.value });
    else outcome.errors[q.id] = check.message;
  }
  return outcome;
}

/** A stored answer as the form value(s) that show it. */
export function formValueOf(answer: AnswerValue | undefined): string | string[] | null {
  if (!answer) return null;
  switch (answer.type) {
    case "multi":
      return answer.value.length === 0 ? [MULTI_NONE] : answer.value;
    case "numeric":
    case "percentage":
    case "sceneLevel":
      return String(answer.value);
    default:
      return answer.value;
  }
}

export interface QuestionView {
  id: string;
  type: Question["type"];
  text: Text;
  help: Text | null;
  /** Requirement level (maturity model), shown as a tag. */
  level: number | null;
  choices: ChoiceItem[];
  unit: Text | null;
  min: number | null;
  max: number | null;
  integer: boolean;
  /** A measured KPI that could confirm the answer later (telemetry evidence). */
  evidenceNote: Text | null;
  value: string | string[] | null;
}

export function questionView(fw: Framework, q: Question, answers: Answers): QuestionView {
  return {
    id: q.id,
    type: q.type,
    text: q.text,
    help: q.help ?? null,
    level: q.type === "rating" ? (q.level ?? null) : null,
    choices: choicesOf(fw, q),
    unit: q.type === "numeric" ? (q.unit ?? null) : q.type === "percentage" ? { zh: "%", en: "%" } : null,
    min: q.type === "numeric" ? (q.min ?? null) : q.type === "percentage" ? 0 : null,
    max: q.type === "numeric" ? (q.max ?? null) : q.type === "percentage" ? 100 : null,
    integer: q.type === "numeric" ? q.integer === true : false,
    evidenceNote: q.evidence?.note ?? null,
    value: formValueOf(answers[q.id]),
  };
}

/** Whether every question of the page has a stored answer. */
export function pageComplete(page: QuestionnairePageView, answers: Answers): boolean {
  return page.questionIds.every((id) => answers[id] !== undefined);
}
