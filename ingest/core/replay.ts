// Replaying dead letters: after a registry entry, a mapping or a measurement's field type was fixed, put what
// was refused back into the pipeline. A dead letter that holds a point is validated and spooled again; one
// that holds raw input is decoded again by its source plugin (only the part it stands for). What still fails
// becomes a dead letter again; old and new are swapped in one transaction, so nothing is lost or doubled.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "pino";
import type { IngestConfig } from "./config";
import { ConfiguredRegistry } from "./registry";
import type { DeadLetterFilter, DeadLetterRecord, NewDeadLetter, SpoolStore } from "./spool-store";
import type { Point } from "./types";
import { validatePoint } from "./validate";

export interface ReplayResult {
  /** Dead letters taken out of the store (including siblings from the same input). */
  replayed: number;
  /** Points spooled for the sinks. */
  points: number;
  /** New dead letters for what still fails. */
  stillDead: number;
  /** Dead letters left alone, with why (source no longer configured, plugin cannot replay…). */
  skipped: Array<{ id: number; why: string }>;
}

const PAGE = 500;

export function replayDeadLetters(config: IngestConfig, store: SpoolStore, filter: DeadLetterFilter, logger: Logger): ReplayResult {
  const registry = new ConfiguredRegistry(config.registry);
  const chunkSize = Math.min(1000, ...config.sinks.map((s) => s.batchSize));
  const sources = new Map(config.sources.map((s) => [s.name, s]));
  const done = new Set<number>();
  const result: ReplayResult = { replayed: 0, points: 0, stillDead: 0, skipped: [] };
  let afterId = 0;
  for (;;) {
    const page = store.listDeadLetters(filter, PAGE, afterId);
    if (page.length === 0) break;
    afterId = page[page.length - 1].id;
    const ids: number[] = [];
    const points: Point[] = [];
    const stillDead: NewDeadLetter[] = [];
    const now = Date.now();
    for (const letter of page) {
      if (done.has(letter.id)) continue;
      if (letter.point) {
        done.add(letter.id);
        ids.push(letter.id);
        const rejection = validatePoint(letter.point, config.limits, now);
        if (rejection) stillDead.push({ ...carry(letter), stage: "validation", reason: rejection.reason, detail: rejection.detail, point: letter.point });
        else points.push(letter.point);
        continue;
      }
      const entry = sources.get(letter.source);
      if (!letter.raw) {
        done.add(letter.id);
        result.skipped.push({ id: letter.id, why: "no raw input or point kept" });
        continue;
      }
      if (!entry?.plugin.replay) {
        done.add(letter.id);
        result.skipped.push({ id: letter.id, why: entry ? `source type ${entry.type} cannot replay` : `no source named ${letter.source} in the config` });
        continue;
      }
      // All dead letters for the same input and scope go together: decoding once replaces all of them.
      const group = siblings(store, letter).filter((id) => !done.has(id));
      for (const id of group) done.add(id);
      ids.push(...group);
      const decoded = entry.plugin.replay(entry.config, { registry, logger, dataDir: join(config.dataDir, entry.name), name: entry.name, configDir: config.configDir }, {
        raw: letter.raw,
        origin: letter.origin ?? undefined,
        time: letter.time,
      });
      for (const d of decoded.deadLetters)
        stillDead.push({ time: letter.time, source: letter.source, stage: "source", reason: d.reason, detail: d.detail, origin: d.origin, raw: d.raw });
      for (const p of decoded.points) {
        const rejection = validatePoint(p, config.limits, now);
        if (rejection) stillDead.push({ time: letter.time, source: letter.source, stage: "validation", reason: rejection.reason, detail: rejection.detail, point: p });
        else points.push(p);
      }
    }
    if (ids.length) store.replaceDeadLetters(ids, points, stillDead, chunkSize);
    result.replayed += ids.length;
    result.points += points.length;
    result.stillDead += stillDead.length;
    logger.debug({ replayed: ids.length, points: points.length, stillDead: stillDead.length }, "replayed a page of dead letters");
  }
  return result;
}

function carry(letter: DeadLetterRecord): Pick<NewDeadLetter, "time" | "source" | "origin"> {
  return { time: letter.time, source: letter.source, origin: letter.origin ?? undefined };
}

/** Ids of the dead letters recorded from the same input (same source, scope, receive time and bytes). */
function siblings(store: SpoolStore, letter: DeadLetterRecord): number[] {
  const rows = store.db
    .prepare("SELECT id, raw FROM dead_letter WHERE source = ? AND origin IS ? AND time = ? AND point IS NULL AND length(raw) = ?")
    .all(letter.source, letter.origin, letter.time, letter.raw!.length) as Array<{ id: number; raw: Buffer }>;
  const digest = hash(letter.raw!);
  const ids = rows.filter((r) => hash(r.raw) === digest).map((r) => r.id);
  return ids.includes(letter.id) ? ids : [letter.id, ...ids];
}

function hash(b: Buffer): string {
  return createHash("sha1").update(b).digest("hex");
}
