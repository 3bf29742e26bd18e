// Node-RED as a benchmark peer: headless (no editor, no HTTP nodes, so no port), its own user dir, quiet
// logs, nothing fetched from the network. The flow file and every address come from the environment
// (flows use ${ENV} properties), so the same flows run against any broker and InfluxDB:
//   ZP_MQTT_HOST, ZP_MQTT_PORT, ZP_MQTT_CLIENT_ID, ZP_TOPIC   the gateway's broker and topic filter
//   ZP_INFLUX_HOST, ZP_INFLUX_PORT, ZP_INFLUX_DB              where points go (the database must exist)
// Run: node node_modules/node-red/red.js --settings settings.cjs --userDir <temp dir> flows/batched.json
module.exports = {
  httpAdminRoot: false,
  httpNodeRoot: false,
  credentialSecret: false,
  flowFilePretty: false,
  logging: { console: { level: "error", metrics: false, audit: false } },
  diagnostics: { enabled: false },
  runtimeState: { enabled: false },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  functionExternalModules: false,
  editorTheme: { tours: false },
};
