// 10,000 malformed payloads over real Mosquitto: no crash, each one counted in the dead-letter store with
// its reason, every message acknowledged (no stall), and a good message afterwards still arrives.
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../../ingest/core/service";
import { requireService, uniqueName } from "../../support/services";
import { embeddedStore, machineTopics, metricValue, publishAll, plantSource, publisher, runCli, startInProcess, tempDir, until, untilPlantConnected, writeConfig } from "./support";

const mqttUrl = requireService("mqtt");
const T0 = Date.UTC(2025, 7, 1);

describe.skipIf(!mqttUrl)("malformed payloads", () => {
  const temp = tempDir("zp-malformed");
  let service: IngestService | undefined;
  afterAll(async () => {
    await service?.stop();
    temp.remove();
  });

  it("dead-letters all 10,000, each once with its reason, and keeps the stream flowing", async () => {
    const prefix = uniqueName("bad");
    const config = {
      dataDir: `${temp.dir}/data`,
      http: { port: 0 },
      sources: [
        { ...plantSource(mqttUrl!, `${prefix}/+`), receiveMaximum: 500 },
      ],
      sinks: [{ type: "embedded", flushInterval: "50ms" }],
      registry: machineTopics(`${prefix}/{machine}`),
    };
    service = await startInProcess(temp.dir, config);
    await untilPlantConnected(service);

    // Five kinds of bad input, 2,000 each; each message yields exactly one dead letter.
    const kinds: Array<[string, (i: number) => string | Buffer]> = [
      ["malformed_json", (i) => `{"ts": ${i}, "v": `],
      ["malformed_json", () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])], // not UTF-8
      ["wrong_type", (i) => JSON.stringify({ ts: T0 + i, v: "NaN-ish" })],
      ["missing_path", (i) => JSON.stringify({ ts: T0 + i, value: 1 })],
      ["bad_timestamp", (i) => JSON.stringify({ ts: "yesterday", v: i })],
    ];
    const messages: Array<[string, string | Buffer]> = [];
    for (let i = 0; i < 10_000; i++) {
      const [, make] = kinds[i % kinds.length];
      messages.push([`${prefix}/m${i % 3}`, make(i)]);
    }
    const pub = await publisher(mqttUrl!, uniqueName("pub"));
    await publishAll(pub, messages, 500);
    await until("10,000 dead letters", () => service!.store.countDeadLetters() === 10_000, 30_000);

    expect(service.store.deadLettersByReason()).toEqual([
      { source: "plant", stage: "source", reason: "bad_timestamp", count: 2000 },
      { source: "plant", stage: "source", reason: "malformed_json", count: 4000 },
      { source: "plant", stage: "source", reason: "missing_path", count: 2000 },
      { source: "plant", stage: "source", reason: "wrong_type", count: 2000 },
    ]);
    const port = service.address!.port;
    expect(await metricValue(port, "zhiping_ingest_dead_letters_total", { source: "plant", reason: "malformed_json" })).toBe(4000);
    const [first] = service.store.listDeadLetters({ reason: "malformed_json" }, 1);
    expect(first.raw?.toString()).toBe('{"ts": 0, "v": ');
    expect(first.origin).toBe(`${prefix}/m0`);

    // Every poison message was acknowledged: a good one goes straight through.
    await publishAll(pub, [[`${prefix}/m1`, JSON.stringify({ ts: T0, v: 42.5 })]]);
    await pub.endAsync();
    const store = embeddedStore(service);
    await until("the good message stored", () => store.query({ measurement: "gauge" }).length === 1);
    expect(store.query({ measurement: "gauge" })[0]).toMatchObject({ time: T0, fields: { value: 42.5, quality: "good" }, tags: { machine: "m1" } });

    // The operator's view through the CLI (it opens the same spool file next to the running ingest).
    const file = writeConfig(temp.dir, config, "cli.yaml");
    const counted = await runCli(["dead-letters", "count", "--config", file, "--json"]);
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.stdout).total).toBe(10_000);
  });
});
