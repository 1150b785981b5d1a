// Opens a local HTML file in Debian's Chromium (/usr/bin/chromium) through playwright-core, headless,
// with a fresh user-data dir and every background service off; never downloads a browser. Records
// console errors, page errors and every request other than the page itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.HARNESS_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface OpenedPage {
  page: Page;
  consoleErrors: string[];
  /** Requests for anything but the page's own file URL (each one is a failure: the page must be self-contained). */
  foreignRequests: string[];
  close(): Promise<void>;
}

export async function openInChromium(htmlFile: string): Promise<OpenedPage> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 900 },
    });
    const url = pathToFileURL(path.resolve(htmlFile)).href;
    const consoleErrors: string[] = [];
    const foreignRequests: string[] = [];
    // Block and record anything but the page itself, so a stray fetch can neither succeed nor go unseen.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      foreignRequests.push(u);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (r.url() !== url && !foreignRequests.includes(r.url())) foreignRequests.push(r.url()); });
    await page.goto(url, { waitUntil: 'load' });
    const ctx = context;
    return {
      page,
      consoleErrors,
      foreignRequests,
      async close() {
        await ctx.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
