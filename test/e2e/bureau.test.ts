// The bureau portfolio in a real browser (built app, own data folder, the demo seeded): the city bureau
// opens the portfolio from the header, the four charts draw (pixels read back from each canvas), a filter
// applied with the form narrows the counts, the charts and the table, the CSV export downloads the same
// enterprises, the page works without JavaScript; a result page shows the peer panel for a large cohort and
// hides it for a small one. Screenshots go to test-results/e2e/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireService } from "../support/services";
import { launchChromium, painted, signedInWithoutScripts, signIn, watchErrors } from "./browser";
import { seededDemoFolder } from "./demo-folder";
import { ensureBuild, ROOT, startApp, type RunningApp } from "./server";

const chromiumPath = requireService("chromium");
const SHOTS = join(ROOT, "test-results/e2e");

describe.skipIf(!chromiumPath)("bureau portfolio in a real browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let beilunCount = 0;
  let cityCount = 0;

  beforeAll(async () => {
    ensureBuild();
    mkdirSync(SHOTS, { recursive: true });
    const dataDir = await seededDemoFolder("zhiping-e2e-bureau-", async (db) => {
      cityCount = (await db.selectFrom("organization").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;
      beilunCount = (await db.selectFrom("organization").select((eb) => eb.fn.countAll<number>().as("n")).where("districtCode", "=", "330206").executeTakeFirstOrThrow()).n;
    });
    app = await startApp(dataDir);
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function expectDrawn(page: Page, testId: string, atLeast: number) {
    const canvas = page.locator(`canvas[data-testid=${testId}]`);
    await canvas.scrollIntoViewIfNeeded();
    await expect.poll(() => painted(canvas), { timeout: 10_000 }).toBeGreaterThan(atLeast);
  }

  it("opens the portfolio from the header, draws its charts and narrows everything with a filter", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, app.url, "bureau@zhiping.demo");
    await Promise.all([page.waitForURL(/\/bureau$/), page.getByRole("link", { name: "培育库" }).click()]);
    await expect.poll(() => page.locator("[data-testid=match-count]").textContent()).toBe(`符合条件的企业 ${cityCount} 家`);
    for (const id of ["funnel", "progress", "by-district", "by-industry"]) await expectDrawn(page, id, 2_000);
    // The funnel's numbers are the ones the server counted: 未来工厂 ≤ 智能工厂 ≤ 数字化车间.
    const rung = async (r: string) => Number(await page.locator(`[data-testid=funnel-${r}]`).textContent());
    expect(await rung("workshop")).toBeGreaterThanOrEqual(await rung("factory"));
    expect(await rung("factory")).toBeGreaterThanOrEqual(await rung("future"));
    expect(await rung("future")).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(SHOTS, "bureau-01-portfolio.png"), fullPage: true });

    const before = await painted(page.locator("canvas[data-testid=by-district]"));
    await page.selectOption("#f-district", "330206");
    await Promise.all([page.waitForURL(/district=330206/), page.click("[data-testid=apply-filters]")]);
    await expect.poll(() => page.locator("[data-testid=match-count]").textContent()).toBe(`符合条件的企业 ${beilunCount} 家`);
    await expectDrawn(page, "by-district", 500);
    await expectDrawn(page, "by-industry", 500);
    // One district left: its bar is all the chart draws, fewer pixels than ten districts' bars.
    expect(await painted(page.locator("canvas[data-testid=by-district]"))).toBeLessThan(before);
    const districts = await page.locator("table[data-testid=library] tbody tr td:nth-child(2)").allTextContents();
    expect(districts).toHaveLength(beilunCount);
    expect(new Set(districts)).toEqual(new Set(["北仑区"]));
    await page.screenshot({ path: join(SHOTS, "bureau-02-filtered.png"), fullPage: true });

    // The export carries the same filter: the same enterprises, as UTF-8 CSV with a byte-order mark.
    const href = await page.locator("[data-testid=export-csv]").getAttribute("href");
    expect(href).toBe("/bureau/export.csv?district=330206");
    const download = await page.request.get(`${app.url}${href}`);
    expect(download.status()).toBe(200);
    const bytes = await download.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString("utf8").split("\r\n").filter((l) => l !== "");
    expect(lines).toHaveLength(beilunCount + 1);
    expect(lines.slice(1).every((l) => l.includes(",北仑区,"))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters with JavaScript off: a plain GET form and links", async () => {
    const { context, page } = await signedInWithoutScripts(browser, app.url, "bureau@zhiping.demo");
    await page.goto(`${app.url}/bureau`);
    await page.selectOption("#f-scale", "below");
    await Promise.all([page.waitForURL(/scale=below/), page.click("[data-testid=apply-filters]")]);
    const scales = await page.locator("table[data-testid=library] tbody tr td:nth-child(4)").allTextContents();
    expect(scales.length).toBeGreaterThan(0);
    expect(new Set(scales)).toEqual(new Set(["规下"]));
    // A funnel link keeps the filter and adds the rung.
    await Promise.all([page.waitForURL(/ready=cloud/), page.locator("[data-rung=cloud] a").click()]);
    expect(new URL(page.url()).searchParams.get("scale")).toBe("below");
    await page.screenshot({ path: join(SHOTS, "bureau-03-no-javascript.png") });
    await context.close();
  });

  it("shows the peer panel on a result with a large cohort and hides it for a small one", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, app.url, "bureau@zhiping.demo");
    // The demo enterprise's SME self-check: six machinery makers in 北仑, 规上, with SME results.
    await page.goto(`${app.url}/assessments/demoorg01sme2/result`);
    const shown = page.locator("[data-testid=peer-benchmark]");
    await expect.poll(() => shown.getAttribute("data-shown")).toBe("true");
    expect(await shown.getAttribute("data-cohort")).toBe("districtIndustryScale");
    expect(await shown.textContent()).toContain("与同区县、同行业（C34 通用设备制造业）、同为规上的 6 家企业相比");
    expect(await page.locator("[data-testid=peer-total]").textContent()).toMatch(/^第 \d{1,3} 百分位$/);
    await shown.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "bureau-04-peers-shown.png") });
    // 澜海石化 (镇海, C26): one other C26 enterprise in the whole city.
    await page.goto(`${app.url}/assessments/demoorg02cmmm2/result`);
    const hidden = page.locator("[data-testid=peer-benchmark]");
    await expect.poll(() => hidden.getAttribute("data-shown")).toBe("false");
    expect(await hidden.textContent()).toContain("还需 4 家同类企业完成评估");
    expect(await page.locator("[data-testid=peer-total]").count()).toBe(0);
    await hidden.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "bureau-05-peers-hidden.png") });
    expect(errors).toEqual([]);
    await page.close();
  });
});
