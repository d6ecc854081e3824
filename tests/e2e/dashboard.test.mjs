// The dashboard in Chromium. The work queues list the micro-credential versions waiting for
// validation, with the promoting organisation, the reviewers and the wait in plain words. The
// figures are charts drawn from the rows of the figures API. The outbox writes e-mail kinds in words.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { createSecurityFixture } from '../lib/security-fixture.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  randomToken,
  signedInClient,
  sql,
  sqlString,
} from '../lib/stack.mjs';

/** Starts an attempt at microcredentialId as learner, answers its one question and submits it. */
async function finishAttempt(learner, microcredentialId, pass) {
  const started = await learner.post(`/api/v1/microcredentials/${microcredentialId}/attempts`, undefined);
  assert.ok([200, 201].includes(started.status), started.text);
  const attempt = started.json;
  const answered = await learner.request('PUT', `/api/v1/attempts/${attempt.id}/answers/${attempt.questions[0].id}`, {
    json: { answer: pass },
    csrf: true,
  });
  assert.equal(answered.status, 200, answered.text);
  const submitted = await learner.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
  assert.equal(submitted.status, 200, submitted.text);
}

async function titleOf(id) {
  const rows = await sql(`SELECT title FROM microcredential_versions WHERE microcredential_id = ${id} AND version = 1`);
  return rows[0][0];
}

const MONTH_FIGURES = ['certificates-per-month', 'pass-rates-per-month'];
const BAR_FIGURES = [
  'certificates-per-microcredential',
  'certificates-per-organisation',
  'certificates-per-country',
  'pass-rates-per-microcredential',
];
const FIGURE_TITLES = {
  'certificates-per-month': 'Certificates per month',
  'certificates-per-microcredential': 'Certificates per micro-credential',
  'certificates-per-organisation': 'Certificates per promoting organisation',
  'certificates-per-country': 'Certificates per country',
  'pass-rates-per-microcredential': 'Pass rates per micro-credential',
  'pass-rates-per-month': 'Pass rates per month',
};
const ROW_HEADINGS = {
  'certificates-per-month': 'Month',
  'certificates-per-microcredential': 'Micro-credential',
  'certificates-per-organisation': 'Organisation',
  'certificates-per-country': 'Country',
  'pass-rates-per-microcredential': 'Micro-credential',
  'pass-rates-per-month': 'Month',
};

/** Returns the value that a figure's bar or point stands for. */
function rowValue(name, row) {
  return name.startsWith('pass-rates') ? row.pass_rate_percent : row.certificates;
}

/**
 * Opens the figures tab and returns {name: rows} of the JSON that the page itself received, so
 * the charts are compared with the very data they were drawn from while other suites add to it.
 */
async function openFigures(page) {
  const names = Object.keys(FIGURE_TITLES);
  const responses = names.map((name) => page.waitForResponse(
    (response) => new URL(response.url()).pathname === `/api/v1/figures/${name}` && response.request().method() === 'GET',
  ));
  await page.goto(`${baseUrl}/dashboard/figures`);
  const rows = {};
  for (const [i, name] of names.entries()) {
    const response = await responses[i];
    assert.equal(response.status(), 200, `GET /api/v1/figures/${name}`);
    rows[name] = (await response.json()).rows;
  }
  return rows;
}

/** Returns the size attribute (width or height) of each bar of a figure, in the order of the API's rows. */
async function barSizes(region, attribute) {
  const bars = region.locator('svg.chart-svg rect.chart-svg__bar');
  return (await bars.evaluateAll((rects, name) => rects.map((rect) => Number(rect.getAttribute(name))), attribute));
}

/** Asserts that each size is its value times one common factor, within half a pixel. */
function assertProportional(name, sizes, values) {
  const largest = Math.max(...values);
  assert.ok(largest > 0, `${name}: no value above 0`);
  const pixelsPerUnit = sizes[values.indexOf(largest)] / largest;
  assert.ok(pixelsPerUnit > 0, `${name}: the largest bar has no length`);
  for (const [i, value] of values.entries()) {
    assert.ok(Math.abs(sizes[i] - value * pixelsPerUnit) <= 0.5,
      `${name}: bar ${i} is ${sizes[i]} px for ${value}, expected ${value * pixelsPerUnit}`);
  }
}

/** Returns the long English month name and the year of "YYYY-MM", as the Intl API of Node writes them. */
function monthParts(ym) {
  const [year, month] = ym.split('-').map(Number);
  const name = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, 1)));
  return { name, year: String(year) };
}

