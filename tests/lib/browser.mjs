// Debian's headless Chromium through playwright-core, for the end-to-end suites. playwright-core
// never downloads a browser, so the tests use the Chromium that CHROMIUM_PATH names.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const root = process.env.MIC_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Folder of the screenshots that the end-to-end tests take, for a person to look at. */
export const screenshotDir = path.join(root, 'var/test/screenshots');

/** Milliseconds that a locator waits for an element before the action fails. */
export const ACTION_TIMEOUT_MS = 15000;

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens a page in a new context; contextOptions go to browser.newContext. */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return page;
}

/**
 * Saves a screenshot as screenshotDir/NAME.png and returns its path. It shows the whole page
 * unless fullPage is false, which keeps only what the viewport shows.
 */
export async function saveScreenshot(page, name, { fullPage = true } = {}) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
