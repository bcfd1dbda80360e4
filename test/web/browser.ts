// Test helper: Debian's Chromium driven by playwright-core (no browser download): headless, no sandbox (CI runs
// as root), no GPU, nothing that talks to the network, a fresh profile per launch. CHROMIUM may name another
// executable. `requests` collects every URL a page asked for, so tests can check that nothing left the disk.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** A browser context with a fresh profile directory (playwright passes it as --user-data-dir). */
export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "tessera-chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Open a file from disk (file://); returns the page, the URLs it requested and the errors it raised. */
export async function openFile(browser: BrowserContext, file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => void requests.push(r.url()));
  page.on("pageerror", (e) => void errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector("body[data-ready=true]");
  return { page, requests, errors };
}
