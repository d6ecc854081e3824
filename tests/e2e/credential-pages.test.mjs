// The signed-credential pages in Chromium: the download link on the certificate page, the checks
// on /v/{id} (also styled when no script runs), and verifying an uploaded credential file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import { Client, INSULATION_TITLE, baseUrl, createUser, issueCertificate, microcredentialId, signedInClient } from '../lib/stack.mjs';

const HOLDER = 'Ioana Ștefănescu-Ødegård';

describe('credential pages', { timeout: 180000 }, () => {
  let browser;
  let coordinator;
  let certificate;
  let credentialText;
  let folder;

  before(async () => {
    const account = await createUser({ role: 'coordinator' });
    coordinator = { account, client: await signedInClient(account) };
    certificate = await issueCertificate(coordinator.client, {
      microcredential_id: await microcredentialId(INSULATION_TITLE),
      holder_name: HOLDER,
    });
    const download = await new Client().get(`/api/v1/verify/${certificate.id}/credential.json`);
    assert.equal(download.status, 200, download.text);
    credentialText = download.text;
    folder = await mkdtemp(path.join(tmpdir(), 'mic-credential-'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('certificate page links credential', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinator.account);
      await page.goto(`${baseUrl}/certificates/${certificate.id}`);
      const link = page.getByRole('link', { name: 'Download credential (JSON)' });
      await link.waitFor();
      assert.equal(await link.getAttribute('href'), `/api/v1/verify/${certificate.id}/credential.json`);

      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = path.join(folder, 'downloaded.json');
      await download.saveAs(file);
      const saved = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
      assert.equal(saved.id, `${baseUrl}/v/${certificate.id}`);
      assert.equal(saved.proof.cryptosuite, 'eddsa-rdfc-2022');
    } finally {
      await page.context().close();
    }
  });

  test('verify page lists checks', async () => {
    const page = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true });
    try {
      await page.goto(`${baseUrl}/v/${certificate.id}`);
      await page.locator('[data-status="valid"]').first().waitFor();
      const checks = page.locator('.verify__check');
      await page.waitForFunction(() => document.querySelectorAll('main .verify__check').length === 4);
      assert.deepEqual(await checks.evaluateAll((items) => items.map((li) => li.dataset.check)),
        ['record', 'signature', 'revocation', 'expiry']);
      assert.deepEqual(await checks.evaluateAll((items) => items.map((li) => li.dataset.result)),
        ['passed', 'passed', 'passed', 'passed']);
      assert.match(await checks.nth(1).innerText(), /^Passed: /);
      await saveScreenshot(page, 'credential-verify-checks');
    } finally {
      await page.context().close();
    }
  });

  test('server markup styled without script', async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(`${baseUrl}/v/${certificate.id}`);
      const check = page.locator('.verify__check[data-check="signature"]');
      await check.waitFor();
      const style = await check.evaluate((li) => {
        const marker = getComputedStyle(li, '::before');
        return { padding: getComputedStyle(li).paddingLeft, marker: marker.content, background: marker.backgroundColor };
      });
      assert.equal(style.padding, '41.6px');
      assert.equal(style.marker, '"✓"');
      assert.equal(style.background, 'rgb(23, 114, 58)');
    } finally {
      await page.context().close();
    }
  });

  test('verify file shows checks', async () => {
    const genuine = path.join(folder, 'genuine.json');
    await writeFile(genuine, credentialText);
    const tampered = path.join(folder, 'tampered.json');
    const changed = JSON.parse(credentialText);
    changed.name = `${changed.name}!`;
    await writeFile(tampered, JSON.stringify(changed));
    const notJson = path.join(folder, 'photo.json');
    await writeFile(notJson, 'GIF89a');

    const page = await newPage(browser);
    try {
      await page.goto(`${baseUrl}/`);
      await page.getByRole('link', { name: 'Verify a file' }).click();
      await page.getByRole('heading', { name: 'Verify a credential file' }).waitFor();

      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.getByText('Choose a credential file first.').waitFor();

      await page.getByLabel('Credential file (JSON)').setInputFiles(notJson);
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.getByText(/This file is not JSON/).waitFor();

      await page.getByLabel('Credential file (JSON)').setInputFiles(genuine);
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.locator('.verify__status[data-status="valid"]').waitFor();
      await page.getByText(HOLDER, { exact: true }).waitFor();
      assert.deepEqual(await page.locator('.verify__check').evaluateAll((items) => items.map((li) => li.dataset.result)),
        ['passed', 'passed', 'passed', 'passed']);
      await page.getByRole('link', { name: `/v/${certificate.id}` }).waitFor();
      await saveScreenshot(page, 'credential-verify-file-valid');

      await page.getByLabel('Credential file (JSON)').setInputFiles(tampered);
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.locator('.verify__status[data-status="invalid"]').waitFor();
      assert.equal((await page.locator('.verify__status').innerText()).trim(), 'Signature invalid');
      const signature = page.locator('.verify__check[data-check="signature"]');
      assert.equal(await signature.getAttribute('data-result'), 'failed');
      assert.match(await signature.innerText(), /^Failed: /);
      await saveScreenshot(page, 'credential-verify-file-invalid');
    } finally {
      await page.context().close();
    }
  });
});