/** Asserts that the charts of the figures tab show the rows: one bar or point each, to scale. */
async function assertChartsMatchRows(page, rows) {
  for (const name of BAR_FIGURES.concat(MONTH_FIGURES)) {
    const region = page.getByRole('region', { name: FIGURE_TITLES[name] });
    if (!rows[name].length) continue;
    const svg = region.locator('svg.chart-svg');
    await svg.waitFor();
    const marks = name === 'pass-rates-per-month' ? svg.locator('circle.chart-svg__point') : svg.locator('rect.chart-svg__bar');
    assert.equal(await marks.count(), rows[name].length, `${name}: marks and rows differ in number`);
    const ticks = await svg.locator('.chart-svg__tick').allTextContents();
    assert.ok(ticks.filter((text) => /\d/.test(text)).length >= 2, `${name}: value axis ticks ${ticks}`);
  }

  for (const name of BAR_FIGURES) {
    if (!rows[name].length) continue;
    const region = page.getByRole('region', { name: FIGURE_TITLES[name] });
    assertProportional(name, await barSizes(region, 'width'), rows[name].map((row) => rowValue(name, row)));
  }
  const monthly = page.getByRole('region', { name: FIGURE_TITLES['certificates-per-month'] });
  assertProportional('certificates-per-month', await barSizes(monthly, 'height'),
    rows['certificates-per-month'].map((row) => row.certificates));
}

