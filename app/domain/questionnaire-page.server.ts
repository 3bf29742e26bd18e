// What the questionnaire and the audit read for one page of a framework's questionnaire: the page by its
// id (404 for an unknown one) and its neighbours, the evidence attached to its questions, and the measured
// values for them.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { EvidenceItem } from "../components/EvidenceBlock";
import type { DB } from "../db/schema";
import { notFound } from "../http.server";
import { listEvidence } from "../repos/evidence.server";
import type { EvidenceView } from "../telemetry/assessment-evidence.server";
import { questionnairePages, type QuestionnairePageView } from "./questionnaire-view.server";

export function findPage(fw: Framework, pageId: string | undefined) {
  const pages = questionnairePages(fw);
  const index = pages.findIndex((p) => p.id === pageId);
  if (index < 0) notFound();
  return {
    pages,
    page: pages[index],
    prev: index > 0 ? pages[index - 1].id : null,
    next: index < pages.length - 1 ? pages[index + 1].id : null,
  };
}

/** The files and links attached to the page's questions, by question. */
export async function evidenceOnPage(db: Kysely<DB>, assessmentId: string, page: QuestionnairePageView): Promise<Record<string, EvidenceItem[]>> {
  const onPage = new Set(page.questionIds);
  const evidence: Record<string, EvidenceItem[]> = {};
  for (const e of await listEvidence(db, assessmentId)) {
    if (onPage.has(e.questionId)) (evidence[e.questionId] ??= []).push({ id: e.id, kind: e.kind, label: e.fileName ?? e.url ?? "", url: e.kind === "link" ? e.url : null, sizeBytes: e.sizeBytes });
  }
  return evidence;
}

/** The measured values for the page's questions, by question, and the OEE they were measured with. */
export function measuredOnPage(view: EvidenceView, page: QuestionnairePageView) {
  const onPage = new Set(page.questionIds);
  return { oee: view.oee, items: Object.fromEntries(view.items.filter((i) => onPage.has(i.questionId)).map((i) => [i.questionId, i])) };
}
