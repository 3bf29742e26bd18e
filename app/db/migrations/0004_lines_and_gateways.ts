// Telemetry registration in the web app: an organisation's telemetry id (the `enterprise` tag, its Sparkplug
// group and MQTT topic root), its lines, machines and signals (what the ingest registry and the KPI service
// are derived from), its gateways' credentials, and the measurements stored with a scored result. Same
// dialect-neutral rules as 0001: text, integer and double precision only; JSON as text; ISO timestamps.
import type { Kysely } from "kysely";

const ts = "text";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("telemetry_enterprise")
    .addColumn("organization_id", "text", (c) => c.primaryKey().references("organization.id").onDelete("cascade"))
    // The `enterprise` tag of every point of this organisation; unique so that no two tenants share series.
    .addColumn("enterprise_key", "text", (c) => c.notNull().unique())
    .addColumn("sparkplug_group", "text", (c) => c.notNull().unique())
    .addColumn("topic_root", "text", (c) => c.notNull().unique())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("telemetry_line")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("line_key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    /** The shift calendar (ingest/telemetry calendarSchema input) as JSON. */
    .addColumn("calendar_json", "text", (c) => c.notNull())
    .addColumn("realtime_bucket_s", "integer", (c) => c.notNull())
    /** Names of the ingest sources that feed the line (whose connection state it shows), JSON array. */
    .addColumn("sources_json", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addUniqueConstraint("telemetry_line_key", ["organization_id", "line_key"])
    .execute();

  await db.schema
    .createTable("telemetry_machine")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("line_id", "text", (c) => c.notNull().references("telemetry_line.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("machine_key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("sort_order", "integer", (c) => c.notNull())
    /** ISO 22400 PRI in seconds; null until entered (an imported registry does not know it). */
    .addColumn("ideal_cycle_time_s", "double precision")
    /** A preset name or a custom mapping as JSON (see app/telemetry/registration.ts). */
    .addColumn("state_mapping", "text", (c) => c.notNull())
    // Which of the machine's signals plays each KPI role (signal keys; null when none does).
    .addColumn("state_signal", "text")
    .addColumn("good_signal", "text")
    .addColumn("total_signal", "text")
    .addColumn("bad_signal", "text")
    .addColumn("energy_signal", "text")
    .addColumn("heartbeat_signal", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addUniqueConstraint("telemetry_machine_key", ["line_id", "machine_key"])
    .execute();
  await db.schema.createIndex("telemetry_machine_org").on("telemetry_machine").column("organization_id").execute();

  await db.schema
    .createTable("telemetry_signal")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("machine_id", "text", (c) => c.notNull().references("telemetry_machine.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("signal_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("unit", "text")
    .addColumn("sort_order", "integer", (c) => c.notNull())
    /** source type → list of addresses, JSON. */
    .addColumn("addresses_json", "text", (c) => c.notNull())
    .addUniqueConstraint("telemetry_signal_key", ["machine_id", "signal_key"])
    .execute();

  await db.schema
    .createTable("gateway")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organization.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    /** mqtt | http */
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.unique())
    /** Mosquitto's PBKDF2-SHA512 `$7$` hash of the generated password (never the password). */
    .addColumn("password_hash", "text")
    .addColumn("api_token_id", "text", (c) => c.references("api_token.id"))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("revoked_at", ts)
    .addColumn("revoked_by", "text")
    .execute();
  await db.schema.createIndex("gateway_org").on("gateway").columns(["organization_id", "created_at"]).execute();

  await db.schema
    .createTable("result_measurement")
    .addColumn("result_id", "text", (c) => c.primaryKey().references("result.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("window_from", ts, (c) => c.notNull())
    .addColumn("window_to", ts, (c) => c.notNull())
    .addColumn("computed_at", ts, (c) => c.notNull())
    /** What was measured (lines, KPI measures with their provenance), JSON: the result stays explainable. */
    .addColumn("snapshot_json", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["result_measurement", "gateway", "telemetry_signal", "telemetry_machine", "telemetry_line", "telemetry_enterprise"]) {
    await db.schema.dropTable(table).execute();
  }
}
