// The demo's ports come from the environment, checked like the server's own settings.
import { describe, expect, it } from "vitest";
import { demoPortsFromEnv } from "../../../scripts/cli/demo";

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("demo ports", () => {
  it("default to 9464 (ingest), 4840 (OPC UA) and 11883 (MQTT), and take the variables when set", () => {
    expect(demoPortsFromEnv(env({}))).toEqual({ ingestHttp: 9464, opcua: 4840, broker: 11883 });
    expect(demoPortsFromEnv(env({ ZHIPING_DEMO_INGEST_PORT: "19464", ZHIPING_DEMO_OPCUA_PORT: " ", ZHIPING_DEMO_MQTT_PORT: "1884" }))).toEqual({ ingestHttp: 19464, opcua: 4840, broker: 1884 });
  });

  it("refuse what is not a port, naming the variable", () => {
    expect(() => demoPortsFromEnv(env({ ZHIPING_DEMO_OPCUA_PORT: "70000" }))).toThrow('ZHIPING_DEMO_OPCUA_PORT must be a port number (1–65535), got "70000"');
    expect(() => demoPortsFromEnv(env({ ZHIPING_DEMO_MQTT_PORT: "1.5" }))).toThrow('ZHIPING_DEMO_MQTT_PORT must be a port number (1–65535), got "1.5"');
    expect(() => demoPortsFromEnv(env({ ZHIPING_DEMO_INGEST_PORT: "0" }))).toThrow("ZHIPING_DEMO_INGEST_PORT must be a port number");
  });
});
