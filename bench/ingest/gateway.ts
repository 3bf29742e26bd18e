// The plant side of the bench, in a process of its own so its CPU never counts as anyone's pipeline:
//   publish   — a gateway publishing a workload (MQTT JSON or Sparkplug B) at QoS 1 with a bounded window of
//               unacknowledged messages, as fast as that allows or paced at the messages' timestamps;
//   subscribe — a bare subscriber that counts messages and does nothing else (the broker's ceiling).
// Started by the bench (bench/ingest/run.ts) with the job in ZP_BENCH_JOB; reports over IPC.
import mqtt from "mqtt";
import { jsonPayload, jsonTopic, messageTime, sparkplugBirths, sparkplugData, type Workload } from "./workload";

export type GatewayJob =
  | { mode: "publish"; url: string; clientId: string; workload: Workload; /** Sparkplug: wait for this host's STATE online first. */ hostId?: string }
  | { mode: "subscribe"; url: string; clientId: string; filter: string; expect: number; receiveMaximum: number };

export type GatewayReport =
  | { kind: "ready" }
  | { kind: "started"; t0: number; at: number }
  | { kind: "published"; firstAt: number; lastSentAt: number; allAckedAt: number; maxLateMs: number; count: number; /** this process's CPU seconds while publishing */ cpuS: number }
  | { kind: "received"; firstAt: number; lastAt: number; count: number }
  | { kind: "error"; message: string };

const send = (r: GatewayReport) => process.send?.(r);

async function publish(job: Extract<GatewayJob, { mode: "publish" }>): Promise<void> {
  const client = await mqtt.connectAsync(job.url, { clientId: job.clientId, protocolVersion: 5, clean: true, reconnectPeriod: 0 });
  const w: Workload = { ...job.workload };
  if (w.protocol === "sparkplug") {
    if (job.hostId) {
      // Sparkplug 3.0: an edge publishes its births once its primary host is online (it would miss them otherwise).
      const stateTopic = `spBv1.0/STATE/${job.hostId}`;
      const online = new Promise<void>((resolve) =>
        client.on("message", (topic, payload) => {
          if (topic === stateTopic && /"online"\s*:\s*true/.test(payload.toString())) resolve();
        }),
      );
      await client.subscribeAsync(stateTopic, { qos: 1 });
      await online;
    }
  }
  send({ kind: "ready" });
  const cpu = process.cpuUsage();
  if (w.paced) w.t0 = Date.now() + 300; // a steady stream from a moment from now: the receiver learns t0 first
  send({ kind: "started", t0: w.t0, at: Date.now() });
  if (w.protocol === "sparkplug") for (const b of sparkplugBirths(w, 0)) await client.publishAsync(b.topic, Buffer.from(b.payload), { qos: 1 });

  let firstAt = 0;
  let lastSentAt = 0;
  let maxLateMs = 0;
  let unacked = 0;
  let failure: Error | null = null;
  let slotFreed: (() => void) | null = null;
  // One loop issues the publishes in index order (mqtt.js sends in call order, so a Sparkplug node's seq
  // arrives in order); at most `inFlight` wait for their PUBACK.
  for (let i = 0; i < w.messages && !failure; i++) {
    if (w.paced) {
      const wait = messageTime(w, i) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      maxLateMs = Math.max(maxLateMs, Date.now() - messageTime(w, i));
    }
    while (unacked >= w.inFlight) await new Promise<void>((r) => (slotFreed = r));
    if (!firstAt) firstAt = Date.now();
    lastSentAt = Date.now();
    const m = w.protocol === "json" ? { topic: jsonTopic(w, i), payload: jsonPayload(w, i) } : sparkplugData(w, i);
    unacked++;
    client.publishAsync(m.topic, typeof m.payload === "string" ? m.payload : Buffer.from(m.payload), { qos: 1 }).then(
      () => {
        unacked--;
        slotFreed?.();
        slotFreed = null;
      },
      (err: Error) => {
        failure ??= err;
        unacked--;
        slotFreed?.();
        slotFreed = null;
      },
    );
  }
  while (unacked > 0) await new Promise<void>((r) => (slotFreed = r));
  if (failure) throw failure;
  const used = process.cpuUsage(cpu);
  send({ kind: "published", firstAt, lastSentAt, allAckedAt: Date.now(), maxLateMs, count: w.messages, cpuS: (used.user + used.system) / 1e6 });
  await client.endAsync();
}

async function subscribe(job: Extract<GatewayJob, { mode: "subscribe" }>): Promise<void> {
  const client = await mqtt.connectAsync(job.url, { clientId: job.clientId, protocolVersion: 5, clean: true, reconnectPeriod: 0, properties: { receiveMaximum: job.receiveMaximum } });
  let count = 0;
  let firstAt = 0;
  const done = new Promise<void>((resolve) =>
    client.on("message", () => {
      if (count++ === 0) firstAt = Date.now();
      if (count === job.expect) {
        send({ kind: "received", firstAt, lastAt: Date.now(), count });
        resolve();
      }
    }),
  );
  await client.subscribeAsync(job.filter, { qos: 1 });
  send({ kind: "ready" });
  await done;
  await client.endAsync();
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env.ZP_BENCH_JOB ?? "null") as GatewayJob | null;
  if (!job) throw new Error("ZP_BENCH_JOB is not set: this process is started by bench/ingest/run.ts");
  if (job.mode === "publish") await publish(job);
  else await subscribe(job);
}

main().then(
  () => process.disconnect?.(),
  (err) => {
    send({ kind: "error", message: String(err?.stack ?? err) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
