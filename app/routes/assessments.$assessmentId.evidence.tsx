import {
  MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type ActionFunctionArgs,
} from "@remix-run/node";
import { safeRedirect } from "~/auth/session.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { getDb } from "~/db/db.server";
import { acceptEvidenceFile, cleanFileName } from "~/evidence/sniff.server";
import { deleteEvidenceFile, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_QUESTION, storeEvidenceFile } from "~/evidence/storage.server";
import { formText } from "~/forms";
import { notFound } from "~/http.server";
import { addEvidence, countEvidence, getEvidence, removeEvidence } from "~/repos/evidence.server";

// Adds (file or link) or removes evidence of one answer, then goes back to the questionnaire page. Errors
// travel back in the query string so the page can show them without JavaScript.
export async function loader() {
  notFound();
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "write");
  const back = (returnTo: string, questionId: string, error?: string) => {
    const target = new URL(safeRedirect(returnTo, `/assessments/${ctx.assessment.id}`), "http://x");
    if (error) {
      target.searchParams.set("evidenceError", error);
      target.searchParams.set("eq", questionId);
    } else {
      target.searchParams.delete("evidenceError");
      target.searchParams.delete("eq");
    }
    return redirect(`${target.pathname}${target.search}#q-${encodeURIComponent(questionId)}`);
  };
  // Reject an oversized body before reading it.
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLargeUpFront = declared > MAX_EVIDENCE_BYTES + 64 * 1024;
  let form: FormData | null = null;
  let tooLarge = tooLargeUpFront;
  if (!tooLargeUpFront) {
    try {
      form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_EVIDENCE_BYTES }));
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error;
      tooLarge = true;
    }
  }
  const returnTo = form ? formText(form, "returnTo") : new URL(request.url).searchParams.get("returnTo") ?? "";
  const questionId = form ? formText(form, "questionId") : "";
  if (tooLarge || !form) return back(returnTo, questionId, "tooLarge");
  if (ctx.assessment.status !== "draft") return back(returnTo, questionId, "locked");

  const db = await getDb();
  const intent = formText(form, "intent");
  if (intent === "remove") {
    const evidence = await getEvidence(db, formText(form, "evidenceId"));
    if (!evidence || evidence.assessmentId !== ctx.assessment.id) notFound();
    await removeEvidence(db, ctx.assessment, evidence, ctx.user.id);
    if (evidence.storedName) await deleteEvidenceFile(evidence.organizationId, evidence.storedName);
    return back(returnTo, evidence.questionId);
  }
  if (!ctx.framework.questions.some((q) => q.id === questionId)) return back(returnTo, questionId, "question");
  if ((await countEvidence(db, ctx.assessment.id, questionId)) >= MAX_EVIDENCE_PER_QUESTION) return back(returnTo, questionId, "limit");

  if (intent === "link") {
    const url = formText(form, "url").trim();
    let ok = url.length <= 2000;
    try {
      ok &&= ["http:", "https:"].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) return back(returnTo, questionId, "url");
    await addEvidence(db, ctx.assessment, questionId, { kind: "link", url }, ctx.user.id);
    return back(returnTo, questionId);
  }
  if (intent === "upload") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return back(returnTo, questionId, "empty");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const fileName = cleanFileName(file.name);
    const accepted = acceptEvidenceFile(bytes, fileName);
    if (!accepted.ok) return back(returnTo, questionId, accepted.reason);
    const stored = await storeEvidenceFile(ctx.assessment.organizationId, bytes);
    await addEvidence(
      db, ctx.assessment, questionId,
      { kind: "file", fileName, storedName: stored.storedName, contentType: accepted.type.contentType, sizeBytes: bytes.length, sha256: stored.sha256 },
      ctx.user.id,
    );
    return back(returnTo, questionId);
  }
  return back(returnTo, questionId, "empty");
}
