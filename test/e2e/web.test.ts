// End to end in Chromium against the built app served by remix-serve (own port, own data folder, seeded
// with the demo): an enterprise user answers the whole SME self-check (上云用数) and sees the level and a
// chart that has drawn; a page is saved with JavaScript off; a consultant adjusts one answer and signs off;
// a user of enterprise B gets 404 on A's result. Screenshots go to test-results/e2e/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/db/connection.server";
import { hashPassword } from "~/auth/password.server";
import { getFramework } from "~/domain/frameworks.server";
import { score } from "../../assessments";
import { addMembership, createUser } from "~/repos/users.server";
import { DEMO_PASSWORD } from "../../scripts/cli/demo-data";
import { requireService } from "../support/services";
import { launchChromium, painted, signedInWithoutScripts, signIn, watchErrors } from "./browser";
import { seededDemoFolder } from "./demo-folder";
import { ensureBuild, ROOT, startApp, type RunningApp } from "./server";

const chromiumPath = requireService("chromium");
const SHOTS = join(ROOT, "test-results/e2e");

describe.skipIf(!chromiumPath)("Zhiping in a real browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let assessmentUrl = "";
  let dataDir = "";

  beforeAll(async () => {
    ensureBuild();
    mkdirSync(SHOTS, { recursive: true });
    dataDir = await seededDemoFolder("zhiping-e2e-", async (db) => {
      const bId = await createUser(db, { email: "b-owner@zhiping.demo", name: "乙企业用户", passwordHash: await hashPassword(DEMO_PASSWORD), role: "member" });
      await addMembership(db, bId, "demoorg02");
    });
    app = await startApp(dataDir);
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("an enterprise user answers the whole SME self-check, submits, and sees the level and a drawn radar chart", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, app.url, "owner@zhiping.demo");
    expect(new URL(page.url()).pathname).toBe("/orgs/demoorg01");
    await page.check('input[name=frameworkId][value="sme-digital-2024"]');
    await Promise.all([page.waitForURL(/\/assessments\/[a-z0-9]+\/q\/[a-z0-9-]+$/), page.click("[data-testid=start-assessment]")]);
    assessmentUrl = new URL(page.url()).pathname.replace(/\/q\/.*$/, "");
    await page.screenshot({ path: join(SHOTS, "01-questionnaire.png"), fullPage: false });

    // Autosave: one click on a choice is saved without pressing a button.
    const first = page.locator("fieldset.question").first();
    await first.locator("input[type=radio], input[type=checkbox]").first().check();
    await expect.poll(() => first.locator(".save-state").textContent(), { timeout: 10_000 }).toBe("已自动保存");

    for (let guard = 0; guard < 10; guard++) {
      // Client-side navigation changes the URL a moment before the new page renders: wait for the page
      // shown to be the page in the address bar.
      await page.waitForFunction(() => document.querySelector('.section-nav a[aria-current="page"]')?.getAttribute("href") === location.pathname);
      for (const fieldset of await page.locator("fieldset.question").all()) {
        const radios = fieldset.locator("input[type=radio]");
        const boxes = fieldset.locator('input[type=checkbox]:not([value="__none__"])');
        const text = fieldset.locator("input[type=text]");
        if ((await radios.count()) > 0) await radios.last().check();
        else if ((await boxes.count()) > 0) for (const b of await boxes.all()) await b.check();
        else if ((await text.count()) > 0) await text.fill("85");
      }
      const next = page.locator("[data-testid=save-next]");
      if ((await next.count()) > 0) {
        const before = page.url();
        await Promise.all([page.waitForURL((u) => u.href !== before), next.click()]);
        continue;
      }
      await Promise.all([page.waitForURL(/\/review$/), page.click("[data-testid=save-review]")]);
      break;
    }
    await expect.poll(() => page.locator("[data-testid=progress]").textContent()).toContain("已答 32/32 题（100%）");
    await page.screenshot({ path: join(SHOTS, "02-review.png") });
    await Promise.all([page.waitForURL(/\/result$/), page.click("[data-testid=submit-assessment]")]);

    const badge = page.locator("[data-testid=level-badge]").first();
    const shownLevel = await badge.getAttribute("data-level");
    // The level shown is the engine's verdict on the answers now stored.
    const database = await openDatabase({ dialect: "sqlite", file: join(dataDir, "zhiping.sqlite") });
    const id = assessmentUrl.split("/").pop()!;
    const rows = await database.db.selectFrom("answer").select(["questionId", "value"]).where("assessmentId", "=", id).execute();
    const stored = await database.db.selectFrom("result").select(["level", "totalScore"]).where("assessmentId", "=", id).executeTakeFirstOrThrow();
    await database.close();
    const expected = score(getFramework("sme-digital-2024")!, Object.fromEntries(rows.map((r) => [r.questionId, JSON.parse(r.value)])), { industryType: "discrete" });
    expect(rows).toHaveLength(32);
    expect(stored.level).toBe(expected.level.value);
    expect(shownLevel).toBe(expected.level.value === null ? "" : String(expected.level.value));

    // chart.js has drawn the radar after hydration: count painted pixels read back from the canvas.
    const radar = page.locator("canvas[data-testid=radar]");
    await radar.scrollIntoViewIfNeeded();
    await expect.poll(() => painted(radar), { timeout: 10_000 }).toBeGreaterThan(5_000);
    await page.screenshot({ path: join(SHOTS, "03-result.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: join(SHOTS, "04-result-print.png"), fullPage: true });
    expect(await page.locator(".site-header").isVisible()).toBe(false); // the print stylesheet hides the chrome
    // The browser's own print to PDF, on A4 with the stylesheet's @page margins: a short report.
    const pdf = await page.pdf({ path: join(SHOTS, "report-a4.pdf"), format: "A4", preferCSSPageSize: true, printBackground: true });
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("saves a questionnaire page with JavaScript turned off (plain form post and redirect)", async () => {
    const { context, page } = await signedInWithoutScripts(browser, app.url, "owner@zhiping.demo");
    await page.goto(`${app.url}/assessments/demoorg01ff1/q`);
    const fieldset = page.locator("fieldset.question").first();
    await fieldset.locator("input[type=radio]").first().check();
    const pageUrl = page.url();
    await Promise.all([page.waitForURL((u) => u.href !== pageUrl), page.click("[data-testid=save-next]")]);
    await page.goto(pageUrl);
    expect(await page.locator("fieldset.question").first().locator("input[type=radio]").first().isChecked()).toBe(true);
    await page.screenshot({ path: join(SHOTS, "05-no-javascript.png") });
    await context.close();
  });

  it("a consultant adjusts one answer with a comment and signs off; the comparison shows the difference", async () => {
    const db = await openDatabase({ dialect: "sqlite", file: join(dataDir, "zhiping.sqlite") });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, app.url, "consultant@zhiping.demo");
    // the SME self-check submitted in the first test, by the enterprise the consultant was granted
    await page.goto(`${app.url}${assessmentUrl}/audit`);
    await page.screenshot({ path: join(SHOTS, "06-audit-start.png") });
    await Promise.all([page.waitForURL(/\/audit\/[a-z0-9-]+$/), page.getByRole("link", { name: "数字化基础" }).click()]);
    await page.screenshot({ path: join(SHOTS, "07-audit-page.png") });
    // Adjust the first answer of the page to something else than the enterprise said.
    const form = page.locator("form[data-testid^=audit-]").first();
    await form.locator('input[name=decision][value="adjust"]').check();
    const boxes = form.locator('input[type=checkbox][name^="a:"]');
    const radios = form.locator('input[type=radio][name^="a:"]:not(:checked)');
    if ((await boxes.count()) > 0) await boxes.first().click();
    else if ((await radios.count()) > 0) await radios.first().check();
    else await form.locator('input[type=text][name^="a:"]').fill("5");
    await form.locator("textarea[name=comment]").fill("现场核查：车间网络未全覆盖");
    await form.locator("textarea[name=evidenceChecked]").fill("网络拓扑图、现场检查");
    await Promise.all([page.waitForLoadState("load"), form.locator("button[type=submit]").click()]);
    await expect.poll(() => form.locator(".tag").last().textContent()).toBe("调整为");
    await page.goto(`${app.url}${assessmentUrl}/audit`);
    await page.screenshot({ path: join(SHOTS, "08-audit-sign-off.png") });
    await Promise.all([page.waitForURL(/\/compare$/), page.click("[data-testid=signoff]")]);
    await expect.poll(() => page.locator("h2").filter({ hasText: "差异" }).textContent()).toBe("差异 1 处");
    await page.screenshot({ path: join(SHOTS, "09-compare.png"), fullPage: true });
    const id = assessmentUrl.split("/").pop()!;
    const audits = await db.db.selectFrom("audit").select(["version", "status"]).where("assessmentId", "=", id).execute();
    expect(audits).toEqual([{ version: 1, status: "signed" }]);
    await db.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a user of enterprise B gets 404 on enterprise A's result", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, "b-owner@zhiping.demo");
    const response = await page.goto(`${app.url}${assessmentUrl}/result`);
    expect(response?.status()).toBe(404);
    const body = await page.locator("body").textContent();
    expect(body).toContain("找不到该页面或您无权访问");
    expect(body).not.toContain("宁波甬江精工");
    await page.screenshot({ path: join(SHOTS, "10-other-tenant-404.png") });
    await page.close();
  });
});
