// The catalogue's filter panel and the micro-credential page in Chromium, compared with what
// GET /api/v1/microcredentials returns for the same parameters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { Client, INSULATION_TITLE, baseUrl, microcredentialId, organisationId } from '../lib/stack.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

/** The titles that the API lists for these catalogue parameters, in its order. */
async function apiTitles(params) {
  const query = new URLSearchParams({ ...params, per_page: '50' });
  const response = await new Client().get(`/api/v1/microcredentials?${query}`);
  assert.equal(response.status, 200, response.text);
  return response.json.items.map((item) => item.title);
}

async function cardTitles(page) {
  await page.locator('.result-count').waitFor();
  return page.locator('.card__title').allInnerTexts();
}

describe('catalogue filters', { timeout: 120000 }, () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('eqf filter matches API', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/`);
      const eqf = page.getByLabel('EQF level', { exact: true });
      await eqf.locator('option', { hasText: 'EQF level 4' }).waitFor({ state: 'attached' });
      const optionText = await eqf.locator('option', { hasText: 'EQF level 4' }).innerText();
      const expected = await apiTitles({ eqf: '4' });
      assert.equal(optionText, `EQF level 4 (${expected.length})`);

      await eqf.selectOption('4');
      await page.waitForURL((url) => url.searchParams.get('eqf') === '4');
      await page.getByText(`${expected.length} micro-credentials match these filters`).waitFor();
      assert.deepEqual(await cardTitles(page), expected);
      await saveScreenshot(page, 'catalogue-filters-eqf');
    } finally {
      await page.context().close();
    }
  });

  test('countries and languages by name', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/`);
      for (const label of ['Country', 'Language of delivery']) {
        const select = page.getByLabel(label, { exact: true });
        await select.locator('option').nth(2).waitFor({ state: 'attached' });
        // The first option is "Any"; the others drop their count "(n)" before comparing.
        const names = (await select.locator('option').allInnerTexts()).slice(1).map((text) => text.replace(/ \(\d+\)$/, ''));
        assert.ok(names.length >= 2, `${label}: ${names}`);
        assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), `${label} options in name order`);
      }
    } finally {
      await page.context().close();
    }
  });

  test('workload range and back', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?participation=onsite`);
      const onsite = await apiTitles({ participation: 'onsite' });
      await page.getByText(`${onsite.length} micro-credentials match these filters`).waitFor();

      await page.getByLabel('At least', { exact: true }).fill('40');
      await page.getByLabel('At most', { exact: true }).fill('60');
      await page.getByRole('button', { name: 'Apply workload' }).click();
      await page.waitForURL((url) => url.searchParams.get('min_hours') === '40' &&
        url.searchParams.get('max_hours') === '60' && url.searchParams.get('participation') === 'onsite');
      const ranged = await apiTitles({ participation: 'onsite', min_hours: '40', max_hours: '60' });
      assert.ok(ranged.length < onsite.length, 'the demo data has on-site micro-credentials outside 40-60 hours');
      await page.locator('.card__title').first().waitFor();
      await page.waitForFunction((n) => document.querySelectorAll('.card__title').length === n, ranged.length);
      assert.deepEqual(await cardTitles(page), ranged);

      await page.goBack();
      await page.waitForURL((url) => !url.searchParams.has('min_hours'));
      await page.waitForFunction((n) => document.querySelectorAll('.card__title').length === n, onsite.length);
      assert.deepEqual(await cardTitles(page), onsite);
      assert.equal(await page.getByLabel('At least', { exact: true }).inputValue(), '');
    } finally {
      await page.context().close();
    }
  });

  test('inverted workload range rejected', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/`);
      await page.getByLabel('At least', { exact: true }).fill('80');
      await page.getByLabel('At most', { exact: true }).fill('20');
      await page.getByRole('button', { name: 'Apply workload' }).click();
      await page.getByText('The minimum must not be more than the maximum.').waitFor();
      assert.equal(new URL(page.url()).search, '');
    } finally {
      await page.context().close();
    }
  });

  test('organisation link narrows list', async () => {
    const flc = await organisationId('FLC');
    const all = await apiTitles({ organisation: String(flc) });
    assert.ok(all.includes(INSULATION_TITLE));
    // Other suites publish micro-credentials of FLC, so the list can outgrow the catalogue's first
    // page, which shows the API's default of 20.
    const expected = all.slice(0, 20);
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?organisation=${flc}`);
      await page.getByRole('link', { name: INSULATION_TITLE }).waitFor();
      assert.deepEqual(await cardTitles(page), expected);
      const selected = await page.getByLabel('Promoting organisation', { exact: true }).inputValue();
      assert.equal(selected, String(flc));

      // Other suites publish micro-credentials of FLC too, so the unfiltered first page may hold
      // as many cards as the filtered one; the result count tells the two lists apart.
      const filteredCount = await page.locator('.result-count').innerText();
      await page.getByRole('link', { name: 'Clear all filters' }).click();
      await page.waitForURL((url) => !url.searchParams.has('organisation'));
      await page.waitForFunction((text) => document.querySelector('.result-count')?.innerText !== text, filteredCount);
    } finally {
      await page.context().close();
    }
  });

  test('phone panel folds away', async () => {
    const page = await newPage(browser, PHONE);
    try {
      await page.goto(`${baseUrl}/?country=ES`);
      const toggle = page.getByRole('button', { name: 'Filters (1 active)' });
      await toggle.waitFor();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByLabel('Country', { exact: true }).isVisible(), false);
      await saveScreenshot(page, 'catalogue-filters-phone-closed');

      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const country = page.getByLabel('Country', { exact: true });
      assert.equal(await country.inputValue(), 'ES');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the page is ${width} px wide on a 360 px screen`);
      await saveScreenshot(page, 'catalogue-filters-phone-open');
    } finally {
      await page.context().close();
    }
  });
});

