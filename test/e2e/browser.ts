// The browser side of the end-to-end tests: Chromium as the tests launch it, signing in as a demo user,
// the page errors a test must see none of, and what chart.js has painted on a canvas.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../scripts/cli/demo-data";

/** Headless Chromium without the background traffic and GPU a test machine does not have. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Sign in on the login form with the demo password and wait until the app has moved past /login. */
export async function signIn(page: Page, appUrl: string, email: string): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await page.fill("#email", email);
  await page.fill("#password", DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("button[type=submit]")]);
}

/** A page of its own context with JavaScript turned off, signed in: the app as a browser without scripts gets it. */
export async function signedInWithoutScripts(browser: Browser, appUrl: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, appUrl, email);
  return { context, page };
}

/** Uncaught errors and console errors on the page from now on (a test expects the list to stay empty). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

/** Pixels chart.js has painted (alpha > 0) on a canvas. */
export function painted(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}
