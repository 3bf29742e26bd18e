// End to end in Chromium on the demo's own processes: the seeded demo database, the ingest with the simulated
// line (OPC UA server + Sparkplug edge, a day of history first) writing the embedded store, and the web app
// reading it — started exactly as `zhiping demo` starts them (demoProcesses). The line's dashboard draws its
// charts (pixels read back) and updates without a reload; the enterprise's SME self-check shows the measured
// OEE and networking rate beside its claims, flags the mismatches, and keeps them in the submitted result.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/db/connection.server";
import { withTelemetry } from "~/telemetry/schema";
import { demoProcesses, prepareDemoTelemetry, type DemoTelemetry } from "../../scripts/cli/demo";
import { DEMO_LINE_ID, DEMO_SME_DRAFT } from "../../scripts/demo/line";
import { requireService } from "../support/services";
import { launchChromium, painted, signedInWithoutScripts, signIn, watchErrors } from "./browser";
import { seededDemoFolder } from "./demo-folder";
import { ensureBuild, freePort, ROOT } from "./server";

const chromiumPath = requireService("chromium");
const SHOTS = join(ROOT, "test-results/e2e");

describe.skipIf(!chromiumPath)("the demo line in a real browser", () => {
  let dataDir = "";
  let url = "";
  let telemetry: DemoTelemetry;
  const children: Array<{ name: string; child: ChildProcess; output: string }> = [];
  let browser: Browser;
  const org = "demoorg01";

  beforeAll(async () => {
    ensureBuild();
    mkdirSync(SHOTS, { recursive: true });
    dataDir = await seededDemoFolder("zhiping-e2e-demo-", async (db, dir) => {
      const ports = { ingestHttp: await freePort(), opcua: await freePort(), broker: await freePort() };
      // A day of history keeps the start short; the evidence window is still the last 7 days.
      telemetry = await prepareDemoTelemetry(db, dir, ports, "1d");
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    for (const p of demoProcesses(String(port), "127.0.0.1", telemetry)) {
      const child = spawn(p.command, p.args, {
        cwd: ROOT,
        env: { ...process.env, ZHIPING_DATA_DIR: dataDir, NODE_ENV: "production", DATABASE_URL: "", ...p.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const entry = { name: p.name, child, output: "" };
      child.stdout!.on("data", (d) => (entry.output = (entry.output + d).slice(-20_000)));
      child.stderr!.on("data", (d) => (entry.output = (entry.output + d).slice(-20_000)));
      children.push(entry);
    }
    const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
      const deadline = Date.now() + ms;
      while (!(await check().catch(() => false))) {
        for (const c of children) if (c.child.exitCode !== null) throw new Error(`${c.name} exited (${c.child.exitCode}): ${c.output}`);
        if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms; ${children.map((c) => `${c.name}: ${c.output.slice(-2000)}`).join("\n")}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await until("the web app to answer", async () => (await fetch(`${url}/healthz`)).ok, 30_000);
    await until("every ingest source connected", async () => {
      const body = (await (await fetch(telemetry.statusUrl)).json()) as { sources: Record<string, { state: string }> };
      return Object.values(body.sources).length === 3 && Object.values(body.sources).every((s) => s.state === "connected");
    }, 60_000);
    browser = await launchChromium(chromiumPath!);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 3000).unref();
          }),
      ),
    );
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await signIn(page, url, "owner@zhiping.demo");
    return { page, errors };
  }

  it("draws the line's OEE and state timeline and keeps them current without a reload", async () => {
    const { page, errors } = await signedIn();
    await page.goto(`${url}/orgs/${org}/lines`);
    await expect.poll(() => page.locator("[data-testid=source-line1-opcua]").getAttribute("data-state")).toBe("connected");
    await page.screenshot({ path: join(SHOTS, "dashboard-00-lines.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click(`[data-testid=dashboard-line1]`)]);
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org}/lines/${DEMO_LINE_ID}/dashboard`);
    // Today's OEE as the page shows it is the server's figure, a ratio shown as a percentage.
    const today = page.locator("[data-testid=oee-today-oee]");
    const value = Number(await today.getAttribute("data-value"));
    expect(value).toBeGreaterThan(0.3);
    expect(value).toBeLessThan(1);
    expect((await today.textContent())!.trim()).toBe(`${(Math.round(value * 1000) / 10).toLocaleString("zh-CN", { maximumFractionDigits: 1 })}%`);
    for (const id of ["timeline-chart", "oee-chart", "trend-chart"]) {
      const canvas = page.locator(`canvas[data-testid=${id}]`);
      await canvas.scrollIntoViewIfNeeded();
      await expect.poll(() => painted(canvas), { timeout: 10_000, message: id }).toBeGreaterThan(5_000);
    }
    // Five simulated machines, each with a last reading of its signals.
    await expect.poll(() => page.locator("[data-testid=machines-table] tbody tr").count()).toBe(5);
    expect(await page.locator("[data-testid=last-values] tbody tr").count()).toBe(35);
    await page.screenshot({ path: join(SHOTS, "dashboard-01.png"), fullPage: true });
    // A new snapshot arrives over server-sent events: the figures' time moves on, the page is the same.
    const first = await page.locator("[data-testid=dashboard]").getAttribute("data-at");
    const navigations: string[] = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
    await expect.poll(() => page.locator("[data-testid=live-mode]").getAttribute("data-mode"), { timeout: 15_000 }).toBe("live");
    await expect.poll(() => page.locator("[data-testid=dashboard]").getAttribute("data-at"), { timeout: 25_000 }).not.toBe(first);
    expect(navigations).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("serves the dashboard without JavaScript as a readable snapshot with a refresh link", async () => {
    const { context, page } = await signedInWithoutScripts(browser, url, "owner@zhiping.demo");
    await page.goto(`${url}/orgs/${org}/lines/${DEMO_LINE_ID}/dashboard`);
    expect(await page.locator("[data-testid=oee-today-oee]").textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.locator("[data-testid=machines-table] tbody tr").count()).toBe(5);
    const before = await page.locator("[data-testid=dashboard]").getAttribute("data-at");
    await new Promise((r) => setTimeout(r, 6_000)); // past the shared snapshot's 5 s
    await Promise.all([page.waitForLoadState("load"), page.getByRole("link", { name: "刷新" }).click()]);
    expect(Number(await page.locator("[data-testid=dashboard]").getAttribute("data-at"))).toBeGreaterThan(Number(before));
    await page.goto(`${url}/orgs/${org}/lines/${DEMO_LINE_ID}`);
    await page.screenshot({ path: join(SHOTS, "dashboard-04-registration.png"), fullPage: true });
    await context.close();
  });

  it("shows the measured OEE and networking rate beside the SME claims, flags the mismatches, and stores them with the result", async () => {
    const { page, errors } = await signedIn();
    const draft = DEMO_SME_DRAFT(org);
    await page.goto(`${url}/assessments/${draft}/q/basis`);
    // Claimed 65% (the 60–100% band); 5 of 9 registered machines reported: 55.6%, scored as measured.
    const networked = page.locator("[data-testid=measured-equipment-networked-rate]");
    expect(await networked.getAttribute("data-mismatch")).toBe("true");
    expect(await networked.textContent()).toContain("申报联网率 60–100%，近 7 天实测 55.556%；按实测计分");
    expect(await networked.textContent()).toContain("5 of 9 registered machines reported");
    await page.goto(`${url}/assessments/${draft}/q/operation`);
    // 设备管理 level 3 needs real-time collection and OEE statistics on 80% of machines: measured on 5 of 9.
    const equipment = page.locator("[data-testid=measured-scene-equipment]");
    expect(await equipment.getAttribute("data-mismatch")).toBe("true");
    expect(await equipment.textContent()).toContain("实测仅支持到“2 级”");
    const oee = equipment.locator("[data-testid=measured-oee]");
    expect(await oee.textContent()).toMatch(/^OEE \d+(\.\d)?%（A \d+(\.\d)?% × P \d+(\.\d)?% × Q \d+(\.\d)?%）$/);
    await page.locator("#q-scene-equipment").screenshot({ path: join(SHOTS, "dashboard-02-evidence.png") });

    await page.goto(`${url}/assessments/${draft}/review`);
    await Promise.all([page.waitForURL(/\/result$/), page.click("[data-testid=submit-assessment]")]);
    const section = page.locator("[data-testid=measured-evidence]");
    expect(await section.locator("h2 .tag").textContent()).toBe("实测不符 2 处");
    expect(await section.locator("[data-testid=measured-oee]").textContent()).toMatch(/^OEE \d+(\.\d)?%（A \d+(\.\d)?% × P \d+(\.\d)?% × Q \d+(\.\d)?%）$/);
    await section.screenshot({ path: join(SHOTS, "dashboard-03-result.png") });
    expect(errors).toEqual([]);
    await page.close();

    // Stored with the result: the window and the measures it was scored with.
    const database = await openDatabase({ dialect: "sqlite", file: join(dataDir, "zhiping.sqlite") });
    const result = await database.db.selectFrom("result").select(["id", "resultJson"]).where("assessmentId", "=", draft).where("kind", "=", "self").executeTakeFirstOrThrow();
    const stored = await withTelemetry(database.db).selectFrom("resultMeasurement").selectAll().where("resultId", "=", result.id).executeTakeFirstOrThrow();
    await database.close();
    expect(Date.parse(stored.windowTo) - Date.parse(stored.windowFrom)).toBe(7 * 86_400_000);
    const snapshot = JSON.parse(stored.snapshotJson);
    expect(snapshot.measures.networkedRatio.value).toBeCloseTo(5 / 9, 12);
    const evidence = JSON.parse(result.resultJson).evidence as Array<{ questionId: string; mismatch: boolean; usedInScore: boolean; measured: { implied: unknown } }>;
    const networkedEntry = evidence.find((e) => e.questionId === "equipment-networked-rate")!;
    expect(networkedEntry).toMatchObject({ mismatch: true, usedInScore: true, measured: { implied: { type: "percentage", value: 55.56 } } });
  });
});
