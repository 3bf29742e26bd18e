// Telemetry for KPIs: readers that push aggregation down to InfluxDB or the embedded store, the KPI service
// per machine / line / shift / day, and the measures assessment evidence is built from. See README.md.
export type { TelemetryReader, LineScope, SignalSelector, CounterSelector, StateSeries, CounterSeries, SignalSeen } from "./reader";
export { TelemetryQueryError, seriesKey } from "./reader";
export { InfluxTelemetryReader } from "./influx-reader";
export { influxReaderConfigSchema, type InfluxReaderConfigInput } from "./influx-query";
export { EmbeddedTelemetryReader } from "./embedded-reader";
export { calendarSchema, periodsIn, gridFor, type Calendar, type CalendarInput, type Period, type Grid } from "./calendar";
export {
  lineKpiConfigSchema,
  parseLineKpiConfig,
  lineKpiConfigFromRegistry,
  expectedSignals,
  type LineKpiConfig,
  type LineKpiConfigInput,
  type MachineKpiConfig,
  type RegistryRoles,
} from "./config";
export { lineKpis, type LineKpis, type MachineKpis, type MachinePeriodKpis, type LinePeriodKpis, type LineKpiOptions } from "./kpi-service";
export { kpiMeasures, hasOeeStatistics } from "./measures";
