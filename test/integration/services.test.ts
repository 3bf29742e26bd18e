// Smoke test of the test services: each one is written to and read back, over a real connection.
import { describe, expect, it } from "vitest";
import { InfluxDB } from "influx";
import mqtt from "mqtt";
import pg from "pg";
import { launchChromium } from "../e2e/browser";
import { requireService, uniqueName } from "../support/services";

const influxUrl = requireService("influx");
const mqttUrl = requireService("mqtt");
const pgUrl = requireService("pg");
const chromiumPath = requireService("chromium");

describe.skipIf(!influxUrl)("InfluxDB", () => {
  it("stores a point and returns it from a query", async () => {
    const database = uniqueName("smoke");
    const influx = new InfluxDB(`${influxUrl}/${database}`);
    await influx.createDatabase(database);
    try {
      await influx.writePoints(
        [{ measurement: "machine", tags: { machine: "m1" }, fields: { temperature: 41.5 }, timestamp: new Date(1_700_000_000_000) }],
        { precision: "ms" },
      );
      const rows = await influx.query<{ temperature: number }>(`SELECT temperature FROM machine WHERE machine = 'm1'`);
      expect(rows.map((r) => r.temperature)).toEqual([41.5]);
      expect(rows[0] && (rows[0] as any).time.getTime()).toBe(1_700_000_000_000);
    } finally {
      await influx.dropDatabase(database);
    }
  });
});

describe.skipIf(!mqttUrl)("Mosquitto", () => {
  it("delivers a QoS 1 message from a publisher to a subscriber", async () => {
    const topic = `zhiping/smoke/${uniqueName("t")}`;
    const sub = await mqtt.connectAsync(mqttUrl!, { clientId: uniqueName("sub") });
    const pub = await mqtt.connectAsync(mqttUrl!, { clientId: uniqueName("pub") });
    try {
      const received = new Promise<string>((resolve) => sub.on("message", (_t, payload) => resolve(payload.toString())));
      await sub.subscribeAsync(topic, { qos: 1 });
      await pub.publishAsync(topic, JSON.stringify({ spindle: 1200 }), { qos: 1 });
      expect(JSON.parse(await received)).toEqual({ spindle: 1200 });
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });
});

describe.skipIf(!pgUrl)("PostgreSQL", () => {
  it("stores a row in a fresh schema and reads it back", async () => {
    const client = new pg.Client({ connectionString: pgUrl! });
    await client.connect();
    const schema = uniqueName("smoke");
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`CREATE TABLE ${schema}.enterprise (name text primary key, district text)`);
      await client.query(`INSERT INTO ${schema}.enterprise VALUES ($1, $2)`, ["宁波示例机械", "北仑区"]);
      const { rows } = await client.query(`SELECT district FROM ${schema}.enterprise WHERE name = $1`, ["宁波示例机械"]);
      expect(rows).toEqual([{ district: "北仑区" }]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});

describe.skipIf(!chromiumPath)("Chromium", () => {
  it("renders a page and runs its script", async () => {
    const browser = await launchChromium(chromiumPath!); // as the end-to-end tests launch it
    try {
      const page = await browser.newPage();
      await page.setContent(`<p id="x"></p><script>document.getElementById('x').textContent = String(6 * 7)</script>`);
      expect(await page.textContent("#x")).toBe("42");
    } finally {
      await browser.close();
    }
  });
});
