// Node ids as written in ingest.yaml: `ns=<index>;<id>` or `nsu=<namespace URI>;<id>` where <id> is
// `s=<string>`, `i=<number>`, `g=<guid>` or `b=<base64>` (OPC 10000-6 §5.3.1.10). Parsed and checked here so
// a typo is a config error with its path, and `nsu=` is resolved against the server's NamespaceArray on
// every (re)connect — a server may renumber its namespaces after a restart, the URI stays.
import { NodeId, NodeIdType } from "node-opcua";

export interface ParsedNodeId {
  /** Exactly as configured: the registry address of this node. */
  text: string;
  namespace: { index: number } | { uri: string };
  identifierType: "s" | "i" | "g" | "b";
  identifier: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses a configured node id; returns an error message instead when it is not one. */
export function parseNodeId(text: string): ParsedNodeId | string {
  const m = /^(?:(ns)=(\d+)|(nsu)=([^;]+));([sigb])=([\s\S]*)$/.exec(text);
  if (!m) {
    if (/^[sigb]=/.test(text)) return `"${text}" has no namespace: write ns=<index>;${text} or nsu=<uri>;${text}`;
    return `"${text}" is not a node id: expected ns=<index>;s=<name> (or i=, g=, b=) or nsu=<uri>;s=<name>`;
  }
  if (m[1] && Number(m[2]) > 65535) return `"${text}": namespace index must be at most 65535`;
  const namespace: ParsedNodeId["namespace"] = m[1] ? { index: Number(m[2]) } : { uri: m[4] };
  const identifierType = m[5] as ParsedNodeId["identifierType"];
  const identifier = m[6];
  if (identifierType === "i") {
    if (!/^\d+$/.test(identifier) || Number(identifier) > 0xffffffff) return `"${text}": i= takes an integer from 0 to 4294967295`;
  } else if (identifierType === "g") {
    if (!GUID.test(identifier)) return `"${text}": g= takes a GUID like 09087e75-8e5e-499b-954f-f2a9603db28a`;
  } else if (identifierType === "b") {
    if (!BASE64.test(identifier) || identifier.length % 4 !== 0) return `"${text}": b= takes base64`;
  } else if (identifier.length === 0) {
    return `"${text}": s= needs a name`;
  } else if (identifier.length > 4096) {
    return `"${text}": s= names are at most 4096 characters`;
  }
  return { text, namespace, identifierType, identifier };
}

/**
 * The NodeId for this server. `namespaceArray` is the server's NamespaceArray (index → URI). Returns an
 * error message when an `nsu=` URI is not served.
 */
export function toNodeId(parsed: ParsedNodeId, namespaceArray: readonly string[]): NodeId | string {
  let index: number;
  if ("index" in parsed.namespace) index = parsed.namespace.index;
  else {
    index = namespaceArray.indexOf(parsed.namespace.uri);
    if (index < 0) return `namespace ${parsed.namespace.uri} is not served (the server has: ${namespaceArray.join(", ")})`;
  }
  switch (parsed.identifierType) {
    case "i":
      return new NodeId(NodeIdType.NUMERIC, Number(parsed.identifier), index);
    case "g":
      return new NodeId(NodeIdType.GUID, parsed.identifier, index);
    case "b":
      return new NodeId(NodeIdType.BYTESTRING, Buffer.from(parsed.identifier, "base64"), index);
    default:
      return new NodeId(NodeIdType.STRING, parsed.identifier, index);
  }
}

/** A node id text in the same namespace form as `like` (`ns=` or `nsu=`), for nodes found by browsing. */
export function formatNodeId(nodeId: NodeId, namespaceArray: readonly string[], like: ParsedNodeId): string {
  const ns = "uri" in like.namespace ? `nsu=${namespaceArray[nodeId.namespace]}` : `ns=${nodeId.namespace}`;
  switch (nodeId.identifierType) {
    case NodeIdType.NUMERIC:
      return `${ns};i=${nodeId.value}`;
    case NodeIdType.GUID:
      return `${ns};g=${String(nodeId.value).toLowerCase()}`;
    case NodeIdType.BYTESTRING:
      return `${ns};b=${(nodeId.value as Buffer).toString("base64")}`;
    default:
      return `${ns};s=${nodeId.value}`;
  }
}
