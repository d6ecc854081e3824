// The bulk issue page in Chromium at phone width: pick a CSV file, read the dry-run report, start
// the job, watch the progress bar reach 100 % and open a certificate from the results.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  randomToken,
  sqlString,
  sqlValue,
} from '../lib/stack.mjs';

const ROWS = 300;

describe('bulk issue page', { timeout: 120000 }, () => {
  let browser;
  let issuer;
  let folder;

  before(async () => {
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    issuer = await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName });
    folder = await mkdtemp(path.join(tmpdir(), 'mic-bulk-'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('unknown column shown as warning', async () => {
    const marker = randomToken(8);
    const file = path.join(folder, 'with-notes.csv');
    await writeFile(file, `Name,E-mail,Notes\nAna Notes ${marker},notes.${marker}@example.org,second cohort\n`);

    const page = await newPage(browser);
    try {
      await signInThroughForm(page, issuer);
      await page.goto(`${baseUrl}/issue/bulk`);
      await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
      await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
      await page.getByRole('button', { name: 'Check the file', exact: true }).click();

      await page.getByText('1 row, as read from the file').waitFor();
      const warning = page.locator('.bulk__report .alert--info');
      assert.equal(await warning.count(), 1);
      assert.match(await warning.innerText(), /^The column "Notes" is not one that MIC reads, so its values are ignored\./);
      // The warning does not block: the row is ready and the issue button is offered.
      assert.equal(await page.locator('.bulk__row--invalid').count(), 0);
      await page.getByRole('button', { name: 'Issue 1 certificate', exact: true }).waitFor();
      await saveScreenshot(page, 'bulk-issue-unknown-column', { fullPage: false });
    } finally {
      await page.context().close();
    }
  });

  test('row problems name the columns', async () => {
    const file = path.join(folder, 'problems.csv');
    await writeFile(file, 'Learner;Mail;"Issue date"\n;not-an-address;01/01/2099\n');

    const page = await newPage(browser);
    try {
      await signInThroughForm(page, issuer);
      await page.goto(`${baseUrl}/issue/bulk`);
      // The page lists the headers that the server sends, once they have arrived.
      await page.locator('.bulk__headers dd[data-field="evidence_url"]').waitFor();
      const headers = await page.locator('.bulk__headers').innerText();
      assert.ok(headers.includes('"Recipient e-mail"'), headers);
      assert.ok(headers.includes('"Date of issue"'), headers);
      assert.ok(headers.includes('"Student ID"'), headers);
      assert.ok(headers.includes('Holder name (required)'), headers);
      const fromServer = await page.evaluate(async () => (await (await fetch('/api/v1/bulk-issues/columns')).json()).columns);
      const onPage = await page.locator('.bulk__headers dd').evaluateAll((cells) => cells.map((cell) => [cell.dataset.field, cell.textContent]));
      assert.deepEqual(onPage, fromServer.map((column) => [column.field, column.headers.map((header) => `"${header}"`).join(', ')]));

      await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
      await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
      await page.getByRole('button', { name: 'Check the file', exact: true }).click();
      await page.getByText('1 row, as read from the file').waitFor();

      const problems = await page.locator('tr[data-line="2"] .bulk__problems li').allInnerTexts();
      assert.ok(problems.includes('"Learner" is missing'), problems.join(' | '));
      assert.ok(problems.includes('"Mail" must be an e-mail address such as ana@example.org'), problems.join(' | '));
      assert.ok(problems.includes('"Issue date" must not be in the future'), problems.join(' | '));
      for (const problem of problems) assert.doesNotMatch(problem, /holder_|issued_on/, problem);
      await saveScreenshot(page, 'bulk-issue-row-problems', { fullPage: false });
    } finally {
      await page.context().close();
    }
  });

  test('file checked, issued and listed', async () => {
    const marker = randomToken(8);
    let csv = '\ufeffHolder name;E-mail;External reference\r\n';
    for (let i = 1; i <= ROWS; i++) csv += `Ștefan Bulk ${marker} ${i};bulk.${marker}.${i}@example.org;${marker}-${i}\r\n`;
    const file = path.join(folder, 'holders.csv');
    await writeFile(file, csv);

    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('E-mail', { exact: true }).fill(issuer.email);
      await page.getByLabel('Password', { exact: true }).fill(issuer.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

      await page.goto(`${baseUrl}/issue`);
      await page.getByRole('link', { name: 'Issue many certificates from a CSV file' }).click();
      await page.waitForURL((url) => url.pathname === '/issue/bulk');
      await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
      await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
      await page.getByRole('button', { name: 'Check the file', exact: true }).click();

      await page.getByText(`${ROWS} rows, as read from the file`).waitFor();
      assert.equal(await page.locator('.bulk__report tbody tr').count(), ROWS);
      assert.equal(await page.locator('.bulk__row--invalid').count(), 0);
      assert.equal(await page.locator('.bulk__report .alert').count(), 0, 'a file of known columns got a warning');
      assert.equal(await page.locator('tr[data-line="2"] td').nth(1).textContent(), `Ștefan Bulk ${marker} 1`);
      await saveScreenshot(page, 'bulk-issue-report', { fullPage: false });
      assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE bulk_reference LIKE ${sqlString(`${marker}-%`)}`), '0');

      await page.getByRole('button', { name: `Issue ${ROWS} certificates`, exact: true }).click();
      await page.locator('.bulk__bar[data-percent="100"]').waitFor({ timeout: 60000 });
      await page.getByText(`Issued ${ROWS} certificates`).waitFor();
      await page.locator('.bulk__job h2').scrollIntoViewIfNeeded();
      await saveScreenshot(page, 'bulk-issue-results', { fullPage: false });

      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the page is ${width}px wide at a 390px viewport`);
      assert.equal(await page.locator('.bulk__results tbody tr').count(), ROWS);
      assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE bulk_reference LIKE ${sqlString(`${marker}-%`)}`), String(ROWS));

      const link = page.locator('.bulk__results tbody tr').first().getByRole('link');
      const id = await link.textContent();
      await link.click();
      await page.waitForURL((url) => url.pathname === `/certificates/${id}`);
      await page.getByText(`Ștefan Bulk ${marker} 1`, { exact: true }).first().waitFor();
    } finally {
      await page.context().close();
    }
  });
});