describe('dashboard', { timeout: 180000 }, () => {
  let browser;
  let coordinatorAccount;
  let fx;
  const waiting = {};
  let assessedTitle;

  before(async () => {
    fx = await createSecurityFixture('e2e-dashboard');
    coordinatorAccount = await createUser({ role: 'coordinator' });
    waiting.awaiting_reviewers = await fx.newSubmitted();
    waiting.reviews_outstanding = await fx.newInReview();
    waiting.awaiting_decision = await fx.newReviewed();
    // The submission has waited three days and an hour, so the page shows "3 days".
    await sql(`UPDATE audit_log SET at = UTC_TIMESTAMP(6) - INTERVAL 73 HOUR
      WHERE object_type = 'microcredential' AND object_id = ${sqlString(String(waiting.awaiting_reviewers))}
      AND action = 'microcredential_submitted'`);

    const assessed = await fx.assessed();
    assessedTitle = await titleOf(assessed);
    const passing = await signedInClient(await createUser({ role: 'learner' }));
    const failing = await signedInClient(await createUser({ role: 'learner' }));
    await finishAttempt(passing, assessed, true);
    await finishAttempt(failing, assessed, false);

    // Certificates of two micro-credentials in unequal numbers, two of them issued two months ago,
    // so that the charts have bars of different lengths and the months a gap or a second column.
    const coordinator = await signedInClient(coordinatorAccount);
    const insulation = (await demoMicrocredential(INSULATION_TITLE)).id;
    const issued = [];
    for (let i = 0; i < 3; i++) issued.push(await issueCertificate(coordinator, { microcredential_id: insulation }));
    issued.push(await issueCertificate(coordinator, { microcredential_id: assessed }));
    const earlier = issued.slice(0, 2).map((certificate) => sqlString(certificate.id)).join(', ');
    await sql(`UPDATE certificates SET issued_at = issued_at - INTERVAL 2 MONTH WHERE id IN (${earlier})`);

    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('work queues shown', async () => {
    const page = await newPage(browser);
    await signInThroughForm(page, coordinatorAccount);
    await page.goto(`${baseUrl}/dashboard`);
    await page.getByRole('heading', { name: 'Work queues', level: 1 }).waitFor();
    const queues = page.getByRole('region', { name: 'Micro-credentials waiting for validation' });
    await queues.waitFor();

    const expectations = [
      ['awaiting_reviewers', 'Submitted, waiting for reviewers'],
      ['reviews_outstanding', 'In review, checklists outstanding'],
      ['awaiting_decision', 'Reviews complete, waiting for your decision'],
    ];
    for (const [queue, heading] of expectations) {
      const region = queues.getByRole('region', { name: heading });
      // A queue longer than ten shows its ten oldest versions until "Show all" is pressed.
      const showAll = region.getByRole('button', { name: /^Show all \d+ versions$/ });
      if (await showAll.count()) {
        assert.equal(await region.getByRole('list').first().locator(':scope > li').count(), 10);
        await showAll.click();
        await region.getByRole('button', { name: 'Show only the oldest 10' }).waitFor();
        assert.ok(await region.getByRole('list').first().locator(':scope > li').count() > 10);
      }
      const title = await titleOf(waiting[queue]);
      const link = region.getByRole('link', { name: `${title} (version 1)` });
      await link.waitFor();
      assert.equal(await link.getAttribute('href'), `/microcredentials/${waiting[queue]}/validation`);
      // Each version appears in its own queue only.
      assert.equal(await queues.getByRole('link', { name: `${title} (version 1)` }).count(), 1, `${title} in two queues`);
    }

    const oldest = queues.getByRole('listitem').filter({
      has: page.getByRole('link', { name: `${await titleOf(waiting.awaiting_reviewers)} (version 1)` }),
    });
    assert.match(await oldest.innerText(), /Waiting 3 days/);
    const inReview = queues.getByRole('listitem').filter({
      has: page.getByRole('link', { name: `${await titleOf(waiting.reviews_outstanding)} (version 1)` }),
    });
    assert.match(await inReview.innerText(), /0 of 2 checklists submitted/);
    assert.match(await inReview.innerText(), /checklist missing/);
    const decided = queues.getByRole('listitem').filter({
      has: page.getByRole('link', { name: `${await titleOf(waiting.awaiting_decision)} (version 1)` }),
    });
    assert.match(await decided.innerText(), /2 of 2 checklists submitted/);

    await page.getByRole('heading', { name: 'Applications for membership', level: 2 }).waitFor();
    // The pass rates are on the figures tab only.
    assert.equal(await page.getByRole('region', { name: 'Pass rates per micro-credential' }).count(), 0);
    assert.equal(await page.locator('main [style]').count(), 0, 'an element has a style attribute');
    await saveScreenshot(page, 'dashboard-front-page');
    await page.context().close();
  });

  test('figures drawn to scale', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signInThroughForm(page, coordinatorAccount);
    const rows = await openFigures(page);
    for (const name of Object.keys(FIGURE_TITLES)) {
      assert.ok(rows[name].length > 0, `${name} has no rows although the test made some`);
    }
    await assertChartsMatchRows(page, rows);

    // Two bars of different values, so that the scale check above compares lengths.
    const perMicrocredential = rows['certificates-per-microcredential'].map((row) => row.certificates);
    assert.ok(new Set(perMicrocredential).size >= 2, `certificate counts ${perMicrocredential}`);

    // The time axis names months in words, each within the months of the rows.
    const monthly = page.getByRole('region', { name: 'Certificates per month' });
    const monthTicks = await monthly.locator('.chart-svg__month').allTextContents();
    assert.ok(monthTicks.length >= 1);
    const monthRows = rows['certificates-per-month'];
    const first = monthParts(monthRows[0].month);
    const last = monthParts(monthRows.at(-1).month);
    const monthNames = Array.from({ length: 12 }, (_, i) => monthParts(`2000-${String(i + 1).padStart(2, '0')}`).name);
    for (const text of monthTicks) {
      assert.doesNotMatch(text, /^\d{4}-\d{2}$/);
      const [word, year] = text.split(' ');
      assert.ok(monthNames.some((name) => name.startsWith(word.replace(/\.$/, ''))), `month tick "${text}"`);
      assert.ok(Number(year) >= Number(first.year), `month tick "${text}" before the first row`);
      assert.ok(Number(year) <= Number(last.year), `month tick "${text}" after the last row`);
    }
    const firstColumn = monthly.locator('rect.chart-svg__bar').first().locator('title');
    assert.equal(await firstColumn.textContent(),
      `${first.name} ${first.year}: ${rows['certificates-per-month'][0].certificates} certificate` +
      (rows['certificates-per-month'][0].certificates === 1 ? '' : 's'));

    // Pass rates: the axis runs from 0 % to 100 %, and a bar of 50 % reaches half of it. The grid
    // lines stand at the ticks; a tick's text may be moved to stay inside the chart.
    const passRates = page.getByRole('region', { name: 'Pass rates per micro-credential' });
    const rateTickTexts = await passRates.locator('.chart-svg__tick').allTextContents();
    assert.equal(rateTickTexts[0], '0 %');
    assert.equal(rateTickTexts.at(-1), '100 %');
    const gridLines = passRates.locator('.chart-svg__grid line');
    assert.equal(await gridLines.count(), rateTickTexts.length);
    const zeroX = Number(await gridLines.first().getAttribute('x1'));
    const hundredX = Number(await gridLines.last().getAttribute('x1'));
    const index = rows['pass-rates-per-microcredential'].findIndex((row) => row.title === assessedTitle);
    assert.ok(index >= 0, `${assessedTitle} has no pass-rate row`);
    const bar = passRates.locator('rect.chart-svg__bar').nth(index);
    assert.equal(await bar.locator('title').textContent(), `${assessedTitle}: 50 % (1 of 2 attempts passed)`);
    const width = Number(await bar.getAttribute('width'));
    assert.ok(Math.abs(width - (hundredX - zeroX) / 2) <= 0.5, `50 % bar is ${width} px of ${hundredX - zeroX}`);
    assert.equal(await passRates.locator('rect.chart-svg__bar').nth(index).getAttribute('x'), String(zeroX));

    const ratesByMonth = page.getByRole('region', { name: 'Pass rates per month' });
    assert.ok((await ratesByMonth.locator('path.chart-svg__line').getAttribute('d')).startsWith('M'));

    // Each figure keeps a table, with a heading that names its rows, and a CSV export.
    for (const [name, title] of Object.entries(FIGURE_TITLES)) {
      const region = page.getByRole('region', { name: title });
      const table = region.getByRole('table', { name: title });
      assert.equal(await table.getByRole('columnheader').first().textContent(), ROW_HEADINGS[name]);
      assert.equal(await table.locator('tbody tr').count(), rows[name].length, `${name} table rows`);
      const href = await region.getByRole('link', { name: `Download “${title}” as CSV` }).getAttribute('href');
      const csv = await page.evaluate((url) => fetch(url).then((response) => response.text()), href);
      const expectedHeader = name.startsWith('pass-rates') ? /pass_rate_percent$/ : /certificates$/;
      assert.match(csv.split('\r\n')[0], expectedHeader, `${name} CSV header`);
    }
    const toggle = passRates.getByRole('button', { name: 'Show table' });
    const tableFrame = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    assert.equal(await tableFrame.getAttribute('class'), 'visually-hidden');
    await toggle.click();
    await passRates.getByRole('button', { name: 'Hide table' }).waitFor();
    assert.equal(await tableFrame.getAttribute('class'), 'figure__table');
    const table = tableFrame.getByRole('table');
    const tableRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: assessedTitle }) });
    assert.deepEqual(await tableRow.getByRole('cell').allTextContents(), ['2', '1', '50 %']);

    assert.equal(await page.locator('main [style]').count(), 0, 'an element has a style attribute');
    await saveScreenshot(page, 'dashboard-figures-1280');
    await page.context().close();
  });

  test('figures fit a phone', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await signInThroughForm(page, coordinatorAccount);
    const rows = await openFigures(page);
    await assertChartsMatchRows(page, rows);

    // Every label and tick stays inside its chart, and the page does not scroll sideways.
    const outside = await page.locator('svg.chart-svg').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const width = svg.width.baseVal.value;
      return [...svg.querySelectorAll('text')].filter((text) => {
        const box = text.getBoundingClientRect();
        const frame = svg.getBoundingClientRect();
        return box.left < frame.left - 1 || box.right > frame.left + width + 1;
      }).map((text) => text.textContent);
    }));
    assert.deepEqual(outside, []);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'the figures page scrolls sideways at 390 px');
    assert.equal(await page.locator('main [style]').count(), 0, 'an element has a style attribute');
    await saveScreenshot(page, 'dashboard-figures-390');
    await page.context().close();
  });

  test('outbox kinds in words', async () => {
    const invitation = await fx.newInvitation();
    const coordinator = await signedInClient(coordinatorAccount);
    const listed = await coordinator.get(`/api/v1/outbox?recipient=${encodeURIComponent(invitation.email)}`);
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.time_zone, 'Europe/Brussels');
    const message = listed.json.items.find((item) => item.kind === 'invitation');
    assert.ok(message, 'no invitation in the outbox');

    const page = await newPage(browser);
    await signInThroughForm(page, coordinatorAccount);
    await page.goto(`${baseUrl}/dashboard/outbox`);
    await page.getByLabel('Recipient').fill(invitation.email);
    await page.getByLabel('Kind').selectOption({ label: 'Invitation' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('kind') === 'invitation');
    const summary = page.locator('.message summary').first();
    await summary.waitFor();
    assert.equal(await summary.locator('.message__meta').textContent(), `To ${invitation.email} · Invitation · Pending`);

    // The time the message was written, as date and time in Brussels.
    const written = new Date(message.created_at);
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Brussels' })
      .format(written);
    const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Brussels' })
      .format(written);
    const time = summary.locator(`time[datetime="${message.created_at}"]`);
    const writtenText = await time.textContent();
    assert.ok(writtenText.startsWith(`Written: ${day}`), `"${writtenText}" is not on ${day}`);
    assert.ok(writtenText.includes(clock), `"${writtenText}" is not at ${clock}`);
    assert.match(writtenText, /\b(CET|CEST|GMT\+[12])$/);
    await saveScreenshot(page, 'dashboard-outbox');
    await page.context().close();
  });
});

