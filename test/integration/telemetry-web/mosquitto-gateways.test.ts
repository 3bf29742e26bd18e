// Gateway credentials on a real broker: gateways registered in the web app's database, the files written by
// `zhiping gateways mosquitto` (the real CLI), and a Mosquitto of this test's own reading them. A gateway's
// right credentials publish to its own enterprise's topics and the ingest receives them; a foreign
// enterprise's topic is not delivered to anyone; a wrong password and a revoked gateway are refused.
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { createGateway, listGateways, revokeGateway } from "~/telemetry/gateways.server";
import { setEnterprise } from "~/telemetry/lines.server";
import { verifyMosquittoPassword } from "~/telemetry/mosquitto.server";
import { makeOrganization, makeUser, startTestApp, type TestApp } from "../web/harness";
import { freePort, OwnMosquitto, OwnProcess, repoRoot, tempDir, until } from "../ingest/support";
import { requireService, uniqueName } from "../../support/services";

const available = requireService("mqtt");
const INGEST_PASSWORD = "ingest-口令-0123456789";

describe.skipIf(!available)("gateway credentials on a real Mosquitto", () => {
  const temp = tempDir("zp-gateways");
  let broker: OwnMosquitto;
  let app: TestApp;
  const clients: MqttClient[] = [];
  const creds: Record<string, { username: string; password: string }> = {};

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    app = await startTestApp();
    const acme = await makeOrganization({ name: "甲 acme" });
    const other = await makeOrganization({ name: "乙 other" });
    const member = await makeUser("member", { organizationId: acme });
    const db = await getDb();
    await setEnterprise(db, acme, { enterpriseKey: "acme", sparkplugGroup: "acme", topicRoot: "factory/acme" }, member.id);
    await setEnterprise(db, other, { enterpriseKey: "acme2", sparkplugGroup: "acme2", topicRoot: "factory/acme2" }, member.id);
    for (const [org, name] of [[acme, "edge-1"], [other, "edge-1"], [acme, "old"]] as const) {
      const made = await createGateway(db, org, name, "mqtt", member.id);
      if (!made.ok || made.kind !== "mqtt") throw new Error(`gateway ${name}`);
      creds[`${org === acme ? "acme" : "other"}/${name}`] = { username: made.username, password: made.password };
    }
    const old = (await listGateways(db, acme)).find((g) => g.username === creds["acme/old"].username)!;
    expect(await revokeGateway(db, other, old.id, member.id)).toBe(false); // not the other organisation's to revoke
    expect(await revokeGateway(db, acme, old.id, member.id)).toBe(true);
    expect(await revokeGateway(db, acme, old.id, member.id)).toBe(false); // already revoked

    // The operator's command, as a child process on the same database.
    const out = join(temp.dir, "broker");
    const cli = new OwnProcess(process.execPath, [join(repoRoot, "scripts/zhiping.mjs"), "gateways", "mosquitto", "--out", out, "--ingest-user", "zhiping-ingest"], {
      ...process.env,
      ZHIPING_DATA_DIR: app.dataDir,
      ZHIPING_INGEST_MQTT_PASSWORD: INGEST_PASSWORD,
    });
    cli.start();
    const code = await new Promise<number | null>((resolve) => cli.child!.once("exit", resolve));
    expect(code, cli.output).toBe(0);
    for (const f of readdirSync(out)) chmodSync(join(out, f), 0o644); // mosquitto reads them as its own user
    broker = new OwnMosquitto(temp.dir, await freePort(), `allow_anonymous false\npassword_file ${join(out, "password_file")}\nacl_file ${join(out, "acl_file")}\n`);
    await broker.start();
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.endAsync().catch(() => undefined);
    await broker?.stop();
    await app?.close();
    temp.remove();
  });

  const connect = async (username: string, password: string, protocolVersion: 4 | 5 = 5) => {
    const c = await mqtt.connectAsync(broker.url, { username, password, protocolVersion, clientId: uniqueName("c"), reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(c);
    return c;
  };

  it("wrote active gateways only, with hashes of the shown passwords, and ACLs of their own topics", () => {
    const passwd = readFileSync(join(temp.dir, "broker/password_file"), "utf8").trim().split("\n");
    expect(passwd.map((l) => l.split(":")[0])).toEqual(["zhiping-ingest", "acme.edge-1", "acme2.edge-1"]);
    for (const line of passwd.slice(1)) {
      const [user, hash] = line.split(":");
      const key = user === "acme.edge-1" ? "acme/edge-1" : "other/edge-1";
      expect(verifyMosquittoPassword(creds[key].password, hash)).toBe(true);
    }
    const acl = readFileSync(join(temp.dir, "broker/acl_file"), "utf8");
    expect(acl).toContain("user acme.edge-1\ntopic readwrite spBv1.0/acme/#\ntopic read spBv1.0/STATE/#\ntopic readwrite factory/acme/#\n");
    expect(acl).toContain("user acme2.edge-1\ntopic readwrite spBv1.0/acme2/#\ntopic read spBv1.0/STATE/#\ntopic readwrite factory/acme2/#\n");
    expect(acl).not.toContain("acme.old");
  });

  it("delivers a gateway's own topics to the ingest, and nothing it writes to a foreign enterprise", async () => {
    const ingest = await connect("zhiping-ingest", INGEST_PASSWORD);
    const received: Array<[string, string]> = [];
    ingest.on("message", (topic, payload) => received.push([topic, payload.toString()]));
    await ingest.subscribeAsync("#", { qos: 1 });

    const acme = await connect(creds["acme/edge-1"].username, creds["acme/edge-1"].password);
    const acme311 = await connect(creds["acme/edge-1"].username, creds["acme/edge-1"].password, 4);
    const other = await connect(creds["other/edge-1"].username, creds["other/edge-1"].password);
    await acme.publishAsync("spBv1.0/acme/NDATA/line1", "own-sparkplug", { qos: 1 });
    await acme.publishAsync("factory/acme/line1/M1/telemetry", "own-json", { qos: 1 });
    // Another enterprise's topics, one whose id merely starts the same, and the host's STATE topic.
    const refused: string[] = [];
    for (const topic of ["spBv1.0/acme2/NDATA/line1", "factory/acme2/line1/M1/telemetry", "spBv1.0/STATE/zhiping", "factory/other"]) {
      await acme.publishAsync(topic, "foreign", { qos: 1 }).then(
        () => refused.push(`${topic}: accepted`),
        (err: Error & { code?: number }) => refused.push(`${topic}: ${err.code}`),
      );
    }
    await acme311.publishAsync("factory/acme2/line1/M1/telemetry", "foreign-311", { qos: 1 }); // acknowledged and dropped on 3.1.1
    await other.publishAsync("factory/acme2/line1/M1/telemetry", "theirs", { qos: 1 });

    await until("the other enterprise's own message", () => received.some(([, p]) => p === "theirs"), 10_000);
    await new Promise((r) => setTimeout(r, 300)); // anything still under way has arrived
    expect(refused).toEqual([
      "spBv1.0/acme2/NDATA/line1: 135",
      "factory/acme2/line1/M1/telemetry: 135",
      "spBv1.0/STATE/zhiping: 135",
      "factory/other: 135",
    ]);
    expect(received.sort()).toEqual([
      ["factory/acme/line1/M1/telemetry", "own-json"],
      ["factory/acme2/line1/M1/telemetry", "theirs"],
      ["spBv1.0/acme/NDATA/line1", "own-sparkplug"],
    ]);
  });

  it("does not let a gateway read another enterprise's topics", async () => {
    const acme = await connect(creds["acme/edge-1"].username, creds["acme/edge-1"].password);
    const seen: string[] = [];
    acme.on("message", (topic) => seen.push(topic));
    await acme.subscribeAsync(["factory/acme2/#", "spBv1.0/acme2/#", "factory/acme/#"], { qos: 1 });
    const other = await connect(creds["other/edge-1"].username, creds["other/edge-1"].password);
    await other.publishAsync("factory/acme2/line1/M9/telemetry", "private", { qos: 1 });
    await other.publishAsync("spBv1.0/acme2/DDATA/line1/M9", "private", { qos: 1 });
    const own = await connect(creds["acme/edge-1"].username, creds["acme/edge-1"].password);
    await own.publishAsync("factory/acme/line1/M1/telemetry", "mine", { qos: 1 });
    await until("its own message", () => seen.includes("factory/acme/line1/M1/telemetry"), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(["factory/acme/line1/M1/telemetry"]);
  });

  it("refuses a wrong password and a revoked gateway", async () => {
    const attempt = (username: string, password: string) =>
      connect(username, password).then(
        () => "connected",
        (err: Error & { code?: number }) => `refused ${err.code}`,
      );
    // Mosquitto 2.0.11 answers a failed password check on MQTT 5 with CONNACK 135 "Not authorized".
    expect(await attempt(creds["acme/edge-1"].username, creds["acme/edge-1"].password)).toBe("connected");
    expect(await attempt(creds["acme/edge-1"].username, `${creds["acme/edge-1"].password}x`)).toBe("refused 135");
    expect(await attempt(creds["acme/old"].username, creds["acme/old"].password)).toBe("refused 135");
    expect(await attempt("nobody", "whatever-password")).toBe("refused 135");
  });
});
