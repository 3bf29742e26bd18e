// Dead letters are replayable: messages for an unregistered topic and points refused by validation are kept;
// after the registry and the limits are fixed, `zhiping ingest dead-letters replay` puts them back into the
// pipeline, the next start writes them, and nothing is left — or doubled.
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../../ingest/core/service";
import { requireService, uniqueName } from "../../support/services";
import { embeddedStore, publishAll, publisher, runCli, startInProcess, tempDir, until, untilPlantConnected, writeConfig } from "./support";

const mqttUrl = requireService("mqtt");

describe.skipIf(!mqttUrl)("dead-letter replay through the CLI", () => {
  const temp = tempDir("zp-replay");
  let service: IngestService | undefined;
  afterAll(async () => {
    await service?.stop();
    temp.remove();
  });

  it("replays unregistered and refused input after the config is fixed", async () => {
    const prefix = uniqueName("replay");
    const now = Date.now();
    const base = (registry: unknown, maxFuture: string) => ({
      dataDir: `${temp.dir}/data`,
      http: { enabled: false },
      validation: { maxFuture },
      sources: [
        {
          type: "mqtt",
          name: "plant",
          url: mqttUrl,
          clientId: uniqueName("ingest"),
          subscriptions: [{ topic: `${prefix}/#`, json: { timestamp: { path: "ts", format: "unix_ms" }, fields: [{ path: "v", type: "float" }, { path: "n", type: "int" }] } }],
        },
      ],
      sinks: [{ type: "embedded", flushInterval: "50ms" }],
      registry,
    });
    // Only line A's topics are known at first.
    const before = base({ conventions: [{ source: "mqtt", match: `${prefix}/A/{machine}`, enterprise: "e", line: "A" }] }, "1h");
    service = await startInProcess(temp.dir, before);
    await untilPlantConnected(service);
    const pub = await publisher(mqttUrl!, uniqueName("pub"));
    await publishAll(pub, [
      [`${prefix}/A/m1`, JSON.stringify({ ts: now, v: 1.5, n: 1 })], // fine
      [`${prefix}/B/m2`, JSON.stringify({ ts: now, v: 2.5, n: 2 })], // unregistered: both values
      [`${prefix}/B/m2`, JSON.stringify({ ts: now + 1, v: 3.5, n: 3 })], // unregistered: both values
      [`${prefix}/A/m1`, JSON.stringify({ ts: now + 2 * 3600_000, v: 4.5, n: 4 })], // two hours ahead: refused
    ]);
    await pub.endAsync();
    await until("dead letters recorded", () => service!.store.countDeadLetters() === 6);
    await service.stop();
    service = undefined;

    const fixed = writeConfig(temp.dir, base({ conventions: [{ source: "mqtt", match: `${prefix}/{line}/{machine}`, enterprise: "e" }] }, "1d"), "fixed.yaml");
    const count = await runCli(["dead-letters", "count", "--config", fixed]);
    expect(count.code).toBe(0);
    expect(count.stdout).toBe(
      ["6 dead letter(s)", "         4  plant  source  unregistered", "         2  plant  validation  time_out_of_range", ""].join("\n"),
    );
    const listed = await runCli(["dead-letters", "list", "--config", fixed, "--reason", "unregistered", "--json"]);
    const letters = listed.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(letters.map((l) => l.origin)).toEqual([`${prefix}/B/m2#v`, `${prefix}/B/m2#n`, `${prefix}/B/m2#v`, `${prefix}/B/m2#n`]);
    expect(letters[0].raw.text).toBe(JSON.stringify({ ts: now, v: 2.5, n: 2 }));

    const replayed = await runCli(["dead-letters", "replay", "--config", fixed]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe("replayed 6 dead letter(s): 6 point(s) spooled for the sinks, 0 still dead\n");
    expect((await runCli(["dead-letters", "count", "--config", fixed])).stdout).toBe("0 dead letter(s)\n");

    // The next start writes what the replay spooled.
    service = await startInProcess(temp.dir, { ...base({ conventions: [{ source: "mqtt", match: `${prefix}/{line}/{machine}`, enterprise: "e" }] }, "1d"), sources: [] });
    const store = embeddedStore(service);
    await until("all points stored", () => store.query().length === 8);
    const rows = store.query().map((r) => `${r.tags.line}/${r.tags.machine}/${r.tags.signal}@${r.time - now}=${r.fields.value}`).sort();
    expect(rows).toEqual(
      [
        "A/m1/n@0=1",
        "A/m1/v@0=1.5",
        "A/m1/n@7200000=4",
        "A/m1/v@7200000=4.5",
        "B/m2/n@0=2",
        "B/m2/v@0=2.5",
        "B/m2/n@1=3",
        "B/m2/v@1=3.5",
      ].sort(),
    );
  });
});
