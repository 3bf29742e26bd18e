// Credentials and TLS against a Mosquitto of this test's own (TLS listener, password file, no anonymous
// access): the right ones connect and deliver; a wrong password is an `error` state with the broker's
// reason, not a crash; a missing CA file stops the start with its name.
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../ingest/core/service";
import { requireService, uniqueName } from "../support/services";
import { embeddedStore, freePort, machineTopics, OwnMosquitto, readingJson, startInProcess, tempDir, until } from "../integration/ingest/support";
import { printFigures } from "./figures";

const available = requireService("mqtt");

describe.skipIf(!available)("MQTT with TLS and username/password (own Mosquitto)", () => {
  const temp = tempDir("zp-tls");
  let broker: OwnMosquitto;
  let port: number;
  const services: IngestService[] = [];
  beforeAll(async () => {
    const d = temp.dir;
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: d, stdio: "ignore" });
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=zhiping-test-ca");
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    writeFileSync(join(d, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
    execFileSync("mosquitto_passwd", ["-b", "-c", join(d, "passwd"), "ingest", "s3cret"], { stdio: "ignore" });
    for (const f of readdirSync(d)) chmodSync(join(d, f), 0o644); // mosquitto runs as its own user
    port = await freePort();
    broker = new OwnMosquitto(
      d,
      port,
      `allow_anonymous false\npassword_file ${d}/passwd\ncafile ${d}/ca.pem\ncertfile ${d}/server.pem\nkeyfile ${d}/server.key\n`,
    );
    await broker.start();
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await broker?.stop();
    temp.remove();
  });

  const config = (dir: string, password: string, tls: Record<string, unknown>) => ({
    dataDir: `${dir}/data-${uniqueName("d")}`,
    http: { enabled: false },
    sources: [
      {
        type: "mqtt",
        name: "secure",
        url: `mqtts://127.0.0.1:${port}`,
        clientId: uniqueName("ingest"),
        username: "ingest",
        password,
        tls,
        reconnectInitial: "200ms",
        subscriptions: [{ topic: "secure/+", json: readingJson }],
      },
    ],
    sinks: [{ type: "embedded", flushInterval: "50ms" }],
    registry: machineTopics("secure/{machine}"),
  });

  it("connects with the CA and credentials, and delivers", async () => {
    const service = await startInProcess(temp.dir, config(temp.dir, "s3cret", { ca: "ca.pem" }));
    services.push(service);
    await until("connected over TLS", () => (service.health().sources as any).secure?.state === "connected");
    const pub = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { username: "ingest", password: "s3cret", ca: readFileSync(join(temp.dir, "ca.pem")), protocolVersion: 5 });
    await pub.publishAsync("secure/m1", JSON.stringify({ ts: 1_750_000_000_000, v: 7.25 }), { qos: 1 });
    await pub.endAsync();
    const store = embeddedStore(service);
    await until("stored", () => store.query({ measurement: "gauge" }).length === 1);
    expect(store.query({ measurement: "gauge" })[0]).toMatchObject({ time: 1_750_000_000_000, fields: { value: 7.25 }, tags: { machine: "m1" } });
    printFigures("MQTT over TLS with username/password", "right CA and credentials: connected, 1 of 1 reading stored");
  });

  it("reports a refused password as an error state and keeps running", async () => {
    const service = await startInProcess(temp.dir, config(temp.dir, "wrong", { ca: "ca.pem" }));
    services.push(service);
    const state = await until("error state", () => {
      const s = (service.health().sources as any).secure;
      return s?.state === "error" ? s : null;
    });
    expect(state.detail).toMatch(/Not authorized|Bad User Name or Password/i);
    expect(service.health().status).toBe("degraded");
    printFigures("MQTT wrong password", `error state (${state.detail}), ingest keeps running, /healthz degraded`);
  });

  it("refuses a server certificate it cannot verify (no CA given)", async () => {
    const service = await startInProcess(temp.dir, config(temp.dir, "s3cret", {}));
    services.push(service);
    const state = await until("error state", () => {
      const s = (service.health().sources as any).secure;
      return s?.state === "error" ? s : null;
    });
    expect(state.detail).toMatch(/certificate/i);
    printFigures("MQTT broker certificate not verifiable", `refused: error state (${state.detail})`);
  });

  it("stops the start when a TLS file is missing, naming it", async () => {
    await expect(startInProcess(temp.dir, config(temp.dir, "s3cret", { ca: "nowhere/ca.pem" }))).rejects.toThrow(
      `source secure: tls.ca: cannot read ${join(temp.dir, "nowhere/ca.pem")}: ENOENT`,
    );
  });
});
