// The public verification page /v/{id} in Chromium: without JavaScript, on a phone screen, and
// under the Content-Security-Policy that nginx sets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
} from '../lib/stack.mjs';

const HOLDER_NAME = 'Γεώργιος Παπαδόπουλος';

describe('verify page', { timeout: 180000 }, () => {
  let browser;
  let certificate;
  let insulation;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    certificate = await issueCertificate(coordinator, { microcredential_id: insulation.id, holder_name: HOLDER_NAME });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('page works without JavaScript', async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    try {
      const response = await page.goto(certificate.verify_url);
      assert.equal(response.status(), 200);

      const status = page.locator('[data-status="valid"]').first();
      assert.equal(await status.isVisible(), true, 'no visible element with data-status="valid"');
      assert.equal((await status.innerText()).trim(), 'Valid');
      assert.equal(await page.getByText(HOLDER_NAME, { exact: true }).first().isVisible(), true);
      assert.equal(await page.getByText(INSULATION_TITLE).first().isVisible(), true);
      await saveScreenshot(page, 'verify-no-javascript');
    } finally {
      await page.context().close();
    }
  });

  test('unknown id without JavaScript', async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    try {
      const response = await page.goto(`${baseUrl}/v/zzzzzzzzzzzzzzzzzzzz`);
      assert.equal(response.status(), 404);

      const status = page.locator('[data-status="not_found"]').first();
      assert.equal(await status.isVisible(), true);
      assert.equal((await status.innerText()).trim(), 'Not found');
    } finally {
      await page.context().close();
    }
  });

  test('status visible on phone', async () => {
    const viewport = { width: 360, height: 740 };
    const page = await newPage(browser, { viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      await page.goto(certificate.verify_url);
      await page.waitForLoadState('networkidle');
      const status = page.locator('[data-status="valid"]').first();
      await status.waitFor();
      const box = await status.boundingBox();

      assert.equal(await page.evaluate(() => window.scrollY), 0);
      assert.ok(box, 'the status element has no box');
      assert.ok(box.y >= 0, `status starts above the screen at y=${box.y}`);
      assert.ok(box.y + box.height <= viewport.height, `status ends below the screen at y=${box.y + box.height}`);
      assert.ok(box.x >= 0, `status starts left of the screen at x=${box.x}`);
      assert.ok(box.x + box.width <= viewport.width, `status ends right of the screen at x=${box.x + box.width}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
      await saveScreenshot(page, 'verify-phone', { fullPage: false });
    } finally {
      await page.context().close();
    }
  });

  test('pages load without CSP violations', async () => {
    const page = await newPage(browser);
    const violations = [];
    const errors = [];
    page.on('console', (message) => {
      if (/content[- ]security[- ]policy/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    try {
      const paths = ['/', `/microcredentials/${insulation.id}`, '/sign-in', new URL(certificate.verify_url).pathname, '/v/zzzzzzzzzzzzzzzzzzzz'];
      for (const path of paths) {
        const response = await page.goto(`${baseUrl}${path}`);
        const policy = response.headers()['content-security-policy'];

        assert.ok(policy, `${path} has no Content-Security-Policy header`);
        assert.match(policy, /default-src 'self'/, path);
        assert.match(policy, /script-src 'self'/, path);
        assert.equal(/unsafe-inline|unsafe-eval/.test(policy), false, `${path}: ${policy}`);
        await page.waitForLoadState('networkidle');
        await page.locator('#app *').first().waitFor();
      }

      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
    } finally {
      await page.context().close();
    }
  });
});
