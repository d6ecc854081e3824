// Calendar days whatever the viewer's time zone. Certificates are issued on a stack whose clock
// starts at instants around midnight and the daylight-saving changes in Brussels (see
// tests/lib/shifted-stack.mjs), then the API's *_on fields, the PDF, the server-rendered /v/{id}
// page and the SPA's verification, certificate and wallet pages are read in Chromium contexts set
// to America/Los_Angeles, Pacific/Kiritimati (UTC+14) and Asia/Tokyo. Each must show the calendar
// day in Europe/Brussels, the alliance's default time zone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { ShiftedStack } from '../lib/shifted-stack.mjs';
import { INSULATION_TITLE, brusselsDay, sqlString } from '../lib/stack.mjs';

const execFileAsync = promisify(execFile);

// In ascending order, because the stack's clock must only move forward. validUntil is either an
// instant or a date, which the backend takes as the end of that day in Brussels.
const CASES = [
  // Brussels 00:30 on 29 March 2026, the day the clocks go forward; expires 00:30 on 28 March 2027, the same kind of day.
  { issuedAt: '2026-03-28T23:30:00Z', issuedOn: '2026-03-29', validUntil: '2027-03-27T23:30:00Z', validUntilOn: '2027-03-28' },
  // Brussels 00:59 on 16 July 2026 (CEST, UTC+2).
  { issuedAt: '2026-07-15T22:59:00Z', issuedOn: '2026-07-16', validUntil: '2027-07-15T22:59:00Z', validUntilOn: '2027-07-16' },
  // Brussels 00:30 on 25 October 2026, still CEST, the day the clocks go back; expires at the end of 31 October 2027 in Brussels.
  { issuedAt: '2026-10-24T22:30:00Z', issuedOn: '2026-10-25', validUntil: '2027-10-31', validUntilOn: '2027-10-31' },
  // Brussels 00:30 on 26 October 2026, CET (UTC+1).
  { issuedAt: '2026-10-25T23:30:00Z', issuedOn: '2026-10-26', validUntil: '2027-10-30T22:30:00Z', validUntilOn: '2027-10-31' },
  // Brussels 00:30 on 1 January 2027, still 31 December in UTC.
  { issuedAt: '2026-12-31T23:30:00Z', issuedOn: '2027-01-01', validUntil: '2027-12-31T23:30:00Z', validUntilOn: '2028-01-01' },
];

const VIEWER_ZONES = ['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Tokyo'];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

/** "2026-03-29" written out as the PDF and the English SPA (British English dates) write it: "29 March 2026". */
function longDay(day) {
  const [year, month, mday] = day.split('-').map(Number);
  return `${mday} ${MONTHS[month - 1]} ${year}`;
}

/** Reads every <time> element under scope as {datetime, text}. */
function timesIn(scope) {
  return scope.locator('time').evaluateAll((items) => items.map((el) => ({ datetime: el.getAttribute('datetime'), text: el.textContent.trim() })));
}

/** Asserts that the SPA shows exactly the days expected, each written out as the day itself. */
async function assertSpaDays(page, scope, expected, what) {
  const shown = await timesIn(scope);
  assert.deepEqual(shown.map((t) => t.datetime), expected, `${what}: days`);
  for (const { datetime, text } of shown) {
    assert.equal(text, longDay(datetime), `${what}: text of ${datetime}`);
  }
}

