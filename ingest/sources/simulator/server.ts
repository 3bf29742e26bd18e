// The simulated line as an OPC UA server (node-opcua): Objects/<Line>/<Machine>/<Signal>, values played from
// the pure model with the model's timestamps as source timestamps. Also the test bed of the OPC UA source:
// it can be restarted on its port, can report a signal as bad or uncertain, can expose thousands of extra
// variables for load tests, and enforces security modes, users and client certificates like a real PLC.
import path from "node:path";
import {
  DataType,
  makeEUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  standardUnits,
  StatusCodes,
  Variant,
  type Namespace,
  type StatusCode,
  type UAObject,
  type UAVariable,
} from "node-opcua";
import { SIMULATOR_NAMESPACE_URI } from "./constants";
import type { SignalChange } from "./model";
import { LinePlayer, type PlayOptions } from "./player";
import { machineSignals, type LineSpec, type MachineSignal } from "./spec";

export { SIMULATOR_NAMESPACE_URI };

export interface LineServerOptions {
  line: LineSpec;
  /** TCP port; 0 picks a free one (read `port` after start). Kept across restarts. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** The server's own PKI folder (own certificate, trusted/rejected client certificates). */
  pkiFolder: string;
  /** Accept any client certificate (demo); otherwise only those in the PKI's trusted folder. Default true. */
  acceptUnknownClientCertificates?: boolean;
  securityModes?: Array<"None" | "Sign" | "SignAndEncrypt">;
  securityPolicies?: Array<"None" | "Basic256Sha256" | "Aes128_Sha256_RsaOaep" | "Aes256_Sha256_RsaPss">;
  allowAnonymous?: boolean;
  users?: Array<{ username: string; password: string }>;
  /** OperationLimits the server announces and enforces (a small MaxMonitoredItemsPerCall tests chunking). */
  operationLimits?: { maxMonitoredItemsPerCall?: number; maxNodesPerRead?: number; maxNodesPerBrowse?: number };
  /**
   * Extra Double variables under Objects/Load for load tests: each one's value is read on sampling
   * (bindVariable) and moves every second. `minimumSamplingIntervalMs` is set on each so the server
   * samples at the rate the client asks for instead of clamping to 1000 ms.
   */
  load?: { variables: number; minimumSamplingIntervalMs: number };
  /**
   * Namespaces registered before the simulator's, shifting its index — what a PLC does after a program
   * change. Read at each start, so a restart can renumber.
   */
  precedingNamespaces?: string[];
}

interface SignalNode {
  variable: UAVariable;
  dataType: DataType;
}

/** What the model last said about a signal; outlives a server restart. */
interface SignalValue {
  value: number;
  time: number;
  /** A status reported instead of the value (test hook), until cleared. */
  injected?: StatusCode;
}

const dataTypeOf: Record<MachineSignal, DataType> = {
  State: DataType.UInt32,
  GoodCount: DataType.UInt32,
  BadCount: DataType.UInt32,
  IdealCycleTime: DataType.Double,
  SpindleSpeed: DataType.Double,
  Temperature: DataType.Double,
  Energy: DataType.Double,
};

export class LineServer {
  private server: OPCUAServer | undefined;
  private namespaceIndex = 0;
  private readonly nodes = new Map<string, SignalNode>();
  private readonly current = new Map<string, SignalValue>();
  private player: LinePlayer | undefined;
  private portInUse: number;
  private readonly requests = new Map<string, number>();
  private certificateManager: OPCUACertificateManager | undefined;

  constructor(readonly options: LineServerOptions) {
    this.portInUse = options.port ?? 0;
  }

