// The secret(s) that sign the session cookie. SESSION_SECRET (comma-separated for rotation: the first
// signs, all verify) in production; otherwise one is generated once and kept in the data folder, so the
// demo and a single-node install work without configuration and sessions survive restarts.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dataDir } from "../db/connection.server";

const MIN_LENGTH = 32;

export function sessionSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = env.SESSION_SECRET?.trim();
  if (configured) {
    const secrets = configured.split(",").map((s) => s.trim()).filter(Boolean);
    const short = secrets.find((s) => s.length < MIN_LENGTH);
    if (short !== undefined) throw new Error(`SESSION_SECRET: every secret needs at least ${MIN_LENGTH} characters`);
    return secrets;
  }
  const dir = dataDir(env);
  const file = `${dir}/session-secret`;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // `wx`: if another process created it first, keep theirs.
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    chmodSync(file, 0o600);
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < MIN_LENGTH) throw new Error(`${file}: the session secret is shorter than ${MIN_LENGTH} characters`);
  return [secret];
}
