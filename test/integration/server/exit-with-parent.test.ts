// The preload `zhiping demo` gives its processes (scripts/cli/exit-with-parent.mjs): when the demo process is
// killed — even with SIGKILL, which it cannot act on — each child stops through its own SIGTERM handler
// instead of running on as an orphan. Told through the IPC channel the demo opens, or, without one, by
// noticing it was re-parented.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../e2e/server";

const PRELOAD = new URL("../../../scripts/cli/exit-with-parent.mjs", import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), "zhiping-exit-with-parent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for a demo process: runs until SIGTERM, then writes how it stopped. */
const CHILD = `process.on("SIGTERM", () => { require("node:fs").writeFileSync(process.env.STOPPED_FILE, "stopped on SIGTERM"); process.exit(0); }); setInterval(() => {}, 1000);`;

/** A stand-in for the demo: starts the child with the preload, prints its pid, and waits to be killed. */
function parentScript(ipc: boolean): string {
  const stdio = ipc ? `["ignore", "ignore", "inherit", "ipc"]` : `["ignore", "ignore", "inherit"]`;
  return `const child = require("node:child_process").spawn(process.execPath, ["--import", ${JSON.stringify(PRELOAD)}, "-e", ${JSON.stringify(CHILD)}], { stdio: ${stdio} });
console.log(child.pid); setInterval(() => {}, 1000);`;
}

async function orphanCheck(ipc: boolean, stoppedFile: string): Promise<{ childPid: number; gone: boolean }> {
  const parent = spawn(process.execPath, ["-e", parentScript(ipc)], { cwd: ROOT, env: { ...process.env, STOPPED_FILE: stoppedFile }, stdio: ["ignore", "pipe", "inherit"] });
  const childPid = await new Promise<number>((resolve) => parent.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  // Let the child load the preload before its parent goes.
  await new Promise((r) => setTimeout(r, 500));
  expect(existsSync(`/proc/${childPid}`)).toBe(true);
  parent.kill("SIGKILL");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && existsSync(`/proc/${childPid}`)) await new Promise((r) => setTimeout(r, 50));
  return { childPid, gone: !existsSync(`/proc/${childPid}`) };
}

describe("demo processes end with the demo", () => {
  it("stop through their SIGTERM handler when the demo is SIGKILLed (IPC channel)", async () => {
    const file = join(dir, "ipc");
    const { gone } = await orphanCheck(true, file);
    expect(gone).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("stopped on SIGTERM");
  });

  it("stop too when started without an IPC channel (they notice the new parent)", async () => {
    const file = join(dir, "no-ipc");
    const { gone } = await orphanCheck(false, file);
    expect(gone).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("stopped on SIGTERM");
  });
});
