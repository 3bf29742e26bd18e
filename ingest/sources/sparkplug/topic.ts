// Sparkplug B topic namespace (3.0 §4.1): spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]
// and spBv1.0/STATE/{host_id}.

export const NAMESPACE = "spBv1.0";

export type MessageType = "NBIRTH" | "NDEATH" | "DBIRTH" | "DDEATH" | "NDATA" | "DDATA" | "NCMD" | "DCMD";
const NODE_TYPES = new Set(["NBIRTH", "NDEATH", "NDATA", "NCMD"]);
const DEVICE_TYPES = new Set(["DBIRTH", "DDEATH", "DDATA", "DCMD"]);

export type ParsedTopic =
  | { kind: "state"; hostId: string }
  | { kind: "message"; type: MessageType; group: string; edge: string; device?: string };

/** Parses a received topic; returns an error message for anything that is not Sparkplug B. */
export function parseTopic(topic: string): ParsedTopic | string {
  const parts = topic.split("/");
  if (parts[0] !== NAMESPACE) return `not in the ${NAMESPACE} namespace`;
  if (parts[1] === "STATE") {
    if (parts.length !== 3 || !parts[2]) return "a STATE topic is spBv1.0/STATE/{host_id}";
    return { kind: "state", hostId: parts[2] };
  }
  const [, group, type, edge, device, ...rest] = parts;
  if (!group || !type || !edge || rest.length > 0) return "expected spBv1.0/{group}/{type}/{edge_node}[/{device}]";
  if (NODE_TYPES.has(type)) {
    if (device !== undefined) return `${type} has no device level`;
    return { kind: "message", type: type as MessageType, group, edge };
  }
  if (DEVICE_TYPES.has(type)) {
    if (!device) return `${type} needs a device level`;
    return { kind: "message", type: type as MessageType, group, edge, device };
  }
  return `unknown message type ${type}`;
}

/** An id usable as a topic level (3.0: UTF-8, no '/', '+', '#'). */
export function idProblem(id: string): string | undefined {
  if (id.length === 0) return "must not be empty";
  if (/[/+#]/.test(id)) return "must not contain '/', '+' or '#'";
  return undefined;
}
