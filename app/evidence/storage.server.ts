// Evidence files on disk under <data>/evidence/<organisation>/<random name>. The random name is never
// derived from what the user sent; the file is only ever served through the access-checked download route.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dataDir } from "../db/connection.server";

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
export const MAX_EVIDENCE_PER_QUESTION = 10;

function evidenceDir(organizationId: string): string {
  if (!/^[a-z0-9]{1,40}$/.test(organizationId)) throw new Error("organisation id has an unexpected shape");
  return join(dataDir(), "evidence", organizationId);
}

export async function storeEvidenceFile(organizationId: string, bytes: Uint8Array): Promise<{ storedName: string; sha256: string }> {
  const dir = evidenceDir(organizationId);
  await mkdir(dir, { recursive: true });
  const storedName = randomBytes(16).toString("hex");
  await writeFile(join(dir, storedName), bytes, { flag: "wx", mode: 0o600 });
  return { storedName, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function checkedPath(organizationId: string, storedName: string): string {
  if (!/^[0-9a-f]{32}$/.test(storedName)) throw new Error("stored evidence name has an unexpected shape");
  return join(evidenceDir(organizationId), storedName);
}

export async function readEvidenceFile(organizationId: string, storedName: string): Promise<Buffer> {
  return readFile(checkedPath(organizationId, storedName));
}

export async function deleteEvidenceFile(organizationId: string, storedName: string): Promise<void> {
  await rm(checkedPath(organizationId, storedName), { force: true });
}
