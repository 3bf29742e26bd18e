// Table types of the telemetry registration (migration 0004), kept beside the code that uses them: the app's
// Kysely<DB> is widened with `withTelemetry(db)` where these tables are read or written.
import type { Kysely, Selectable } from "kysely";
import type { DB } from "../db/schema";

export type TelemetryEnterpriseTable = {
  organizationId: string;
  /** The `enterprise` tag of this organisation's points. */
  enterpriseKey: string;
  sparkplugGroup: string;
  /** MQTT JSON topic root, e.g. `factory/ningbo-demo`. */
  topicRoot: string;
  createdAt: string;
  updatedAt: string;
};

export type TelemetryLineTable = {
  id: string;
  organizationId: string;
  lineKey: string;
  name: string;
  calendarJson: string;
  realtimeBucketS: number;
  sourcesJson: string;
  createdAt: string;
  updatedAt: string;
};

export type TelemetryMachineTable = {
  id: string;
  lineId: string;
  organizationId: string;
  machineKey: string;
  name: string;
  sortOrder: number;
  idealCycleTimeS: number | null;
  stateMapping: string;
  stateSignal: string | null;
  goodSignal: string | null;
  totalSignal: string | null;
  badSignal: string | null;
  energySignal: string | null;
  heartbeatSignal: string | null;
  createdAt: string;
  updatedAt: string;
};

export type TelemetrySignalTable = {
  id: string;
  machineId: string;
  organizationId: string;
  signalKey: string;
  kind: string;
  unit: string | null;
  sortOrder: number;
  addressesJson: string;
};

export type GatewayTable = {
  id: string;
  organizationId: string;
  name: string;
  kind: string;
  username: string | null;
  passwordHash: string | null;
  apiTokenId: string | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
};

export type ResultMeasurementTable = {
  resultId: string;
  organizationId: string;
  windowFrom: string;
  windowTo: string;
  computedAt: string;
  snapshotJson: string;
};

export type TelemetryTables = {
  telemetryEnterprise: TelemetryEnterpriseTable;
  telemetryLine: TelemetryLineTable;
  telemetryMachine: TelemetryMachineTable;
  telemetrySignal: TelemetrySignalTable;
  gateway: GatewayTable;
  resultMeasurement: ResultMeasurementTable;
};

export type TelemetryDb = Kysely<DB & TelemetryTables>;

/** The app's database handle, seeing the telemetry tables too (same connection, no cost). */
export function withTelemetry(db: Kysely<DB>): TelemetryDb {
  return db.withTables<TelemetryTables>() as unknown as TelemetryDb;
}

export type TelemetryLineRow = Selectable<TelemetryLineTable>;
export type TelemetryMachineRow = Selectable<TelemetryMachineTable>;
export type TelemetrySignalRow = Selectable<TelemetrySignalTable>;
export type GatewayRow = Selectable<GatewayTable>;