describe('dashboard audit filter', { timeout: 120000 }, () => {
  let browser;
  let coordinatorAccount;
  let actorAccount;
  let otherAccount;
  const marker = randomToken(8);

  before(async () => {
    coordinatorAccount = await createUser({ role: 'coordinator' });
    // Two coordinators whose audit entries differ only in the actor, so the filter decides.
    actorAccount = await createUser({ role: 'coordinator', name: `Audit Filtered ${marker}` });
    otherAccount = await createUser({ role: 'coordinator', name: `Audit Other ${marker}` });
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    await issueCertificate(await signedInClient(actorAccount), { microcredential_id: insulation.id });
    await issueCertificate(await signedInClient(otherAccount), { microcredential_id: insulation.id });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('actor text filters the table', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinatorAccount);
      await page.goto(`${baseUrl}/dashboard/audit`);
      const field = page.getByLabel('Actor (part of the name or e-mail address)', { exact: true });
      await field.fill(`filtered ${marker}`);
      await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('actor_search') === `filtered ${marker}`);

      // The table keeps the unfiltered entries until the filtered ones arrive, so wait for the count.
      const table = page.getByRole('table');
      await table.locator('caption', { hasText: /^1 entry$/ }).waitFor();
      await table.getByRole('link', { name: `Audit Filtered ${marker}`, exact: true }).waitFor();
      assert.equal(await table.getByText(`Audit Other ${marker}`).count(), 0);
      assert.equal(await field.inputValue(), `filtered ${marker}`);
      await saveScreenshot(page, 'dashboard-audit-actor-filter');

      // The actor link filters by user id, which the form shows with a way back to every actor.
      await table.getByRole('link', { name: `Audit Filtered ${marker}`, exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('actor') === String(actorAccount.id));
      await page.getByText(`Only the entries of user ID ${actorAccount.id}.`).waitFor();
      await page.getByRole('link', { name: 'Show every actor', exact: true }).click();
      await page.waitForURL((url) => !url.searchParams.has('actor'));
    } finally {
      await page.context().close();
    }
  });

  test('actions and details in words', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinatorAccount);
      await page.goto(`${baseUrl}/dashboard/audit?actor_search=${encodeURIComponent(`filtered ${marker}`)}`);
      const table = page.getByRole('table');
      await table.locator('caption', { hasText: /^1 entry$/ }).waitFor();
      const row = table.locator('tbody tr').first();

      const action = row.locator('td[data-label="Action"]');
      assert.equal(await action.textContent(), 'Certificate issued');
      assert.equal(await action.getAttribute('data-action'), 'certificate_issued');
      assert.match(await row.locator('td[data-label="Object"]').textContent(), /^Certificate \S+$/);

      const insulation = await demoMicrocredential(INSULATION_TITLE);
      const details = row.locator('td[data-label="Details"]');
      const pairs = await details.locator('.audit-details__row').evaluateAll((rows) => rows.map((r) => r.innerText.replace(/\s+/g, ' ').trim()));
      assert.ok(pairs.includes(`Micro-credential ID: ${insulation.id}`), `details ${JSON.stringify(pairs)}`);
      assert.doesNotMatch(await details.textContent(), /[{}"]/);
      await saveScreenshot(page, 'dashboard-audit-words');
    } finally {
      await page.context().close();
    }
  });

  test('object type select and date range', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinatorAccount);
      await page.goto(`${baseUrl}/dashboard/audit`);
      await page.getByRole('table').waitFor();

      const objectType = page.getByLabel('Object type', { exact: true });
      assert.equal(await objectType.evaluate((element) => element.tagName), 'SELECT');
      await objectType.selectOption({ label: 'Certificate' });
      await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('object_type') === 'certificate');

      const to = page.getByLabel('Until (excluded)', { exact: true });
      await page.getByLabel('From', { exact: true }).fill('2026-03-10');
      await to.fill('2026-03-01');
      await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
      const message = 'Choose an Until day later than the From day: the Until day itself is excluded.';
      await page.getByText(message, { exact: true }).waitFor();
      assert.equal(await to.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByText('No audit entries match.').count(), 0);
      assert.equal(new URL(page.url()).searchParams.has('from'), false);

      // The same range in the address shows the error in place of an empty table.
      await page.goto(`${baseUrl}/dashboard/audit?from=2026-03-10&to=2026-03-01`);
      await page.getByText(message, { exact: true }).waitFor();
      assert.equal(await page.getByRole('table').count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
