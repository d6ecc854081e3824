// The learner's wallet in Chromium: certificates with their links, withdrawal of one certificate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
} from '../lib/stack.mjs';

describe('wallet page', { timeout: 120000 }, () => {
  let browser;
  let learner;
  let remaining;
  let withdrawn;

  before(async () => {
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    const issuer = await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName });
    const issuerClient = await signedInClient(issuer);
    learner = await createUser({ role: 'learner' });
    remaining = await issueCertificate(issuerClient, { microcredential_id: insulation.id, holder_email: learner.email.toUpperCase() });
    withdrawn = await issueCertificate(issuerClient, { microcredential_id: insulation.id, holder_email: learner.email });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  async function signIn(page) {
    await page.goto(`${baseUrl}/sign-in?next=/wallet`);
    await page.getByLabel('E-mail', { exact: true }).fill(learner.email);
    await page.getByLabel('Password', { exact: true }).fill(learner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/wallet');
  }

  test('lists certificates with links', async () => {
    const page = await newPage(browser);
    try {
      await signIn(page);
      await page.getByRole('heading', { name: 'My certificates', level: 1 }).waitFor();
      const cards = page.locator('.wallet__card');
      await cards.first().waitFor();
      assert.equal(await cards.count(), 2);

      const linkedin = page.getByRole('link', { name: 'Add to LinkedIn profile' }).first();
      assert.match(await linkedin.getAttribute('href'), /^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME&/);
      const pdf = page.getByRole('link', { name: 'Download PDF' }).first();
      assert.match(await pdf.getAttribute('href'), /\/certificate\.pdf$/);
      const share = page.getByLabel('Verification link to share').first();
      assert.match(await share.inputValue(), new RegExp(`^${baseUrl}/v/`));
      await saveScreenshot(page, 'wallet-desktop');
    } finally {
      await page.close();
    }
  });

  test('withdraws one certificate', async () => {
    const page = await newPage(browser, { viewport: { width: 360, height: 780 } });
    try {
      await signIn(page);
      const card = page.locator(`.wallet__card[data-certificate-id="${withdrawn.id}"]`);
      await card.getByRole('button', { name: 'Withdraw this certificate' }).click();
      await card.getByRole('button', { name: 'Withdraw and erase my data' }).click();
      await page.getByText('1 certificate', { exact: true }).waitFor();
      await saveScreenshot(page, 'wallet-phone');
    } finally {
      await page.close();
    }
    const verify = await new Client().get(`/api/v1/verify/${withdrawn.id}`);
    assert.equal(verify.json.status, 'withdrawn');
    assert.equal((await new Client().get(`/api/v1/verify/${remaining.id}`)).json.status, 'valid');
  });
});
