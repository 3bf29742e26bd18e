// The web app's one telemetry reader, chosen by the environment: the embedded SQLite store the ingest writes
// (ZHIPING_TELEMETRY_STORE, the demo's) or InfluxDB (ZHIPING_INFLUX_URL and ZHIPING_INFLUX_DATABASE, with
// ZHIPING_INFLUX_USERNAME / _PASSWORD or _TOKEN). The readers themselves are the ingest's (ingest/telemetry):
// the web app never speaks InfluxQL or SQL to a telemetry store itself.
import { EmbeddedTelemetryReader, InfluxTelemetryReader, influxReaderConfigSchema, type TelemetryReader } from "../../ingest/telemetry";

export type ReaderSetting =
  | { kind: "none" }
  | { kind: "embedded"; path: string }
  | { kind: "influx"; config: ReturnType<typeof influxReaderConfigSchema.parse> }
  | { kind: "invalid"; problem: string };

/** What the environment asks for; a half or malformed setting is `invalid` with the reason, never a guess. */
export function readerSetting(env: NodeJS.ProcessEnv = process.env): ReaderSetting {
  const path = env.ZHIPING_TELEMETRY_STORE?.trim();
  const url = env.ZHIPING_INFLUX_URL?.trim();
  if (path && url) return { kind: "invalid", problem: "set either ZHIPING_TELEMETRY_STORE or ZHIPING_INFLUX_URL, not both" };
  if (path) return { kind: "embedded", path };
  if (!url) return { kind: "none" };
  const parsed = influxReaderConfigSchema.safeParse({
    url,
    database: env.ZHIPING_INFLUX_DATABASE?.trim() || undefined,
    ...(env.ZHIPING_INFLUX_USERNAME ? { username: env.ZHIPING_INFLUX_USERNAME } : {}),
    ...(env.ZHIPING_INFLUX_PASSWORD !== undefined && env.ZHIPING_INFLUX_USERNAME ? { password: env.ZHIPING_INFLUX_PASSWORD } : {}),
    ...(env.ZHIPING_INFLUX_TOKEN ? { token: env.ZHIPING_INFLUX_TOKEN } : {}),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const key = i.path[0] === "database" ? "ZHIPING_INFLUX_DATABASE" : i.path[0] === "url" ? "ZHIPING_INFLUX_URL" : `ZHIPING_INFLUX_${String(i.path[0]).toUpperCase()}`;
    return { kind: "invalid", problem: `${key}: ${i.message}` };
  }
  return { kind: "influx", config: parsed.data };
}

export type ReaderState = { reader: TelemetryReader } | { reader: null; problem: "notConfigured" | "unavailable"; detail: string };

const holder = globalThis as typeof globalThis & { __zhipingTelemetryReader?: { key: string; reader: TelemetryReader } };

/**
 * The reader, opened on first use and kept. An embedded store that does not exist yet (the ingest has not
 * started) is `unavailable` and tried again on the next call, so the app needs no restart once it appears.
 */
export function telemetryReader(env: NodeJS.ProcessEnv = process.env): ReaderState {
  const setting = readerSetting(env);
  if (setting.kind === "none") return { reader: null, problem: "notConfigured", detail: "no telemetry store is configured" };
  if (setting.kind === "invalid") return { reader: null, problem: "notConfigured", detail: setting.problem };
  const key = JSON.stringify(setting);
  if (holder.__zhipingTelemetryReader?.key === key) return { reader: holder.__zhipingTelemetryReader.reader };
  try {
    const reader = setting.kind === "embedded" ? new EmbeddedTelemetryReader(setting.path) : new InfluxTelemetryReader(setting.config);
    const previous = holder.__zhipingTelemetryReader;
    holder.__zhipingTelemetryReader = { key, reader };
    void previous?.reader.close().catch(() => undefined);
    return { reader };
  } catch (err) {
    return { reader: null, problem: "unavailable", detail: (err as Error).message };
  }
}

/** Closes the kept reader (tests, shutdown); the next call opens it again. */
export async function closeTelemetryReader(): Promise<void> {
  const current = holder.__zhipingTelemetryReader;
  holder.__zhipingTelemetryReader = undefined;
  await current?.reader.close();
}