describe('microcredential page elements', { timeout: 60000 }, () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('invalid address filters ignored', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?eqf=9&min_hours=-3&participation=onsite`);
      const expected = await apiTitles({ participation: 'onsite' });
      await page.getByText(`${expected.length} micro-credentials match these filters`).waitFor();
      assert.deepEqual(await cardTitles(page), expected);
      assert.equal(await page.locator('.alert--error').count(), 0, 'the page shows an error');

      const notice = await page.locator('.catalogue__results .alert--info').innerText();
      assert.equal(notice, 'The address has invalid values for the filters EQF level, minimum workload, so those filters are ignored.');
      const eqf = page.getByLabel('EQF level', { exact: true });
      assert.equal(await eqf.inputValue(), '');
      assert.equal(await eqf.locator('option[value="9"]').count(), 0, 'the EQF select offers 9');
      assert.equal(await page.locator('#filter-min-hours').inputValue(), '');
      assert.equal(await page.getByLabel('Form of participation', { exact: true }).inputValue(), 'onsite');
      await saveScreenshot(page, 'catalogue-filters-invalid-address');
    } finally {
      await page.context().close();
    }
  });

  test('elements in fixed order', async () => {
    const id = await microcredentialId(INSULATION_TITLE);
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/microcredentials/${id}`);
      await page.getByRole('heading', { name: INSULATION_TITLE }).waitFor();
      const labels = await page.locator('.facts dt').allInnerTexts();
      assert.deepEqual(labels, [
        'Issuer', 'Promoted by', 'EQF level', 'Notional workload', 'Type of assessment',
        'Form of participation', 'Type of quality assurance', 'Languages of delivery', 'Prerequisites',
        'Supervision and identity verification', 'Stackability', 'Validity period', 'Related training',
        'ESCO occupations', 'Written in',
      ]);
      await page.getByText(/European Qualifications Framework \(EQF\) compares learning/).waitFor();
      await page.getByText(/ESCO is the European Commission's multilingual list/).waitFor();

      const link = page.getByRole('link', { name: 'Download the Open Badges 3.0 achievement (JSON)' });
      const href = await link.getAttribute('href');
      assert.equal(href, `/api/v1/microcredentials/${id}/achievement.json`);
      const achievement = await new Client().get(href);
      assert.equal(achievement.status, 200);
      assert.equal(achievement.json.name, INSULATION_TITLE);
      await saveScreenshot(page, 'microcredential-elements');
    } finally {
      await page.context().close();
    }
  });
});