  get port(): number {
    return this.portInUse;
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.options.host ?? "127.0.0.1"}:${this.portInUse}`;
  }

  /** The server's own certificate (PEM), for clients to trust. */
  get certificateFile(): string {
    return path.join(this.options.pkiFolder, "own", "certs", "certificate.pem");
  }

  /** The folder where client certificates the server refused land (an operator moves them to trusted). */
  get rejectedFolder(): string {
    return path.join(this.options.pkiFolder, "rejected");
  }

  /** Trust a client certificate (DER), as an operator does by moving it from rejected/ to trusted/. */
  async trustClientCertificate(der: Buffer): Promise<void> {
    if (!this.certificateManager) throw new Error("start the server first");
    await this.certificateManager.trustCertificate(der);
  }

  /** How many requests of a service type (e.g. "CreateMonitoredItemsRequest") the server has answered. */
  requestCount(type: string): number {
    return this.requests.get(type) ?? 0;
  }

  get line(): LineSpec {
    return this.options.line;
  }

  /** `ns=<index>;s=<Line>.<Machine>.<Signal>` — valid while the server runs (the index is the server's). */
  nodeId(machine: string, signal: MachineSignal | string): string {
    return `ns=${this.namespaceIndex};s=${this.options.line.line}.${machine}.${signal}`;
  }

  /** The same node by namespace URI, independent of the server's namespace table. */
  expandedNodeId(machine: string, signal: MachineSignal | string): string {
    return `nsu=${SIMULATOR_NAMESPACE_URI};s=${this.options.line.line}.${machine}.${signal}`;
  }

  loadNodeId(index: number): string {
    return `ns=${this.namespaceIndex};s=Load.${String(index).padStart(5, "0")}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const o = this.options;
    const certificateManager = new OPCUACertificateManager({
      rootFolder: o.pkiFolder,
      automaticallyAcceptUnknownCertificate: o.acceptUnknownClientCertificates ?? true,
      disableFileWatchers: true,
    });
    this.certificateManager = certificateManager;
    const users = o.users ?? [];
    const server = new OPCUAServer({
      port: this.portInUse,
      host: o.host ?? "127.0.0.1",
      hostname: o.host ?? "127.0.0.1",
      serverCertificateManager: certificateManager,
      securityModes: (o.securityModes ?? ["None", "Sign", "SignAndEncrypt"]).map((m) => MessageSecurityMode[m]),
      securityPolicies: (o.securityPolicies ?? ["None", "Basic256Sha256"]).map((p) => SecurityPolicy[p]),
      allowAnonymous: o.allowAnonymous ?? true,
      userManager: { isValidUser: (u: string, p: string) => users.some((x) => x.username === u && x.password === p) },
      buildInfo: { productName: "Zhiping line simulator", manufacturerName: "Zhiping" },
      serverCapabilities: {
        maxSessions: 50,
        operationLimits: {
          maxMonitoredItemsPerCall: o.operationLimits?.maxMonitoredItemsPerCall ?? 1000,
          maxNodesPerRead: o.operationLimits?.maxNodesPerRead ?? 1000,
          maxNodesPerBrowse: o.operationLimits?.maxNodesPerBrowse ?? 1000,
        },
      },
      maxConnectionsPerEndpoint: 50,
      isAuditing: false,
    });
    await server.initialize();
    server.on("request", (request: { constructor: { name: string } }) => {
      const type = request.constructor.name;
      this.requests.set(type, (this.requests.get(type) ?? 0) + 1);
    });
    for (const uri of o.precedingNamespaces ?? []) server.engine.addressSpace!.registerNamespace(uri);
    const namespace = server.engine.addressSpace!.registerNamespace(SIMULATOR_NAMESPACE_URI);
    this.namespaceIndex = namespace.index;
    this.buildAddressSpace(namespace, server.engine.addressSpace!.rootFolder.objects);
    await server.start();
    this.portInUse = server.endpoints[0].port;
    this.server = server;
  }

  /** Stops serving (clients see the connection drop). The player, if any, keeps the model's clock. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.nodes.clear();
    if (server) await server.shutdown(0);
  }

  /** Stop everything: the player and the server. */
  async close(): Promise<void> {
    this.player?.stop();
    this.player = undefined;
    await this.stop();
  }

  /**
   * Play the model into the address space. The values in effect at `from` are set at once (source
   * timestamp `from`), then each change at its own model time.
   */
  play(options: PlayOptions & { autostart?: boolean } = {}): LinePlayer {
    this.player?.stop();
    const player = new LinePlayer(this.options.line, (changes) => this.apply(changes), options);
    this.current.clear();
    for (const [machine, snapshot] of Object.entries(player.snapshot())) {
      for (const signal of machineSignals) this.current.set(`${machine}.${signal}`, { value: snapshot[signal], time: player.from });
    }
    this.applySnapshot();
    this.player = player;
    if (options.autostart !== false) player.start();
    return player;
  }

  /**
   * Report a signal with this status (Bad… or Uncertain…) instead of its value, until `null` clears it —
   * what a PLC does when a sensor fails. While injected, model changes are held and the latest is applied
   * on clearing.
   */
  injectStatus(machine: string, signal: MachineSignal, status: StatusCode | null): void {
    const key = `${machine}.${signal}`;
    const value = this.current.get(key);
    if (!value) throw new Error(`no signal ${key} (play the line first)`);
    value.injected = status ?? undefined;
    if (!status) value.time = Math.max(value.time, Date.now());
    this.writeCurrent(key);
  }

  private apply(changes: SignalChange[]): void {
    for (const c of changes) {
      const key = `${c.machine}.${c.signal}`;
      this.current.set(key, { ...this.current.get(key), value: c.value, time: c.time });
      this.writeCurrent(key);
    }
  }

  private applySnapshot(): void {
    for (const key of this.current.keys()) this.writeCurrent(key);
  }

  private writeCurrent(key: string): void {
    const node = this.nodes.get(key);
    const current = this.current.get(key);
    if (!node || !current) return; // not serving (restarting): applied again once the server is back
    const status = current.injected ?? StatusCodes.Good;
    if (status.isBad()) {
      // A bad reading carries no value, as a PLC reports a failed sensor.
      node.variable.setValueFromSource(new Variant({ dataType: DataType.Null }), status, new Date(Math.max(current.time, Date.now())));
      return;
    }
    node.variable.setValueFromSource(new Variant({ dataType: node.dataType, value: current.value }), status, new Date(current.time));
  }

  private buildAddressSpace(namespace: Namespace, objects: UAObject): void {
    const { line, load } = this.options;
    const lineFolder = namespace.addObject({ organizedBy: objects, browseName: line.line, nodeId: `s=${line.line}` });
    for (const machine of line.machines) {
      const base = `${line.line}.${machine.id}`;
      const object = namespace.addObject({ componentOf: lineFolder, browseName: machine.id, nodeId: `s=${base}` });
      const analog = (signal: MachineSignal, unit: ReturnType<typeof makeEUInformation>, high: number) =>
        namespace.addAnalogDataItem({
          componentOf: object,
          browseName: signal,
          nodeId: `s=${base}.${signal}`,
          dataType: "Double",
          minimumSamplingInterval: 0,
          engineeringUnitsRange: { low: 0, high },
          engineeringUnits: unit,
          value: new Variant({ dataType: DataType.Double, value: 0 }),
        }) as unknown as UAVariable;
      const plain = (signal: MachineSignal) =>
        namespace.addVariable({
          componentOf: object,
          browseName: signal,
          nodeId: `s=${base}.${signal}`,
          dataType: "UInt32",
          minimumSamplingInterval: 0,
          value: new Variant({ dataType: DataType.UInt32, value: 0 }),
        });
      const variables: Record<MachineSignal, UAVariable> = {
        State: plain("State"),
        GoodCount: plain("GoodCount"),
        BadCount: plain("BadCount"),
        IdealCycleTime: analog("IdealCycleTime", standardUnits.second, 3600),
        SpindleSpeed: analog("SpindleSpeed", standardUnits.revolutions_per_minute, Math.max(1, machine.spindleSpeedRpm * 1.5)),
        Temperature: analog("Temperature", standardUnits.degree_celsius, 200),
        Energy: analog("Energy", makeEUInformation("KWH", "kWh", "kilowatt hour"), 1e9),
      };
      for (const signal of machineSignals) {
        this.nodes.set(`${machine.id}.${signal}`, { variable: variables[signal], dataType: dataTypeOf[signal] });
      }
    }
    if (load && load.variables > 0) {
      const folder = namespace.addObject({ organizedBy: objects, browseName: "Load", nodeId: "s=Load" });
      for (let i = 1; i <= load.variables; i++) {
        namespace.addVariable({
          componentOf: folder,
          browseName: `L${String(i).padStart(5, "0")}`,
          nodeId: `s=Load.${String(i).padStart(5, "0")}`,
          dataType: "Double",
          minimumSamplingInterval: load.minimumSamplingIntervalMs,
          value: { get: () => new Variant({ dataType: DataType.Double, value: Math.floor(Date.now() / 1000) + i / 1e6 }) },
        });
      }
    }
    this.applySnapshot();
  }
}

/** A PKI folder for a server inside a data dir. */
export function serverPkiFolder(dataDir: string): string {
  return path.join(dataDir, "pki-simulator-server");
}
