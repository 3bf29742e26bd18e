// What a questionnaire UI needs from a framework: questions grouped by structure node in display order
// with the node's path, the labelled choices of each answer type, and an answer written out for people.
import { compile } from "./compile";
import type { Framework, Question, StructureNode } from "./schema";
import { num } from "./text";
import type { AnswerValue, Locale, RatingValue, Text } from "./types";

export interface QuestionnairePathStep {
  id: string;
  kind: string;
  name: Text;
}

export interface QuestionnaireSection {
  /** The leaf structure node the questions belong to. */
  node: StructureNode;
  /** From the top-level node down to `node`. */
  path: QuestionnairePathStep[];
  /** In display order (maturity requirements by level, then as written). */
  questions: Question[];
}

export interface QuestionnairePage {
  /** A top-level structure node (element, dimension, trait…): one page of the questionnaire. */
  node: StructureNode;
  sections: QuestionnaireSection[];
  questionCount: number;
}

const cache = new WeakMap<Framework, QuestionnairePage[]>();

/** Questions grouped by top-level node (pages) and leaf node (sections), in display order. */
export function questionnaire(fw: Framework): QuestionnairePage[] {
  const cached = cache.get(fw);
  if (cached) return cached;
  const c = compile(fw);
  const byNode = new Map<string, Question[]>();
  fw.questions.forEach((q) => {
    const list = byNode.get(q.node) ?? [];
    list.push(q);
    byNode.set(q.node, list);
  });
  const pages: QuestionnairePage[] = [];
  for (const entry of c.structure.ordered) {
    if (!entry.parent) pages.push({ node: entry.node, sections: [], questionCount: 0 });
    const questions = byNode.get(entry.node.id);
    if (!questions) continue;
    const ordered = questions
      .map((q, i) => ({ q, i }))
      .sort((a, b) => levelOf(a.q) - levelOf(b.q) || a.i - b.i)
      .map((x) => x.q);
    const page = pages[pages.length - 1];
    page.sections.push({
      node: entry.node,
      path: entry.lineage.map((n) => ({ id: n.id, kind: n.kind, name: n.name })),
      questions: ordered,
    });
    page.questionCount += ordered.length;
  }
  const result = pages.filter((p) => p.questionCount > 0);
  cache.set(fw, result);
  return result;
}

function levelOf(q: Question): number {
  return q.type === "rating" ? (q.level ?? 0) : 0;
}

const RATING_LABELS: Record<RatingValue, Text> = {
  full: { zh: "全部满足", en: "Fully met" },
  most: { zh: "大部分满足", en: "Mostly met" },
  partial: { zh: "部分满足", en: "Partly met" },
  none: { zh: "不满足", en: "Not met" },
  na: { zh: "不适用", en: "Not applicable" },
};

export interface ChoiceItem {
  /** The value to submit (a rating step, an option id or a scene level). */
  value: string;
  label: Text;
  /** Points or rating value this choice is worth, where it has one. */
  worth: number | null;
  /** Longer description (scene levels). */
  description?: Text;
}

/** The labelled choices of a rating, single, multi or scene-level question; [] for numbers. */
export function choicesOf(fw: Framework, q: Question): ChoiceItem[] {
  switch (q.type) {
    case "rating": {
      const scale = fw.scoring.model === "points" ? null : fw.scoring.ratings;
      const steps: RatingValue[] = q.allowNa ? ["full", "most", "partial", "none", "na"] : ["full", "most", "partial", "none"];
      return steps.map((step) => ({ value: step, label: RATING_LABELS[step], worth: step === "na" || !scale ? null : scale[step] }));
    }
    case "single":
    case "multi":
      return q.options.map((o) => ({ value: o.id, label: o.text, worth: o.points ?? null }));
    case "sceneLevel":
      return [
        { value: "0", label: { zh: "未达到 1 级", en: "Below level 1" }, worth: 0 },
        ...q.levels.map((l) => ({ value: String(l.level), label: { zh: `${l.level} 级`, en: `Level ${l.level}` }, worth: l.level, description: l.text })),
      ];
    default:
      return [];
  }
}

/** An answer written out for people, e.g. "大部分满足", "35%", "网络覆盖办公区、云平台互通". */
export function describeAnswer(fw: Framework, questionId: string, answer: AnswerValue | null | undefined, locale: Locale): string {
  if (!answer) return locale === "zh" ? "未作答" : "not answered";
  const q = compile(fw).questionById.get(questionId);
  switch (answer.type) {
    case "rating":
      return RATING_LABELS[answer.value][locale];
    case "single": {
      const o = q?.type === "single" ? q.options.find((x) => x.id === answer.value) : undefined;
      return o ? o.text[locale] : answer.value;
    }
    case "multi": {
      if (answer.value.length === 0) return locale === "zh" ? "（无）" : "(none)";
      const labels = answer.value.map((id) => (q?.type === "multi" ? (q.options.find((x) => x.id === id)?.text[locale] ?? id) : id));
      return labels.join(locale === "zh" ? "、" : ", ");
    }
    case "percentage":
      return `${num(answer.value)}%`;
    case "numeric": {
      const unit = q?.type === "numeric" && q.unit ? ` ${q.unit[locale]}` : "";
      return `${num(answer.value)}${unit}`;
    }
    case "sceneLevel":
      return answer.value === 0 ? (locale === "zh" ? "未达到 1 级" : "below level 1") : locale === "zh" ? `${answer.value} 级` : `level ${answer.value}`;
  }
}
