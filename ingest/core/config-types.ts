// Small value types shared by ingest.yaml schemas: durations ("250ms", "1s", 5000) and sizes ("512MiB").
import { z } from "zod";

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Milliseconds: a number, or a string with a unit (ms, s, m, h, d), e.g. "1.5s". */
export function parseDuration(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(v);
  return m ? Number(m[1]) * DURATION_UNITS[m[2]] : null;
}

/** Bytes: a number, or a string with a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. "512MiB". */
export function parseSize(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;
  if (typeof v !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(v);
  if (!m) return null;
  const unit = SIZE_UNITS[(m[2] ?? "b").toLowerCase()];
  return unit ? Math.floor(Number(m[1]) * unit) : null;
}

/** A duration in ms, with bounds so a typo like "1000s" for a commit delay is caught. */
export function duration(opts: { min?: number; max?: number } = {}) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: `expected a duration like 500ms, 1s, 5m or a number of ms, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    if (opts.min !== undefined && ms < opts.min) ctx.addIssue({ code: "custom", message: `must be at least ${opts.min} ms` });
    if (opts.max !== undefined && ms > opts.max) ctx.addIssue({ code: "custom", message: `must be at most ${opts.max} ms` });
    return ms;
  });
}

export function byteSize(opts: { min?: number } = {}) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const bytes = parseSize(v);
    if (bytes === null) {
      ctx.addIssue({ code: "custom", message: `expected a size like 512MiB, 2GB or a number of bytes, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    if (opts.min !== undefined && bytes < opts.min) ctx.addIssue({ code: "custom", message: `must be at least ${opts.min} bytes` });
    return bytes;
  });
}
