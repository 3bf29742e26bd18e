import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockSpool } from "../../../ingest/core/service";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("one ingest per spool", () => {
  it("refuses a second holder, and frees the spool on release", () => {
    dir = mkdtempSync(join(tmpdir(), "zp-lock-"));
    const spool = join(dir, "spool.sqlite");
    const release = lockSpool(spool);
    expect(() => lockSpool(spool)).toThrow(`the spool ${spool} is in use by another ingest (pid ${process.pid}); give each worker its own dataDir`);
    release();
    lockSpool(spool)();
  });

  it("takes over a lock left by a process that is gone (SIGKILL)", () => {
    dir = mkdtempSync(join(tmpdir(), "zp-lock-"));
    const spool = join(dir, "spool.sqlite");
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(`${spool}.lock`, gone.stdout.trim());
    lockSpool(spool)();
    // A lock with our own pid that this process did not take is stale too (a container restart reuses pids).
    writeFileSync(`${spool}.lock`, String(process.pid));
    lockSpool(spool)();
  });
});