describe('calendar days in any viewer time zone', { timeout: 600000 }, () => {
  const stack = new ShiftedStack('calendar-days');
  let browser;
  let folder;
  let coordinator;
  let learner;
  const issued = [];

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'mic-calendar-days-'));
    for (const [i, c] of CASES.entries()) {
      await stack.up(c.issuedAt);
      coordinator = await stack.demoAccount('coordinator');
      learner = await stack.demoAccount('learner');
      const session = await stack.session(coordinator);
      const [[microcredentialId]] = await stack.sql(`SELECT id FROM microcredentials WHERE title = ${sqlString(INSULATION_TITLE)}`);
      const response = await session('POST', '/api/v1/certificates', {
        microcredential_id: Number(microcredentialId),
        holder_name: `Calendar Day ${i + 1}`,
        holder_email: learner.email,
        valid_until: c.validUntil,
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      issued.push({ ...c, certificate: response.body });
      if (i < CASES.length - 1) await stack.down();
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack.down();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('issue instants are the shifted ones', () => {
    for (const { issuedAt, certificate } of issued) {
      const lag = Date.parse(certificate.issued_at) - Date.parse(issuedAt);
      assert.ok(lag >= 0, `${certificate.issued_at} is not before ${issuedAt}`);
      assert.ok(lag < 120000, `${certificate.issued_at} is within two minutes of ${issuedAt}`);
    }
  });

  test('API *_on fields are Brussels days', async () => {
    const session = await stack.session(coordinator);
    const wallet = await (await stack.session(learner))('GET', '/api/v1/wallet');
    assert.equal(wallet.status, 200);
    for (const { issuedOn, validUntilOn, certificate } of issued) {
      assert.equal(brusselsDay(certificate.issued_at), issuedOn, 'the expected day is the Brussels day');
      assert.equal(certificate.issued_on, issuedOn, `issued_on in the issue response of ${certificate.id}`);
      assert.equal(certificate.valid_until_on, validUntilOn, `valid_until_on in the issue response of ${certificate.id}`);

      const details = await session('GET', `/api/v1/certificates/${certificate.id}`);
      assert.equal(details.body.issued_on, issuedOn, `issued_on of GET /api/v1/certificates/${certificate.id}`);
      assert.equal(details.body.valid_until_on, validUntilOn, `valid_until_on of GET /api/v1/certificates/${certificate.id}`);

      const verification = await session('GET', `/api/v1/verify/${certificate.id}`);
      assert.equal(verification.body.status, 'valid');
      assert.equal(verification.body.issued_on, issuedOn, `issued_on of GET /api/v1/verify/${certificate.id}`);
      assert.equal(verification.body.valid_until_on, validUntilOn, `valid_until_on of GET /api/v1/verify/${certificate.id}`);
      const expiry = verification.body.checks.find((check) => check.check === 'expiry');
      assert.equal(expiry.message, `Not expired; expires on ${longDay(validUntilOn)}.`, `expiry check of ${certificate.id}`);

      const item = wallet.body.items.find((candidate) => candidate.id === certificate.id);
      assert.equal(item.issued_on, issuedOn, `issued_on in the wallet of ${certificate.id}`);
      assert.equal(item.valid_until_on, validUntilOn, `valid_until_on in the wallet of ${certificate.id}`);
    }
  });

  test('PDF shows Brussels days', async () => {
    const session = await stack.session(learner);
    for (const { issuedOn, validUntilOn, certificate } of issued) {
      const pdf = await session('GET', `/api/v1/certificates/${certificate.id}/certificate.pdf`);
      assert.equal(pdf.status, 200, `PDF of ${certificate.id}`);
      const file = path.join(folder, `${certificate.id}.pdf`);
      await writeFile(file, pdf.body);
      const { stdout } = await execFileAsync('pdftotext', ['-layout', file, '-']);
      const text = stdout.replace(/\s+/g, ' ');
      assert.ok(text.includes(longDay(issuedOn)), `the PDF of ${certificate.id} shows ${longDay(issuedOn)}: ${text}`);
      assert.ok(text.includes(longDay(validUntilOn)), `the PDF of ${certificate.id} shows ${longDay(validUntilOn)}: ${text}`);
    }
  });

  for (const timezoneId of VIEWER_ZONES) {
    test(`pages in ${timezoneId} show Brussels days`, async () => {
      const plain = await newPage(browser, { timezoneId, javaScriptEnabled: false });
      const spa = await newPage(browser, { timezoneId });
      try {
        const offset = await spa.evaluate(() => new Date('2026-07-01T12:00:00Z').getTimezoneOffset());
        assert.notEqual(offset, -120, 'the browser context is not in Brussels summer time');

        for (const { issuedOn, validUntilOn, certificate } of issued) {
          await plain.goto(`${stack.baseUrl}/v/${certificate.id}`);
          const facts = await plain.locator('.verify__facts dt').evaluateAll((dts) =>
            Object.fromEntries(dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
          assert.equal(facts['Issue date'], longDay(issuedOn), `/v/${certificate.id} without JavaScript: issue date`);
          assert.equal(facts['Valid until'], longDay(validUntilOn), `/v/${certificate.id} without JavaScript: valid until`);
          assert.equal(await plain.locator('[data-check="signature"]').first().getAttribute('data-result'), 'passed');

          await spa.goto(`${stack.baseUrl}/v/${certificate.id}`);
          await spa.locator('.verify__status[data-status="valid"]').waitFor();
          await spa.locator('.verify__facts time').first().waitFor();
          await assertSpaDays(spa, spa.locator('.verify__facts'), [issuedOn, validUntilOn], `SPA /v/${certificate.id}`);
          assert.equal(await spa.locator('[data-check="signature"]').first().getAttribute('data-result'), 'passed');
        }
        await saveScreenshot(spa, `calendar-days-verify-${timezoneId.replace('/', '-')}`);
      } finally {
        await plain.context().close();
        await spa.context().close();
      }
    });

    test(`signed-in pages in ${timezoneId} show Brussels days`, async () => {
      const page = await newPage(browser, { timezoneId });
      try {
        await page.goto(`${stack.baseUrl}/sign-in`);
        await page.getByLabel('E-mail', { exact: true }).fill(coordinator.email);
        await page.getByLabel('Password', { exact: true }).fill(coordinator.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
        for (const { issuedOn, validUntilOn, certificate } of issued) {
          await page.goto(`${stack.baseUrl}/certificates/${certificate.id}`);
          await page.locator('.cert__facts time').first().waitFor();
          await assertSpaDays(page, page.locator('.cert__facts'), [issuedOn, validUntilOn], `/certificates/${certificate.id}`);
        }
      } finally {
        await page.context().close();
      }

      const wallet = await newPage(browser, { timezoneId });
      try {
        await wallet.goto(`${stack.baseUrl}/sign-in`);
        await wallet.getByLabel('E-mail', { exact: true }).fill(learner.email);
        await wallet.getByLabel('Password', { exact: true }).fill(learner.password);
        await wallet.getByRole('button', { name: 'Sign in', exact: true }).click();
        await wallet.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
        await wallet.goto(`${stack.baseUrl}/wallet`);
        for (const { issuedOn, validUntilOn, certificate } of issued) {
          const card = wallet.locator(`[data-certificate-id="${certificate.id}"]`);
          await card.waitFor();
          await assertSpaDays(wallet, card, [issuedOn, validUntilOn], `wallet card of ${certificate.id}`);
        }
        await saveScreenshot(wallet, `calendar-days-wallet-${timezoneId.replace('/', '-')}`);
      } finally {
        await wallet.context().close();
      }
    });
  }
});
