// `zhiping gateways`: what a broker needs from the web app's gateway registrations.
//
//   zhiping gateways mosquitto --out DIR [--ingest-user NAME]
//       writes DIR/password_file and DIR/acl_file for Mosquitto 2 from the active MQTT gateways of every
//       organisation (revoked ones are left out). With --ingest-user, the ingest's own account is added
//       (password from ZHIPING_INGEST_MQTT_PASSWORD): it reads every topic and may publish Sparkplug host
//       messages (STATE, rebirth NCMDs). Then reload Mosquitto: `kill -HUP <pid>`.
//   zhiping gateways list
//       the active gateways, one per line.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configFromEnv, openDatabase } from "../../app/db/connection.server";
import { brokerAccounts } from "../../app/telemetry/gateways.server";
import { aclFile, mosquittoPasswordHash, MQTT_USERNAME, passwordFile, type BrokerAccount } from "../../app/telemetry/mosquitto.server";

const USAGE = "usage: zhiping gateways mosquitto --out DIR [--ingest-user NAME]\n       zhiping gateways list";

/** Writes a file whole or not at all (a broker reloading mid-write must never read half a file). */
function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}

export function ingestAccount(username: string, password: string): BrokerAccount {
  if (!MQTT_USERNAME.test(username)) throw new Error(`--ingest-user "${username}" cannot be a Mosquitto user name (letters, digits, _ . -)`);
  if (password.length < 12) throw new Error("ZHIPING_INGEST_MQTT_PASSWORD must be set to the ingest's password (at least 12 characters)");
  return {
    username,
    passwordHash: mosquittoPasswordHash(password),
    grants: [
      { access: "read", topic: "#" },
      { access: "readwrite", topic: "spBv1.0/#" },
    ],
    comment: "the Zhiping ingest",
  };
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" }, "ingest-user": { type: "string" } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (command !== "mosquitto" && command !== "list") {
    console.error(USAGE);
    return 2;
  }
  if (command === "mosquitto" && !parsed.values.out) {
    console.error(`--out DIR is required\n${USAGE}`);
    return 2;
  }
  let extra: BrokerAccount[] = [];
  try {
    const user = parsed.values["ingest-user"];
    if (user !== undefined) extra = [ingestAccount(user, process.env.ZHIPING_INGEST_MQTT_PASSWORD ?? "")];
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const database = await openDatabase(configFromEnv());
  try {
    const gateways = await brokerAccounts(database.db);
    if (command === "list") {
      for (const g of gateways) console.log(`${g.username}\t${g.grants.map((x) => `${x.access} ${x.topic}`).join(", ")}\t${g.comment ?? ""}`);
      return 0;
    }
    const accounts = [...extra, ...gateways];
    const clash = extra.find((a) => gateways.some((g) => g.username === a.username));
    if (clash) {
      console.error(`--ingest-user "${clash.username}" is also a gateway's user name; choose another`);
      return 2;
    }
    const out = resolve(parsed.values.out!);
    mkdirSync(out, { recursive: true });
    const header = `Written by \`zhiping gateways mosquitto\` at ${new Date().toISOString()}: ${gateways.length} active gateways.\nGenerated: edit the gateways in Zhiping, not this file. Reload Mosquitto (kill -HUP) after writing.`;
    // Readable by the broker's group only: Mosquitto runs as its own user (chgrp the files to it).
    writeAtomically(resolve(out, "password_file"), passwordFile(accounts), 0o640);
    writeAtomically(resolve(out, "acl_file"), aclFile(accounts, header), 0o640);
    console.log(`wrote ${resolve(out, "password_file")} and ${resolve(out, "acl_file")}: ${gateways.length} gateways${extra.length ? " and the ingest account" : ""}`);
    return 0;
  } finally {
    await database.close();
  }
}
