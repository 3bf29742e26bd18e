// The OPC UA source: one client, one session, one subscription per configured endpoint; monitored items
// created in groups chunked to the server's OperationLimits; every notification becomes a point with its
// quality and status kept. node-opcua repairs a broken link itself (reconnect the channel, reactivate or
// recreate the session, transfer or recreate the subscription); when that repair does not bring data
// back — the subscription goes silent, is terminated, the session is closed, or the server renumbered
// its namespaces — this source throws the whole client away and builds a new one (the recreate fallback
// Telegraf and Node-RED lack: telegraf #18454, #19186; node-red-contrib-opcua #571, #576).
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DataType,
  DeadbandType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  readNamespaceArray,
  RepublishRequest,
  type RepublishResponse,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  VariableIds,
  type ClientSession,
  type ClientSessionPublishService,
  type ClientSubscription,
  type DataValue,
  type NodeId,
  type UserIdentityInfo,
} from "node-opcua";
import type { Logger } from "pino";
import { signalPoint } from "../../core/point";
import type { PluginDeps, Point, SignalKind, SignalRef, Source, SourceContext } from "../../core/types";
import { certificateDer } from "./certificate";
import { monitoringDefaults, type Monitoring, type OpcuaConfig } from "./config";
import { discover } from "./discovery";
import { routeNodeOpcuaLogs } from "./library-log";
import { parseNodeId, toNodeId, type ParsedNodeId } from "./node-id";
import { hasOverflowBit, qualityOf } from "./quality";
import { MAX_REPUBLISH, SequenceRecord } from "./sequence";
import { kindHint, rawValue, toFieldValue } from "./variant";

type FullMonitoring = Required<Monitoring>;

/** One node this source reads: configured or discovered. */
interface NodePlan {
  address: string;
  parsed: ParsedNodeId;
  monitoring: FullMonitoring;
  discovered: boolean;
  /** For discovered nodes: the parts and kind rule given to the registry. */
  parts?: Record<string, string>;
  forcedKind?: SignalKind;
  nodeId?: NodeId;
  dataType?: DataType;
  /** undefined: not resolved yet; null: not in the registry. */
  ref?: SignalRef | null;
  state: "pending" | "monitored" | "failed";
  failure?: string;
}

export interface OpcuaStats {
  notifications: number;
  points: number;
  deadLetters: number;
  /** Notifications whose status said the server's queue discarded values (data lost at the server). */
  serverQueueOverflows: number;
  /** Points dropped because the pipeline had not taken the earlier ones (above backpressure.dropAt). */
  droppedPoints: number;
  /** Whole client rebuilds (the recreate fallback). */
  rebuilds: number;
  /** Times node-opcua reported the link lost and repaired it. */
  reconnects: number;
  /** NotificationMessages received a second time after a broken link, dropped. */
  repeatedMessages: number;
  /** Readings received again after a broken link (initial value of a transferred item, republish), dropped. */
  repeatedValues: number;
  /** NotificationMessages missing after a broken link and fetched again with Republish. */
  republished: number;
  /** NotificationMessages missing that the server could no longer republish (dead-lettered). */
  lostMessages: number;
  monitoredNodes: number;
  failedNodes: number;
  pendingPoints: number;
  publishingPaused: boolean;
}

interface Generation {
  client: OPCUAClient;
  session?: ClientSession;
  subscription?: ClientSubscription;
  namespaceArray: string[];
  itemsPerCall: number;
  readsPerCall: number;
  lost: Promise<string>;
  lose: (reason: string) => void;
  timers: NodeJS.Timeout[];
}

interface NotificationMessageLike {
  sequenceNumber: number;
  notificationData?: unknown[] | null;
}

/** How many recent readings per node are remembered to recognise a repeat. */
const RECENT_READINGS = 4;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, sleep(ms).then(() => undefined)]);
}

function monitoringKey(m: FullMonitoring): string {
  return JSON.stringify([m.samplingIntervalMs, m.queueSize, m.discardOldest, m.deadband, m.trigger]);
}

function dataChangeFilter(m: FullMonitoring): DataChangeFilter | null {
  if (m.deadband.type === "none" && m.trigger === "statusValue") return null; // the default: no filter to refuse
  const trigger = { status: DataChangeTrigger.Status, statusValue: DataChangeTrigger.StatusValue, statusValueTimestamp: DataChangeTrigger.StatusValueTimestamp }[m.trigger];
  const deadbandType = { none: DeadbandType.None, absolute: DeadbandType.Absolute, percent: DeadbandType.Percent }[m.deadband.type];
  return new DataChangeFilter({ trigger, deadbandType, deadbandValue: m.deadband.type === "none" ? 0 : m.deadband.value });
}

