// The addresses of the real services the integration and e2e tests talk to, as written by
// `sh scripts/services.sh up` (which `npm test` runs first). With CI=true a missing service fails the
// test that needs it; elsewhere the test is skipped with a message saying how to make it available.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type ServiceName = "influx" | "mqtt" | "pg" | "chromium";
const variable: Record<ServiceName, string> = {
  influx: "ZP_INFLUX_URL",
  mqtt: "ZP_MQTT_URL",
  pg: "ZP_PG_URL",
  chromium: "ZP_CHROMIUM",
};

const envFile = fileURLToPath(new URL("../../.services/env", import.meta.url));

function fromEnvFile(): Record<string, string> {
  if (!existsSync(envFile)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(envFile, "utf8").split("\n")) {
    const m = /^export (\w+)='(.*)'$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export const isCI = process.env.CI === "true" || process.env.CI === "1";

/** The configured address of a service, or null when it is not available. */
export function serviceUrl(name: ServiceName): string | null {
  const key = variable[name];
  const value = process.env[key] || fromEnvFile()[key] || "";
  return value || null;
}

/**
 * The address of a service a test needs. Throws in CI when it is missing (a missing service is a failure
 * there, never a skip); elsewhere returns null so the caller can `describe.skipIf(!url)`.
 */
export function requireService(name: ServiceName): string | null {
  const url = serviceUrl(name);
  if (!url) {
    const message = `${variable[name]} is not set: run \`sh scripts/services.sh up\` (npm test does) to start ${name}`;
    if (isCI) throw new Error(message);
    console.warn(`[skip] ${message}`);
  }
  return url;
}

/** A name no other test run uses: for databases, topics, client ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
}
