// The OPC UA source against a server that accepts only SignAndEncrypt with Basic256Sha256, named users and
// trusted client certificates — what a production PLC should require.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateDer } from "../../ingest/sources/opcua/certificate";
import { opcuaConfigSchema, type OpcuaConfigInput } from "../../ingest/sources/opcua/config";
import { OpcuaSource } from "../../ingest/sources/opcua/source";
import { opcuaAddress, simulatorRegistry } from "../../ingest/sources/simulator/registry";
import { LineServer } from "../../ingest/sources/simulator/server";
import { parseLineSpec } from "../../ingest/sources/simulator/spec";
import { CollectingContext, depsWith, tempDir, waitUntil } from "../integration/ingest/simulator-harness";
import { printFigures } from "./figures";

const line = parseLineSpec({
  enterprise: "demo",
  line: "Line1",
  seed: 3,
  epoch: Math.floor(Date.now() / 1000) * 1000 - 60_000,
  machines: [
    {
      id: "M1",
      idealCycleTimeS: 2,
      cycleTimeS: 2,
      behaviour: { kind: "schedule", cycle: [{ state: "Executing", durationS: 30 }, { state: "NotExecuting", durationS: 5 }] },
      quality: { badEvery: 0 },
      spindleSpeedRpm: 800,
      temperature: { ambientC: 20, idleC: 25, executingC: 35, timeConstantS: 60 },
      powerKw: { NotAvailable: 0, OutOfService: 0, NotExecuting: 1, Executing: 4 },
    },
  ],
});

const temp = tempDir("opcua-security");
let server: LineServer;
const sources: OpcuaSource[] = [];

beforeAll(async () => {
  server = new LineServer({
    line,
    pkiFolder: path.join(temp.dir, "server-pki"),
    acceptUnknownClientCertificates: false,
    securityModes: ["SignAndEncrypt"],
    securityPolicies: ["Basic256Sha256"],
    allowAnonymous: false,
    users: [{ username: "operator", password: "s3cret-口令" }],
  });
  await server.start();
  server.play({ speed: 1, from: line.epoch });
});
afterAll(async () => {
  for (const s of sources) await s.stop();
  await server?.close();
  temp.remove();
});

async function start(name: string, overrides: Partial<OpcuaConfigInput>) {
  const config = opcuaConfigSchema.parse({
    endpoint: server.endpointUrl,
    securityMode: "SignAndEncrypt",
    securityPolicy: "Basic256Sha256",
    auth: { type: "username", username: "operator", passwordEnv: "ZP_TEST_OPCUA_PASSWORD" },
    pki: { trustServerCertificates: [server.certificateFile] },
    subscription: { publishingIntervalMs: 100 },
    // Retries a few times a second, not more: every refused attempt makes the server's certificate store
    // take its file lock (to file the certificate under rejected/), and a tighter loop starves the
    // operator's trust action of that lock on a busy machine.
    reconnect: { initialDelayMs: 500, maxDelayMs: 1500 },
    nodes: [opcuaAddress(line, "M1", "Energy")],
    ...overrides,
  });
  const source = new OpcuaSource(config, depsWith(simulatorRegistry(line), temp.dir, name));
  sources.push(source);
  const ctx = new CollectingContext();
  await source.start(ctx);
  return { source, ctx };
}

/** `promise`, or an error naming what did not happen within `ms` (instead of the test's own timeout). */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("opcua source, SignAndEncrypt Basic256Sha256", () => {
  it("is refused while the server does not trust its certificate, and connects once an operator trusts it", async () => {
    process.env.ZP_TEST_OPCUA_PASSWORD = "s3cret-口令";
    const { source, ctx } = await start("secure", {});
    await waitUntil(() => readdirSync(server.rejectedFolder).length > 0, "the server to reject the client certificate");
    await new Promise((r) => setTimeout(r, 1000));
    expect(ctx.states.some((s) => s.state === "connected")).toBe(false);
    expect(ctx.points).toEqual([]);
    // The operator moves the rejected certificate to trusted/.
    const [rejected] = readdirSync(server.rejectedFolder);
    await within(20_000, "the server to trust the certificate", server.trustClientCertificate(certificateDer(readFileSync(path.join(server.rejectedFolder, rejected)))));
    await within(30_000, "the source to connect once trusted", source.ready);
    await waitUntil(() => ctx.points.length > 0, "an encrypted reading");
    expect(ctx.state).toBe("connected");
    expect(ctx.points[0].tags).toEqual({ enterprise: "demo", line: "Line1", machine: "M1", signal: "Energy" });
    printFigures("OPC UA SignAndEncrypt Basic256Sha256", `untrusted client certificate rejected (0 readings while untrusted, certificate in the server's rejected/); trusted by an operator → encrypted readings flow`);
  });

  it("reports a wrong password as an error and never connects", async () => {
    // Same (now trusted) client certificate as the first source: only the password is wrong.
    const { ctx } = await start("wrong-password", {
      auth: { type: "username", username: "operator", password: "guess" },
      pki: { folder: "secure/pki", trustServerCertificates: [server.certificateFile] },
    });
    await waitUntil(() => ctx.states.some((s) => s.state === "error"), "the error");
    const error = ctx.states.find((s) => s.state === "error")!;
    expect(error.detail).toMatch(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
    expect(ctx.points).toEqual([]);
    printFigures("OPC UA wrong password", `error state (${error.detail!.slice(0, 80)}), 0 readings`);
  });

  it("refuses a connection without security (the server offers none)", async () => {
    const { ctx } = await start("plain", { securityMode: "None", securityPolicy: "None", reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    await waitUntil(() => ctx.states.some((s) => s.state === "error"), "the error", 15_000);
    expect(ctx.states.find((s) => s.state === "error")!.detail).toMatch(/endpoint|security|Bad/i);
    expect(ctx.states.some((s) => s.state === "connected")).toBe(false);
    printFigures("OPC UA without security against a SignAndEncrypt-only server", "refused: error state, never connected");
  });
});
