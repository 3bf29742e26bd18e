// Random ids for rows (unguessable, URL-safe, dialect-neutral) and time-ordered ids for event logs.
import { randomBytes } from "node:crypto";

// 32 symbols so that a byte's low five bits map onto it without bias; no i, l, o, u to avoid misreading.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** 16 characters from 80 random bits. */
export function newId(): string {
  const bytes = randomBytes(16);
  let out = "";
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

let lastMs = 0;
let counter = 0;
/** Sorts by creation time as text (9 chars of ms, 4 of a per-ms counter) then random. */
export function timeOrderedId(now = Date.now()): string {
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  return now.toString(36).padStart(9, "0") + counter.toString(36).padStart(4, "0") + newId().slice(0, 7);
}

export function nowIso(): string {
  return new Date().toISOString();
}
