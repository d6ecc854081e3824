// The main journey through the SPA in Chromium: catalogue, search, a micro-credential, sign-in,
// issuing a certificate, its QR code, public verification, revocation and an unknown id.
// The steps share one browser and run in order; after a failed step the rest are skipped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { decodeQrPng } from '../lib/qr.mjs';
import { Client, INSULATION_TITLE, baseUrl, createUser, uniqueEmail } from '../lib/stack.mjs';

const PV_TITLE = 'Installing photovoltaic systems on residential roofs';
const FIRST_OUTCOME = 'Compare mineral wool, wood fibre and cellulose insulation for timber-frame walls';
const HOLDER_NAME = 'Zoë Nuñez-Ștefănescu';
const REASON = 'Issued to the wrong holder: the assessment belongs to another learner';

describe('journey', { timeout: 180000 }, () => {
  let browser;
  let page;
  // The anonymous visitor's page, opened from the QR code and reloaded after the revocation.
  let visitor;
  let coordinator;
  let certificateId;
  let verifyUrl;
  let stepFailed = false;

  /** Defines a test that is skipped once an earlier step has failed, because it builds on that step. */
  function step(name, fn) {
    test(name, async (t) => {
      if (stepFailed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (error) {
        stepFailed = true;
        if (page) await saveScreenshot(page, `journey-failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
        throw error;
      }
    });
  }

  before(async () => {
    coordinator = await createUser({ role: 'coordinator', name: 'Journey Coordinator' });
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  step('catalogue shows demo title', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: INSULATION_TITLE }).waitFor();
    await saveScreenshot(page, 'journey-1-catalogue');
  });

  step('search narrows catalogue', async () => {
    const search = page.getByRole('searchbox');
    await search.fill('monocrystalline');
    await search.press('Enter');

    await page.getByRole('link', { name: PV_TITLE }).waitFor();
    await page.getByRole('link', { name: INSULATION_TITLE }).waitFor({ state: 'detached' });
    await saveScreenshot(page, 'journey-2-search');
  });

  step('micro-credential shows outcomes', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: INSULATION_TITLE }).click();

    await page.getByRole('heading', { name: INSULATION_TITLE }).waitFor();
    await page.getByText(FIRST_OUTCOME).waitFor();
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'Handle fibrous insulation safely' }).count() >= 1, true);
    await saveScreenshot(page, 'journey-3-microcredential');
  });

  step('sign in through form', async () => {
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('E-mail', { exact: true }).fill(coordinator.email);
    await page.getByLabel('Password', { exact: true }).fill(coordinator.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    const meStatus = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
    assert.equal(meStatus, 200);
  });

  step('issue a certificate', async () => {
    await page.getByRole('link', { name: /^(Issue a certificate|New certificate)$/ }).first().click();
    await page.getByRole('heading', { name: 'Issue a certificate' }).waitFor();

    await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
    await page.getByLabel('Holder name', { exact: true }).fill(HOLDER_NAME);
    await page.getByLabel('Holder e-mail', { exact: true }).fill(uniqueEmail('journey'));
    await saveScreenshot(page, 'journey-4-issue-form');
    await page.getByRole('button', { name: 'Issue', exact: true }).click();

    await page.waitForURL(/\/certificates\/[0-9a-z]{20}$/);
    certificateId = new URL(page.url()).pathname.split('/').pop();
    await page.getByText(HOLDER_NAME, { exact: true }).first().waitFor();
    await page.getByText(INSULATION_TITLE).first().waitFor();
  });

  step('QR code decodes to verify URL', async () => {
    const qr = page.locator('img[src$="/qr.svg"]');
    await qr.waitFor();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await qr.elementHandle());
    await saveScreenshot(page, 'journey-5-certificate');

    const png = await qr.screenshot();
    verifyUrl = decodeQrPng(png);

    assert.equal(verifyUrl, `${baseUrl}/v/${certificateId}`);
  });

  step('verify page shows valid', async () => {
    visitor = await newPage(browser);
    const response = await visitor.goto(verifyUrl);
    assert.equal(response.status(), 200);

    await visitor.locator('[data-status="valid"]').first().waitFor();
    assert.equal((await visitor.locator('[data-status]').first().innerText()).trim(), 'Valid');
    await visitor.getByText(HOLDER_NAME, { exact: true }).first().waitFor();
    await visitor.getByText(INSULATION_TITLE).first().waitFor();
    await saveScreenshot(visitor, 'journey-6-verify-valid');
  });

  step('revoke with a reason', async () => {
    const reason = page.getByLabel('Reason for revocation', { exact: true });
    if (!(await reason.isVisible())) await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await reason.fill(REASON);
    const confirm = page.getByRole('button', { name: 'Confirm revocation', exact: true });
    if (!(await confirm.isVisible())) await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await confirm.click();

    await page.locator('[data-status="revoked"]').first().waitFor();
    await page.getByText(REASON).first().waitFor();
    await saveScreenshot(page, 'journey-7-revoked');
  });

  step('verify page shows revoked', async () => {
    await visitor.reload();

    await visitor.locator('[data-status="revoked"]').first().waitFor();
    assert.equal((await visitor.locator('[data-status]').first().innerText()).trim(), 'Revoked');
    await visitor.getByText(REASON).first().waitFor();
    assert.equal(await visitor.locator('[data-status="valid"]').count(), 0);
    await saveScreenshot(visitor, 'journey-8-verify-revoked');
  });

  step('API agrees with the page', async () => {
    const response = await new Client().get(`/api/v1/verify/${certificateId}`);

    assert.equal(response.json.status, 'revoked');
    assert.equal(response.json.holder.name, HOLDER_NAME);
    assert.equal(response.json.revocation_reason, REASON);
  });

  test('unknown id shows not found', async () => {
    const visitor = await newPage(browser);
    try {
      const response = await visitor.goto(`${baseUrl}/v/zzzzzzzzzzzzzzzzzzzz`);
      assert.equal(response.status(), 404);

      const status = visitor.locator('[data-status="not_found"]').first();
      await status.waitFor();
      assert.equal((await status.innerText()).trim(), 'Not found');
      await saveScreenshot(visitor, 'journey-9-not-found');
    } finally {
      await visitor.context().close();
    }
  });
});
