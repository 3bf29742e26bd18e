// Names shared by the questionnaire's server code and its form components (kept apart from the engine so
// the browser bundle does not pull it in).

/** The value of the extra "none of these" box of a multiple choice, so "nothing applies" is an answer. */
export const MULTI_NONE = "__none__";

export function fieldName(questionId: string): string {
  return `a:${questionId}`;
}

/** The file chooser's hint; the server decides by content (evidence/sniff.server.ts). */
export const ALLOWED_EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.doc,.xls,.ppt,.csv,.txt";