/**
 * The OperationLimits this source obeys. Read directly (three nodes) because servers often lack the
 * optional ones; a missing or 0 limit means "no limit" and our own maxItemsPerCall applies.
 */
async function readLimits(session: ClientSession): Promise<{ maxMonitoredItemsPerCall?: number; maxNodesPerRead?: number; maxNodesPerBrowse?: number }> {
  const ids = {
    maxMonitoredItemsPerCall: VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
    maxNodesPerRead: VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
    maxNodesPerBrowse: VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerBrowse,
  };
  const keys = Object.keys(ids) as Array<keyof typeof ids>;
  const values = await session.read(keys.map((k) => ({ nodeId: `ns=0;i=${ids[k]}`, attributeId: AttributeIds.Value })));
  const out: Record<string, number> = {};
  values.forEach((dv, i) => {
    if (dv.statusCode.isGood() && typeof dv.value.value === "number") out[keys[i]] = dv.value.value;
  });
  return out;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class OpcuaSource implements Source {
  readonly name: string;
  private readonly log: Logger;
  private ctx: SourceContext | undefined;
  private stopping = false;
  private generation: Generation | undefined;
  private supervisor: Promise<void> | undefined;
  private certificateManager: OPCUACertificateManager | undefined;
  private readonly configured: NodePlan[];
  private plans: NodePlan[] = [];
  private batch: Point[] = [];
  private readonly sequences = new SequenceRecord();
  /** Per node: time|status|value of its last few readings (kept across rebuilds), to drop exact repeats. */
  private readonly recent = new Map<string, string[]>();
  private flushScheduled = false;
  private lastAlive = 0;
  private readonly counters = {
    notifications: 0,
    points: 0,
    deadLetters: 0,
    serverQueueOverflows: 0,
    droppedPoints: 0,
    rebuilds: 0,
    reconnects: 0,
    repeatedMessages: 0,
    repeatedValues: 0,
    republished: 0,
    lostMessages: 0,
  };
  private pendingPoints = 0;
  private paused = false;
  private readyResolve!: () => void;
  /** Resolves once the first subscription has its items (tests and the demo wait for it). */
  readonly ready: Promise<void>;

  constructor(
    readonly config: OpcuaConfig,
    private readonly deps: PluginDeps,
  ) {
    this.name = deps.name ?? "opcua";
    this.log = deps.logger.child({ source: this.name });
    routeNodeOpcuaLogs(deps.logger);
    this.ready = new Promise((r) => (this.readyResolve = r));
    const plans: NodePlan[] = [];
    const add = (entry: OpcuaConfig["nodes"][number], groupMonitoring: Monitoring | undefined) => {
      const text = typeof entry === "string" ? entry : entry.nodeId;
      const own = typeof entry === "string" ? {} : entry;
      const parsed = parseNodeId(text);
      if (typeof parsed === "string") throw new Error(parsed); // the schema checked it already
      const monitoring = { ...monitoringDefaults, ...config.monitoring, ...groupMonitoring } as FullMonitoring;
      for (const key of Object.keys(monitoringDefaults) as Array<keyof Monitoring>) {
        if (key in own && (own as Monitoring)[key] !== undefined) (monitoring as Record<string, unknown>)[key] = (own as Monitoring)[key];
      }
      plans.push({ address: text, parsed, monitoring, discovered: false, state: "pending" });
    };
    for (const n of config.nodes) add(n, undefined);
    for (const g of config.groups) for (const n of g.nodes) add(n, g.monitoring);
    this.configured = plans;
  }

  stats(): OpcuaStats {
    return {
      ...this.counters,
      monitoredNodes: this.plans.filter((p) => p.state === "monitored").length,
      failedNodes: this.plans.filter((p) => p.state === "failed").length,
      pendingPoints: this.pendingPoints,
      publishingPaused: this.paused,
    };
  }

  /** The nodes the server refused, with the reason (for /healthz and the web app's source view). */
  failedNodes(): Array<{ address: string; reason: string }> {
    return this.plans.filter((p) => p.state === "failed").map((p) => ({ address: p.address, reason: p.failure ?? "" }));
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.stopping = false;
    ctx.setState("connecting", this.config.endpoint);
    this.supervisor = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const generation = this.generation;
    if (generation) generation.lose("stopping");
    await this.supervisor;
    this.flush();
    this.ctx?.setState("disconnected", "stopped");
  }

  // ------------------------------------------------------------ supervision

  private async supervise(): Promise<void> {
    let delay = this.config.reconnect.initialDelayMs;
    while (!this.stopping) {
      const startedAt = Date.now();
      let reason: string;
      try {
        const generation = await this.connect();
        this.generation = generation;
        reason = await generation.lost;
      } catch (err) {
        reason = (err as Error).message;
        if (!this.stopping) this.ctx?.setState("error", reason);
      }
      const old = this.generation;
      this.generation = undefined;
      if (this.stopping) {
        await this.dispose(old);
        break;
      }
      // A dead peer must not delay the recovery: the old client is closed in the background.
      void this.dispose(old);
      this.counters.rebuilds++;
      this.log.warn({ reason }, "opcua: rebuilding client, session and subscription");
      this.ctx?.setState("connecting", `rebuilding after: ${reason}`);
      if (Date.now() - startedAt > 60_000) delay = this.config.reconnect.initialDelayMs;
      await this.interruptibleSleep(delay);
      delay = Math.min(delay * 2, this.config.reconnect.maxDelayMs);
    }
  }

  private async interruptibleSleep(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
  }

  private async certificates(): Promise<OPCUACertificateManager> {
    if (this.certificateManager) return this.certificateManager;
    const base = this.deps.configDir ?? process.cwd();
    const folder = this.config.pki.folder ? path.resolve(base, this.config.pki.folder) : path.join(this.deps.dataDir, "pki");
    await mkdir(folder, { recursive: true });
    const manager = new OPCUACertificateManager({
      rootFolder: folder,
      automaticallyAcceptUnknownCertificate: this.config.pki.acceptUnknownServerCertificates,
      disableFileWatchers: true,
    });
    await manager.initialize();
    for (const file of this.config.pki.trustServerCertificates) {
      await manager.trustCertificate(certificateDer(readFileSync(path.resolve(base, file))));
    }
    this.certificateManager = manager;
    return manager;
  }

  private identity(): UserIdentityInfo {
    const auth = this.config.auth;
    if (auth.type === "username") {
      const password = auth.password ?? process.env[auth.passwordEnv!];
      if (password === undefined) throw new Error(`auth.passwordEnv: environment variable ${auth.passwordEnv} is not set`);
      return { type: UserTokenType.UserName, userName: auth.username, password };
    }
    if (auth.type === "certificate") {
      const base = this.deps.configDir ?? process.cwd();
      return {
        type: UserTokenType.Certificate,
        certificateData: certificateDer(readFileSync(path.resolve(base, auth.certificateFile))),
        privateKey: readFileSync(path.resolve(base, auth.privateKeyFile), "utf8"),
      } as UserIdentityInfo;
    }
    return { type: UserTokenType.Anonymous };
  }

  private async connect(): Promise<Generation> {
    const c = this.config;
    const client = OPCUAClient.create({
      applicationName: `Zhiping ingest ${this.name}`,
      clientName: this.name,
      clientCertificateManager: await this.certificates(),
      securityMode: MessageSecurityMode[c.securityMode],
      securityPolicy: SecurityPolicy[c.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      connectionStrategy: { maxRetry: -1, initialDelay: c.reconnect.initialDelayMs, maxDelay: c.reconnect.maxDelayMs, randomisationFactor: 0.2 },
    });
    let lose!: (reason: string) => void;
    const lost = new Promise<string>((resolve) => {
      let done = false;
      lose = (reason) => {
        if (done) return;
        done = true;
        resolve(reason);
      };
    });
    const generation: Generation = { client, namespaceArray: [], itemsPerCall: c.maxItemsPerCall, readsPerCall: c.maxItemsPerCall, lost, lose, timers: [] };
    this.generation = generation;

    client.on("backoff", (retry: number, delay: number) => {
      this.ctx?.setState("connecting", `${c.endpoint}: attempt ${retry + 1} failed, next in ${delay} ms`);
    });
    client.on("connection_lost", () => {
      this.counters.reconnects++;
      this.log.warn("opcua: connection lost, node-opcua reconnects");
      this.ctx?.setState("disconnected", "connection lost, reconnecting");
    });
    // node-opcua's own repair: channel back ("after_reconnection"), then sessions reactivated or recreated
    // and subscriptions republished, transferred or recreated ("connection_reestablished").
    client.on("after_reconnection", () => this.ctx?.setState("connecting", "channel back, repairing the session"));
    client.on("connection_reestablished", () => {
      this.ctx?.setState("connected", this.nodeSummary());
      void this.checkNamespaces(generation);
    });
    client.on("reconnection_attempt_has_failed", (err: Error) => this.log.debug({ err }, "opcua: reconnection attempt failed"));

    const abort = lost.then((reason) => {
      throw new Error(reason);
    });
    abort.catch(() => {});
    const step = <T>(p: Promise<T>): Promise<T> => Promise.race([p, abort]);

    await step(client.connect(c.endpoint));
    const session = await step(client.createSession(this.identity()));
    generation.session = session;
    session.on("session_closed", () => lose("the session was closed"));

    generation.namespaceArray = await step(readNamespaceArray(session));
    const limits = await step(readLimits(session));
    const limit = (server: number | undefined) => Math.max(1, Math.min(server || Number.POSITIVE_INFINITY, c.maxItemsPerCall));
    generation.itemsPerCall = limit(limits.maxMonitoredItemsPerCall);
    generation.readsPerCall = limit(limits.maxNodesPerRead);
    this.log.info({ endpoint: c.endpoint, limits }, "opcua: session open");

    this.plans = [...this.configured.map((p) => ({ ...p, nodeId: undefined, state: "pending" as const, failure: undefined })), ...(await step(this.discover(generation)))];
    for (const p of this.plans) this.resolveNodeId(p, generation);
    await step(this.readDataTypes(generation, this.plans.filter((p) => p.state === "pending")));
    this.resolveRefs();

    const subscription = await step(
      session.createSubscription2({
        requestedPublishingInterval: c.subscription.publishingIntervalMs,
        requestedMaxKeepAliveCount: c.subscription.maxKeepAliveCount,
        requestedLifetimeCount: c.subscription.lifetimeCount,
        maxNotificationsPerPublish: c.subscription.maxNotificationsPerPublish,
        publishingEnabled: !this.paused,
        priority: c.subscription.priority,
      }),
    );
    generation.subscription = subscription;
    this.guardSequence(subscription, generation);
    this.lastAlive = Date.now();
    subscription.on("keepalive", () => (this.lastAlive = Date.now()));
    subscription.on("received_notifications", () => (this.lastAlive = Date.now()));
    subscription.on("terminated", () => lose("the subscription was terminated"));
    subscription.on("internal_error", (err: Error) => lose(`subscription error: ${err.message}`));
    subscription.on("status_changed", (status: { isGood(): boolean; toString(): string }) => {
      if (!status.isGood()) lose(`subscription status ${status.toString()}`);
    });

    await step(this.monitor(generation, this.plans.filter((p) => p.state === "pending")));

    const silence = c.reconnect.silenceMs ?? Math.max(15_000, c.subscription.publishingIntervalMs * c.subscription.maxKeepAliveCount * 3);
    generation.timers.push(
      setInterval(() => {
        if (Date.now() - this.lastAlive > silence) lose(`no keep-alive or data for ${Math.round(silence / 1000)} s`);
      }, Math.min(1000, silence / 4)),
      setInterval(() => void this.retryFailed(generation), c.reconnect.retryFailedNodesMs),
    );
    this.ctx?.setState("connected", this.nodeSummary());
    this.readyResolve();
    return generation;
  }

  /**
   * Exactly-once across broken links, by sequence number (see sequence.ts): a NotificationMessage received
   * a second time is dropped, and a gap (a message in flight when the link broke) is asked for again with
   * Republish. What the server no longer has is reported as a dead letter — a loss is never silent. This
   * wraps the subscription's message handler; if node-opcua's internals change shape the guard steps
   * aside and delivery stays at-least-once.
   */
  private guardSequence(subscription: ClientSubscription, generation: Generation): void {
    const target = subscription as unknown as { onNotificationMessage?: (m: NotificationMessageLike) => void; subscriptionId: number };
    const original = target.onNotificationMessage;
    if (typeof original !== "function") return;
    const asked = new Set<string>();
    const deliver = (message: NotificationMessageLike) => {
      const verdict = this.sequences.accept(target.subscriptionId, message.sequenceNumber, (message.notificationData?.length ?? 0) > 0);
      if (!verdict.deliver) {
        this.counters.repeatedMessages++;
        return;
      }
      original.call(subscription, message);
      const subscriptionId = target.subscriptionId;
      const fresh = verdict.missing.filter((n) => !asked.has(`${subscriptionId}:${n}`));
      if (fresh.length > MAX_REPUBLISH) {
        this.reportLost(subscriptionId, fresh.slice(MAX_REPUBLISH), "more than 64 messages missing");
        fresh.length = MAX_REPUBLISH;
      }
      if (asked.size > 10_000) asked.clear(); // old gaps are settled long since; keep memory bounded
      for (const n of fresh) {
        asked.add(`${subscriptionId}:${n}`);
        // Give a message that is merely late a moment to arrive before asking for it.
        setTimeout(() => void this.republish(generation, subscriptionId, n, deliver), 300);
      }
    };
    target.onNotificationMessage = deliver;
  }

  private async republish(generation: Generation, subscriptionId: number, sequenceNumber: number, deliver: (m: NotificationMessageLike) => void): Promise<void> {
    if (this.sequences.has(subscriptionId, sequenceNumber) || this.generation !== generation || !generation.session) return;
    try {
      const response = await new Promise<RepublishResponse>((resolve, reject) =>
        (generation.session as unknown as ClientSessionPublishService).republish(new RepublishRequest({ subscriptionId, retransmitSequenceNumber: sequenceNumber }), (err, r) =>
          err || !r ? reject(err ?? new Error("no response")) : resolve(r),
        ),
      );
      this.counters.republished++;
      deliver(response.notificationMessage as unknown as NotificationMessageLike);
    } catch (err) {
      if (this.sequences.has(subscriptionId, sequenceNumber)) return;
      this.reportLost(subscriptionId, [sequenceNumber], (err as Error).message);
    }
  }

  private reportLost(subscriptionId: number, sequenceNumbers: number[], why: string): void {
    this.counters.lostMessages += sequenceNumbers.length;
    this.deadLetter(
      "notifications_lost",
      `subscription ${subscriptionId}: message(s) ${sequenceNumbers.join(", ")} never arrived and the server cannot republish them (${why})`,
      this.config.endpoint,
    );
  }

  private async dispose(generation: Generation | undefined): Promise<void> {
    if (!generation) return;
    for (const t of generation.timers) clearInterval(t);
    // Close politely when the server still answers (frees its resources); never wait long for a dead one.
    if (generation.session && generation.client.isReconnecting === false) {
      await withTimeout(generation.session.close(true).catch(() => undefined), 2000);
    }
    await withTimeout(generation.client.disconnect().catch(() => undefined), 5000);
  }

  private async checkNamespaces(generation: Generation): Promise<void> {
    if (!generation.session) return;
    try {
      const now = await readNamespaceArray(generation.session);
      const moved = this.plans.some((p) => "uri" in p.parsed.namespace && now.indexOf(p.parsed.namespace.uri) !== generation.namespaceArray.indexOf(p.parsed.namespace.uri));
      if (moved) generation.lose("the server renumbered its namespaces");
    } catch (err) {
      this.log.debug({ err }, "opcua: namespace check failed");
    }
  }

  private nodeSummary(): string {
    const s = this.stats();
    const failed = this.failedNodes().slice(0, 3).map((f) => `${f.address} (${f.reason})`);
    return `${s.monitoredNodes}/${this.plans.length} nodes monitored` + (failed.length ? `; failing: ${failed.join(", ")}` : "");
  }

  // ------------------------------------------------------------ nodes

  private async discover(generation: Generation): Promise<NodePlan[]> {
    const out: NodePlan[] = [];
    const known = new Set(this.configured.map((p) => p.address));
    for (const rule of this.config.discovery) {
      const rootText = parseNodeId(rule.root) as ParsedNodeId;
      const root = toNodeId(rootText, generation.namespaceArray);
      if (typeof root === "string") {
        this.log.warn({ root: rule.root }, `opcua: discovery root: ${root}`);
        continue;
      }
      const found = await discover(generation.session!, rule, root, rootText, generation.namespaceArray);
      const kindRules = rule.kinds.map((k) => ({ re: new RegExp(k.match), kind: k.kind }));
      for (const v of found) {
        if (known.has(v.address)) continue;
        known.add(v.address);
        const leaf = v.path[v.path.length - 1];
        out.push({
          address: v.address,
          parsed: parseNodeId(v.address) as ParsedNodeId,
          monitoring: { ...monitoringDefaults, ...this.config.monitoring, ...rule.monitoring } as FullMonitoring,
          discovered: true,
          parts: v.parts,
          forcedKind: kindRules.find((k) => k.re.test(leaf))?.kind,
          nodeId: v.nodeId,
          state: "pending",
        });
      }
      this.log.info({ root: rule.root, variables: found.length }, "opcua: discovery");
    }
    return out;
  }

  private resolveNodeId(plan: NodePlan, generation: Generation): void {
    if (plan.nodeId) return;
    const nodeId = toNodeId(plan.parsed, generation.namespaceArray);
    if (typeof nodeId === "string") this.fail(plan, nodeId);
    else plan.nodeId = nodeId;
  }

  /** Reads each node's DataType: proves the node exists and gives the registry a kind hint. */
  private async readDataTypes(generation: Generation, plans: NodePlan[]): Promise<void> {
    for (const part of chunks(plans, generation.readsPerCall)) {
      const values = await generation.session!.read(part.map((p) => ({ nodeId: p.nodeId!, attributeId: AttributeIds.DataType })));
      values.forEach((dv, i) => {
        const plan = part[i];
        if (!dv.statusCode.isGood()) return this.fail(plan, dv.statusCode.name);
        const typeId = dv.value.value as NodeId | null;
        // Built-in types have ns=0 ids equal to their DataType number; others (enums, subtypes) have no hint.
        if (typeId && typeId.namespace === 0 && typeof typeId.value === "number" && typeId.value <= 25) plan.dataType = typeId.value as DataType;
      });
    }
  }

  private resolveRefs(): void {
    const unregisteredDiscovered: string[] = [];
    for (const plan of this.plans) {
      if (plan.state === "failed") continue;
      const kind = plan.forcedKind ?? (plan.dataType !== undefined ? kindHint(plan.dataType) : undefined);
      const ref = this.deps.registry.resolve("opcua", plan.address, { kind, parts: { node_id: plan.address, ...plan.parts } });
      plan.ref = ref ?? null;
      if (!ref && plan.discovered) unregisteredDiscovered.push(plan.address);
    }
    if (unregisteredDiscovered.length > 0) {
      // Discovery is a filter: what the registry does not place is not subscribed (but said so).
      this.log.warn({ count: unregisteredDiscovered.length, first: unregisteredDiscovered.slice(0, 5) }, "opcua: discovered variables not in the registry are not monitored");
      this.plans = this.plans.filter((p) => !(p.discovered && p.ref === null));
    }
  }

  private fail(plan: NodePlan, reason: string): void {
    const already = plan.state === "failed" && plan.failure === reason;
    plan.state = "failed";
    plan.failure = reason;
    if (already) return;
    this.log.warn({ node: plan.address, reason }, "opcua: node refused; the other nodes go on");
    this.deadLetter("node_rejected", `${plan.address}: ${reason}`, plan.address);
  }

  private async monitor(generation: Generation, plans: NodePlan[]): Promise<void> {
    const byParameters = new Map<string, NodePlan[]>();
    for (const p of plans) {
      const key = monitoringKey(p.monitoring);
      byParameters.set(key, [...(byParameters.get(key) ?? []), p]);
    }
    for (const group of byParameters.values()) {
      const m = group[0].monitoring;
      for (const part of chunks(group, generation.itemsPerCall)) {
        const items = await generation.subscription!.monitorItems(
          part.map((p) => ({ nodeId: p.nodeId!, attributeId: AttributeIds.Value })),
          { samplingInterval: m.samplingIntervalMs, queueSize: m.queueSize, discardOldest: m.discardOldest, filter: dataChangeFilter(m) },
          TimestampsToReturn.Both,
        );
        items.on("changed", (_item, dataValue: DataValue, index: number) => this.onValue(part[index], dataValue));
        items.monitoredItems.forEach((item, i) => {
          if (item.statusCode.isGood()) {
            part[i].state = "monitored";
            part[i].failure = undefined;
          } else this.fail(part[i], item.statusCode.name);
        });
      }
    }
  }

  private async retryFailed(generation: Generation): Promise<void> {
    const failed = this.plans.filter((p) => p.state === "failed");
    if (failed.length === 0 || !generation.subscription || this.generation !== generation) return;
    try {
      for (const p of failed) {
        p.state = "pending";
        this.resolveNodeId(p, generation);
      }
      const retry = failed.filter((p) => p.state === "pending");
      await this.readDataTypes(generation, retry);
      this.resolveRefs();
      await this.monitor(generation, retry.filter((p) => p.state === "pending"));
      this.ctx?.setState("connected", this.nodeSummary());
    } catch (err) {
      this.log.debug({ err }, "opcua: retry of refused nodes failed");
      for (const p of failed) if (p.state === "pending") p.state = "failed";
    }
  }

  // ------------------------------------------------------------ values

  private onValue(plan: NodePlan, dataValue: DataValue): void {
    this.counters.notifications++;
    this.lastAlive = Date.now();
    const status = dataValue.statusCode.value >>> 0;
    const time = dataValue.sourceTimestamp?.getTime() ?? dataValue.serverTimestamp?.getTime() ?? Date.now();
    if (hasOverflowBit(status)) {
      this.counters.serverQueueOverflows++;
      this.deadLetter("server_queue_overflow", `${plan.address}: the server's queue (size ${plan.monitoring.queueSize}) discarded values before this one`, plan.address);
    }
    // After a broken link the same reading can arrive twice in different messages: as an initial value of
    // a transferred or recreated item and in a republished message. An exact repeat (same source
    // timestamp, status and value) of one of the node's last few readings carries nothing new.
    const key = `${time}|${status}|${dataValue.value.dataType}|${String(dataValue.value.value)}`;
    const recent = this.recent.get(plan.address) ?? [];
    if (recent.includes(key)) {
      this.counters.repeatedValues++;
      return;
    }
    recent.push(key);
    if (recent.length > RECENT_READINGS) recent.shift();
    this.recent.set(plan.address, recent);
    const raw = () =>
      JSON.stringify({ nodeId: plan.address, dataType: dataValue.value.dataType, value: rawValue(dataValue.value), status, time });
    if (!plan.ref) {
      this.deadLetter("unregistered", `${plan.address} is not in the registry`, plan.address, raw());
      return;
    }
    const quality = qualityOf(status);
    let value = null;
    if (quality !== "bad") {
      const converted = toFieldValue(plan.ref.kind, dataValue.value);
      if (!converted.ok) {
        this.deadLetter(converted.reason, `${plan.address}: ${converted.detail}`, plan.address, raw());
        return;
      }
      value = converted.value;
    }
    this.push(signalPoint(plan.ref, value, time, quality, status === 0 ? undefined : status));
  }

  private deadLetter(reason: string, detail: string, origin: string, raw?: string): void {
    this.counters.deadLetters++;
    this.ctx?.deadLetter({ source: this.name, reason, detail, origin, raw });
  }

  private push(point: Point): void {
    this.batch.push(point);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // All values of one publish response arrive in one turn of the event loop: one emit for them.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const points = this.batch;
    if (points.length === 0 || !this.ctx) return;
    this.batch = [];
    const bp = this.config.backpressure;
    if (this.pendingPoints + points.length > bp.dropAt) {
      this.counters.droppedPoints += points.length;
      this.deadLetter("overflow", `${points.length} points dropped: ${this.pendingPoints} points handed over earlier are not durable yet`, this.config.endpoint);
      return;
    }
    this.counters.points += points.length;
    this.pendingPoints += points.length;
    if (this.pendingPoints > bp.pauseAt) this.setPublishing(false);
    this.ctx.emit(points).then(
      () => this.settled(points.length),
      (err: Error) => {
        this.log.error({ err }, "opcua: the pipeline refused points");
        this.settled(points.length);
      },
    );
  }

  private settled(count: number): void {
    this.pendingPoints -= count;
    if (this.paused && this.pendingPoints < this.config.backpressure.pauseAt / 2) this.setPublishing(true);
  }

  /** Backpressure: with publishing off, the server keeps sampling into its queues (discardOldest applies). */
  private setPublishing(enabled: boolean): void {
    if (this.paused === !enabled) return;
    this.paused = !enabled;
    this.log.warn({ pendingPoints: this.pendingPoints }, enabled ? "opcua: pipeline caught up, publishing resumed" : "opcua: pipeline behind, publishing paused");
    this.generation?.subscription?.setPublishingMode(enabled).catch((err: Error) => this.log.warn({ err }, "opcua: setPublishingMode failed"));
  }
}
