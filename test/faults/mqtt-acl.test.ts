// Gateway security on the broker: a Mosquitto of this test's own with a password file and an ACL. The ingest
// may read only its enterprise's topics; the acme gateway may write only acme's. A gateway writing to a
// foreign enterprise's topic is not delivered to anyone, and an ingest subscribed (by mistake or malice) to a
// foreign filter receives nothing from it — while the broker does deliver that traffic to whom the ACL allows.
// Mosquitto 2.0.11, measured: it grants the foreign SUBSCRIBE (reads are checked per message) and answers a
// refused QoS 1 PUBLISH with reason code 135 "Not authorized" on MQTT 5; on MQTT 3.1.1 it acknowledges and
// drops it.
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../ingest/core/service";
import { embeddedStore, freePort, OwnMosquitto, reading, readingJson, startInProcess, tempDir, until, untilPlantConnected } from "../integration/ingest/support";
import { requireService, uniqueName } from "../support/services";
import { count, printFigures } from "./figures";

const available = requireService("mqtt");
const T0 = Date.UTC(2025, 11, 1);

const users = { ingest: "ingest-口令-1", "gw-acme": "acme-pw-2", "gw-other": "other-pw-3", auditor: "auditor-pw-4" };

describe.skipIf(!available)("MQTT username/password and ACL (own Mosquitto)", () => {
  const temp = tempDir("zp-acl");
  let broker: OwnMosquitto;
  let service: IngestService | undefined;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    const d = temp.dir;
    const passwd = join(d, "passwd");
    execFileSync("mosquitto_passwd", ["-b", "-c", passwd, "ingest", users.ingest], { stdio: "ignore" });
    for (const user of ["gw-acme", "gw-other", "auditor"] as const) execFileSync("mosquitto_passwd", ["-b", passwd, user, users[user]], { stdio: "ignore" });
    writeFileSync(
      join(d, "acl"),
      ["user ingest", "topic read factory/acme/#", "", "user gw-acme", "topic write factory/acme/#", "", "user gw-other", "topic write factory/other/#", "", "user auditor", "topic read #", ""].join("\n"),
    );
    for (const f of readdirSync(d)) chmodSync(join(d, f), 0o644); // mosquitto runs as its own user
    broker = new OwnMosquitto(d, await freePort(), `allow_anonymous false\npassword_file ${passwd}\nacl_file ${join(d, "acl")}\n`);
    await broker.start();
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync().catch(() => undefined);
    await service?.stop();
    await broker?.stop();
    temp.remove();
  });

  const connect = async (user: keyof typeof users, protocolVersion: 4 | 5 = 5) => {
    const c = await mqtt.connectAsync(broker.url, { username: user, password: users[user], protocolVersion, clientId: uniqueName(user), reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  it("delivers a gateway's own topics, and nothing from a foreign enterprise's topics", async () => {
    service = await startInProcess(temp.dir, {
      dataDir: `${temp.dir}/data`,
      http: { enabled: false },
      sources: [
        {
          type: "mqtt",
          name: "plant",
          url: broker.url,
          clientId: uniqueName("ingest"),
          username: "ingest",
          password: users.ingest,
          // The second filter is foreign to the ingest's credentials: the broker must never feed it.
          subscriptions: [
            { topic: "factory/acme/+/telemetry", json: readingJson },
            { topic: "factory/other/+/telemetry", json: readingJson },
          ],
        },
      ],
      sinks: [{ type: "embedded", flushInterval: "50ms" }],
      registry: { conventions: [{ source: "mqtt", match: "factory/{enterprise}/{machine}/telemetry", line: "l", signal: "v" }] },
    });
    await untilPlantConnected(service);
    const store = embeddedStore(service);

    // Someone allowed to read everything, to show the foreign traffic does exist on the broker.
    const auditor = await connect("auditor");
    const auditorSaw: string[] = [];
    auditor.on("message", (topic) => auditorSaw.push(topic));
    await auditor.subscribeAsync("#", { qos: 1 });

    const message = (i: number) => reading(T0, i);
    const acme = await connect("gw-acme");
    const acmeV311 = await connect("gw-acme", 4);
    const other = await connect("gw-other");
    const own = 40;
    const foreign = 20;
    for (let i = 0; i < own; i++) await acme.publishAsync(`factory/acme/m${i % 4}/telemetry`, message(i), { qos: 1 });
    // The acme gateway tries the other enterprise's topics: refused on MQTT 5, silently dropped on 3.1.1.
    const refusals = await Promise.all(
      Array.from({ length: foreign }, (_, i) =>
        acme.publishAsync(`factory/other/m${i % 4}/telemetry`, message(1000 + i), { qos: 1 }).then(
          () => "accepted",
          (err: Error & { code?: number }) => `${err.code}: ${err.message}`,
        ),
      ),
    );
    for (let i = 0; i < foreign; i++) await acmeV311.publishAsync(`factory/other/m${i % 4}/telemetry`, message(2000 + i), { qos: 1 });
    // The other enterprise's own gateway publishes there legitimately.
    for (let i = 0; i < foreign; i++) await other.publishAsync(`factory/other/m${i % 4}/telemetry`, message(3000 + i), { qos: 1 });

    await until("own readings stored", () => store.query({ measurement: "gauge" }).length >= own);
    await until("the auditor saw the other enterprise's own traffic", () => auditorSaw.filter((t) => t.startsWith("factory/other/")).length >= foreign);
    await new Promise((r) => setTimeout(r, 500)); // anything that was going to arrive has arrived

    expect(new Set(refusals)).toEqual(new Set(["135: Publish error: Not authorized"]));
    const stored = store.query({ measurement: "gauge" });
    expect(stored).toHaveLength(own);
    expect(new Set(stored.map((p) => p.tags.enterprise))).toEqual(new Set(["acme"]));
    expect(stored.map((p) => p.fields.value).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: own }, (_, i) => i));
    // Only gw-other's 20 legitimate messages reached factory/other: none of the acme gateway's 40 attempts.
    expect(auditorSaw.filter((t) => t.startsWith("factory/other/"))).toHaveLength(foreign);
    expect(auditorSaw.filter((t) => t.startsWith("factory/acme/"))).toHaveLength(own);
    expect(service.store.countDeadLetters()).toBe(0);
    printFigures(
      "MQTT ACL, foreign topic",
      `acme gateway: ${count(own)} of ${count(own)} own readings stored; ${count(foreign)} writes to another enterprise refused on MQTT 5 (PUBACK 135 Not authorized), ` +
        `${count(foreign)} on MQTT 3.1.1 acknowledged and dropped — 0 delivered to anyone; ingest subscribed to the foreign filter: granted by Mosquitto, ` +
        `0 of ${count(foreign)} foreign messages received (the auditor got all ${count(foreign)})`,
    );
  });
});
