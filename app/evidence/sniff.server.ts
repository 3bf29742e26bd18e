// What an uploaded file really is, from its first bytes, checked against the short list of types evidence
// may have: PDF, images, Office documents (OOXML and legacy OLE2) and CSV/plain text. The browser's
// Content-Type and the file name are not trusted; the name's extension must agree with the content.
export interface EvidenceType {
  contentType: string;
  /** Extensions (lower case, no dot) a file of this type may carry. */
  extensions: string[];
}

const PDF: EvidenceType = { contentType: "application/pdf", extensions: ["pdf"] };
const PNG: EvidenceType = { contentType: "image/png", extensions: ["png"] };
const JPEG: EvidenceType = { contentType: "image/jpeg", extensions: ["jpg", "jpeg"] };
const GIF: EvidenceType = { contentType: "image/gif", extensions: ["gif"] };
const WEBP: EvidenceType = { contentType: "image/webp", extensions: ["webp"] };
const DOCX: EvidenceType = { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: ["docx"] };
const XLSX: EvidenceType = { contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extensions: ["xlsx"] };
const PPTX: EvidenceType = { contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extensions: ["pptx"] };
const OLE: Record<string, EvidenceType> = {
  doc: { contentType: "application/msword", extensions: ["doc"] },
  xls: { contentType: "application/vnd.ms-excel", extensions: ["xls"] },
  ppt: { contentType: "application/vnd.ms-powerpoint", extensions: ["ppt"] },
};
const CSV: EvidenceType = { contentType: "text/csv; charset=utf-8", extensions: ["csv"] };
const TEXT: EvidenceType = { contentType: "text/plain; charset=utf-8", extensions: ["txt"] };

export const ALLOWED_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "csv", "txt"];

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.subarray(from, Math.min(to, bytes.length))).toString("latin1");
}

/** Whether the bytes are UTF-8 text without control characters other than tab, CR and LF. */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 64 * 1024));
  if (text.includes("\uFFFD")) return false;
  return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return m ? m[1].toLowerCase() : "";
}

/** The evidence type of the content, or null when it is not one Zhiping accepts. */
export function sniff(bytes: Uint8Array, fileName: string): EvidenceType | null {
  const ext = extensionOf(fileName);
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return GIF; // GIF8
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && ascii(bytes, 8, 12) === "WEBP") return WEBP;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // OOXML is a zip whose part names say which application it belongs to.
    const head = ascii(bytes, 0, 256 * 1024);
    if (!head.includes("[Content_Types].xml")) return null;
    if (head.includes("word/")) return DOCX;
    if (head.includes("xl/")) return XLSX;
    if (head.includes("ppt/")) return PPTX;
    return null;
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // OLE2 compound files do not say cheaply which application wrote them: trust the extension among the three.
    return OLE[ext] ?? null;
  }
  if (isPlainText(bytes)) return ext === "csv" ? CSV : ext === "txt" ? TEXT : null;
  return null;
}

/** The sniffed type when the file name's extension agrees with it. */
export function acceptEvidenceFile(bytes: Uint8Array, fileName: string): { ok: true; type: EvidenceType } | { ok: false; reason: "type" | "extension" } {
  const type = sniff(bytes, fileName);
  if (!type) return { ok: false, reason: "type" };
  if (!type.extensions.includes(extensionOf(fileName))) return { ok: false, reason: "extension" };
  return { ok: true, type };
}

/** A file name safe to show and to put in Content-Disposition: no path, no control characters, bounded. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001F\u007F"<>|:*?]/g, "_").trim();
  if (cleaned.length <= 120) return cleaned || "file";
  const ext = extensionOf(cleaned);
  return `${cleaned.slice(0, 110)}${ext ? `.${ext}` : ""}`;
}
