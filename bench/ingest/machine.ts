// What the figures were measured on: printed with every run and kept with its JSON result.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { repoRoot } from "./proc";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  influxd: string;
  mosquitto: string;
  nodeRed: string;
  loadAverage: number[];
}

function firstLine(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5000 });
    return out.split("\n")[0].trim();
  } catch (err) {
    // `mosquitto -h` prints its version and exits 3.
    const out = String((err as { stdout?: string }).stdout ?? "");
    return out.split("\n")[0].trim() || "unknown";
  }
}

function packageVersion(dir: string): string {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  } catch {
    return "not installed";
  }
}

export function describeMachine(influxdBin: string, mosquittoBin: string): MachineInfo {
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? osName;
  } catch {
    // keep the kernel name
  }
  const nr = join(repoRoot, "bench/peers/node-red/node_modules");
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName,
    node: process.version,
    influxd: firstLine(influxdBin, ["version"]),
    mosquitto: firstLine(mosquittoBin, ["-h"]),
    nodeRed: `node-red ${packageVersion(join(nr, "node-red"))} + node-red-contrib-influxdb ${packageVersion(join(nr, "node-red-contrib-influxdb"))}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
