// What a Mosquitto 2 broker needs to let an enterprise's gateways in, and no further: a `password_file` in the
// format Mosquitto 2 reads (`user:$7$iterations$salt$hash`, PBKDF2-HMAC-SHA512 with a 12-byte salt, as
// `mosquitto_passwd` writes it) and an `acl_file` giving each gateway its own enterprise's topics only:
// its Sparkplug group and its JSON topic root. Pure, apart from the random salt.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/** Mosquitto 2.0's own default; passwords here are 24 random bytes, so stretching adds nothing (ADR 012). */
export const MOSQUITTO_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** `$7$<iterations>$<salt base64>$<hash base64>`: PBKDF2-HMAC-SHA512 of the password with the raw salt. */
export function mosquittoPasswordHash(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = MOSQUITTO_ITERATIONS): string {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  const hash = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, HASH_BYTES, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

const HASH_SHAPE = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Checks a password against a `$7$` hash (what Mosquitto does on CONNECT); false for any other shape. */
export function verifyMosquittoPassword(password: string, stored: string): boolean {
  const m = HASH_SHAPE.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[3], "base64");
  if (expected.length !== HASH_BYTES) return false;
  const actual = pbkdf2Sync(Buffer.from(password, "utf8"), Buffer.from(m[2], "base64"), Number(m[1]), HASH_BYTES, "sha512");
  return timingSafeEqual(actual, expected);
}

/** A generated gateway password: 24 random bytes, URL-safe base64 (32 characters). */
export function generatePassword(): string {
  return randomBytes(24).toString("base64url");
}

/** What Mosquitto accepts in a password_file user name and an ACL `user` line: no `:`, spaces or control characters. */
export const MQTT_USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface EnterpriseTopics {
  sparkplugGroup: string;
  topicRoot: string;
}

export interface TopicGrant {
  access: "read" | "write" | "readwrite";
  topic: string;
}

/**
 * The topics a gateway of the enterprise may use: its Sparkplug group (births, data, deaths out; NCMD/DCMD
 * rebirth requests in), the Sparkplug host STATE topics (an edge waits for its primary host), and its JSON
 * topic root. Nothing of another enterprise can match, since group and root are whole topic levels.
 */
export function gatewayTopics(t: EnterpriseTopics): TopicGrant[] {
  return [
    { access: "readwrite", topic: `spBv1.0/${t.sparkplugGroup}/#` },
    { access: "read", topic: "spBv1.0/STATE/#" },
    { access: "readwrite", topic: `${t.topicRoot}/#` },
  ];
}

export interface BrokerAccount {
  username: string;
  passwordHash: string;
  grants: TopicGrant[];
  /** Shown as a comment above the user's section. */
  comment?: string;
}

function checkAccount(a: BrokerAccount): void {
  if (!MQTT_USERNAME.test(a.username)) throw new Error(`MQTT user name "${a.username}" cannot be written to a Mosquitto password file`);
  if (!HASH_SHAPE.test(a.passwordHash)) throw new Error(`the password hash of "${a.username}" is not a Mosquitto $7$ hash`);
  for (const g of a.grants) {
    if (/\s/.test(g.topic) || g.topic === "") throw new Error(`topic "${g.topic}" of "${a.username}" cannot be written to an ACL file`);
  }
}

/** `password_file`: one `user:hash` line per account. */
export function passwordFile(accounts: readonly BrokerAccount[]): string {
  accounts.forEach(checkAccount);
  return accounts.map((a) => `${a.username}:${a.passwordHash}\n`).join("");
}

/** `acl_file`: a `user` section per account with its topic lines. Anything not granted is denied. */
export function aclFile(accounts: readonly BrokerAccount[], header: string): string {
  accounts.forEach(checkAccount);
  const out = [...header.split("\n").map((l) => `# ${l}`), ""];
  for (const a of accounts) {
    if (a.comment) out.push(`# ${a.comment.replace(/\n/g, " ")}`);
    out.push(`user ${a.username}`);
    for (const g of a.grants) out.push(`topic ${g.access} ${g.topic}`);
    out.push("");
  }
  return out.join("\n");
}
