// "Verify a file" in Chromium with credentials whose Bitstring Status List cannot be read: the
// page shows the revocation check as not checked and the credential as not fully checked, never
// as valid.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signWithStackKey } from '../lib/credentials.mjs';
import { INSULATION_TITLE, baseUrl, createUser, demoMicrocredential, issueCertificate, signedInClient } from '../lib/stack.mjs';

describe('verify file with unreadable status list', { timeout: 180000 }, () => {
  let browser;
  let folder;
  let credential;

  before(async () => {
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const response = await fetch(`${baseUrl}/api/v1/verify/${certificate.id}/credential.json`);
    assert.equal(response.status, 200);
    credential = await response.json();
    folder = await mkdtemp(path.join(tmpdir(), 'mic-status-list-'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  // Each credential is signed again after its status list URL changed, so that the signature
  // check passes and only the status list keeps the credential from "valid".
  const cases = [
    { name: 'foreign-list', url: 'https://status.invalid/lists/1', reason: /does not fetch status lists from other servers/ },
    { name: 'missing-list', url: () => `${baseUrl}/status/999000`, reason: /has no status list at the credential's status list URL/ },
  ];

  for (const { name, url, reason } of cases) {
    test(`${name} is not checked`, async () => {
      const unsigned = structuredClone(credential);
      unsigned.credentialStatus.statusListCredential = typeof url === 'function' ? url() : url;
      unsigned.credentialStatus.id = `${unsigned.credentialStatus.statusListCredential}#${unsigned.credentialStatus.statusListIndex}`;
      const file = path.join(folder, `${name}.json`);
      await writeFile(file, JSON.stringify(await signWithStackKey(unsigned)));

      const page = await newPage(browser);
      try {
        await page.goto(`${baseUrl}/verify-file`);
        await page.getByLabel('Credential file (JSON)').setInputFiles(file);
        await page.getByRole('button', { name: 'Verify', exact: true }).click();
        const status = page.locator('.verify__status');
        await status.waitFor();
        assert.equal(await status.getAttribute('data-status'), 'unknown');
        assert.equal((await status.innerText()).trim(), 'Not fully checked');
        assert.equal(await page.locator('[data-status="valid"]').count(), 0, 'nothing on the page says valid');

        const signature = page.locator('.verify__check[data-check="signature"]');
        assert.equal(await signature.getAttribute('data-result'), 'passed');
        const revocation = page.locator('.verify__check[data-check="revocation"]');
        assert.equal(await revocation.getAttribute('data-result'), 'not_checked');
        const text = await revocation.innerText();
        assert.match(text, /^Could not be checked: /);
        assert.match(text, reason);
        await saveScreenshot(page, `verify-file-${name}`);
      } finally {
        await page.context().close();
      }
    });
  }
});
