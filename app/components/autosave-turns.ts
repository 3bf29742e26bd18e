// Autosaves of one questionnaire page take turns: one question's save (its action and the revalidation of
// the page that follows it) at a time, the others in the order they asked. Two saves in flight at once
// made the router abort the first one's revalidation when the second one's action returned — wasted work
// on the server, and an AbortError in the browser's console. With several server processes the two
// actions really run side by side, so that happened often enough to see. (Client-side module state: one
// questionnaire page is shown at a time in a tab.)
const waiting: string[] = [];
let saving: string | null = null;
const senders = new Map<string, () => void>();

function next(): void {
  while (saving === null && waiting.length > 0) {
    const id = waiting.shift()!;
    const send = senders.get(id);
    if (!send) continue; // the question left the page meanwhile
    saving = id;
    send();
  }
}

/** A question on the page and how it sends its save; returns the function to call when it leaves. */
export function joinAutosave(questionId: string, send: () => void): () => void {
  senders.set(questionId, send);
  return () => {
    if (senders.get(questionId) === send) senders.delete(questionId);
    const at = waiting.indexOf(questionId);
    if (at >= 0) waiting.splice(at, 1);
    if (saving === questionId) saving = null;
    next();
  };
}

/** The question has a change to save: sent now if no save is in flight, else when its turn comes. */
export function requestAutosave(questionId: string): void {
  if (!waiting.includes(questionId)) waiting.push(questionId);
  next();
}

/** The question's save is over (action answered, page revalidated): the next one in line goes. */
export function autosaveDone(questionId: string): void {
  if (saving === questionId) saving = null;
  next();
}

/** The question whose save is in flight, if any. */
export function autosaveInFlight(): string | null {
  return saving;
}
