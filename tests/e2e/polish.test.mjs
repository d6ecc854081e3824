// Details of the SPA in Chromium that a first visit shows: the catalogue's sort order and EQF
// filter, the notice without JavaScript and the gap between the buttons of the assessment panel.
// A signed-out page load must get no 4xx response and log no console error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  organisationId,
  signedInClient,
} from '../lib/stack.mjs';

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TIMBER_FRAME_TITLE = 'Timber-frame assembly of prefabricated wall panels';

const SORT_LABELS = {
  relevance: 'Best match',
  title: 'Title (A–Z)',
  newest: 'Newest first',
  workload: 'Workload (shortest first)',
};

/** Smallest gap in CSS pixels between two buttons side by side or one above the other. */
const MIN_BUTTON_GAP_PX = 8;

/**
 * Fetches GET /api/v1/microcredentials with these catalogue parameters and returns its body. It
 * leaves per_page at the API's default, as the catalogue page does, so both show the same page.
 */
async function apiList(params) {
  const query = new URLSearchParams(params);
  const response = await new Client().get(`/api/v1/microcredentials?${query}`);
  assert.equal(response.status, 200, response.text);
  return response.json;
}

async function apiTitles(params) {
  return (await apiList(params)).items.map((item) => item.title);
}

/** Milliseconds that the list may take to show the results of a new address. */
const LIST_TIMEOUT_MS = 10000;

/**
 * Asserts that the cards show the titles expected, in order. The list keeps the previous results
 * on screen while it loads new ones, so it waits until they match or LIST_TIMEOUT_MS has passed.
 */
async function assertCardTitles(page, expected) {
  const deadline = Date.now() + LIST_TIMEOUT_MS;
  let shownTitles;
  for (;;) {
    await page.locator('.result-count').waitFor();
    shownTitles = await page.locator('.card__title').allInnerTexts();
    if (JSON.stringify(shownTitles) === JSON.stringify(expected) || Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(shownTitles, expected);
}

/** Reads the option texts of the sort select and the value it shows. */
async function sortState(page) {
  const select = page.getByLabel('Sort by', { exact: true });
  await select.waitFor();
  return { options: await select.locator('option').allInnerTexts(), value: await select.inputValue() };
}

async function search(page, text) {
  await page.getByLabel('Search micro-credentials').fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL((url) => (url.searchParams.get('q') || '') === text);
}

describe('catalogue polish', { timeout: 180000 }, () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('sort without query defaults to title', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/`);
      const state = await sortState(page);

      assert.deepEqual(state.options, [SORT_LABELS.title, SORT_LABELS.newest, SORT_LABELS.workload]);
      assert.equal(state.value, 'title');
      await assertCardTitles(page, await apiTitles({ sort: 'title' }));
    } finally {
      await page.context().close();
    }
  });

  test('sort with query offers best match once', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/`);
      await sortState(page);
      await search(page, 'timber');
      await page.getByText(/micro-credentials? match(es)? “timber”/).waitFor();
      const state = await sortState(page);

      assert.deepEqual(state.options, [SORT_LABELS.relevance, SORT_LABELS.title, SORT_LABELS.newest, SORT_LABELS.workload]);
      assert.equal(state.options.filter((text) => text.includes('Best match')).length, 1);
      assert.equal(state.value, 'relevance');
      await assertCardTitles(page, await apiTitles({ q: 'timber' }));
      await saveScreenshot(page, 'polish-sort-with-query', { fullPage: false });

      await page.getByLabel('Sort by', { exact: true }).selectOption('newest');
      await page.waitForURL((url) => url.searchParams.get('sort') === 'newest');
      await assertCardTitles(page, await apiTitles({ q: 'timber', sort: 'newest' }));

      // Choosing the default again leaves the sort parameter out of the address.
      await page.getByLabel('Sort by', { exact: true }).selectOption('relevance');
      await page.waitForURL((url) => !url.searchParams.has('sort') && url.searchParams.get('q') === 'timber');
    } finally {
      await page.context().close();
    }
  });

  test('clearing query drops best match', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?q=timber&sort=relevance`);
      assert.equal((await sortState(page)).value, 'relevance');

      await search(page, '');
      await page.waitForURL((url) => !url.searchParams.has('sort'));
      const state = await sortState(page);
      assert.equal(state.value, 'title');
      assert.equal(state.options.includes(SORT_LABELS.relevance), false);
      await assertCardTitles(page, await apiTitles({}));
    } finally {
      await page.context().close();
    }
  });

  test('best match link without query', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?sort=relevance`);
      const state = await sortState(page);

      assert.equal(state.value, 'title');
      assert.equal(state.options.includes(SORT_LABELS.relevance), false);
      await assertCardTitles(page, await apiTitles({}));
    } finally {
      await page.context().close();
    }
  });

  test('query keeps an explicit sort', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?sort=workload`);
      assert.equal((await sortState(page)).value, 'workload');

      await search(page, 'timber');
      assert.equal(new URL(page.url()).searchParams.get('sort'), 'workload');
      assert.equal((await sortState(page)).value, 'workload');
    } finally {
      await page.context().close();
    }
  });

  test('eqf filter offers no level', async () => {
    const page = await newPage(browser, DESKTOP);
    try {
      const expected = await apiList({ eqf: 'none' });
      assert.ok(expected.total > 0, 'the demo data has a micro-credential without an EQF level');

      await page.goto(`${baseUrl}/`);
      const eqf = page.getByLabel('EQF level', { exact: true });
      const option = eqf.locator('option[value="none"]');
      await option.waitFor({ state: 'attached' });
      assert.equal(await option.innerText(), `No EQF level (${expected.total})`);

      await eqf.selectOption('none');
      await page.waitForURL((url) => url.searchParams.get('eqf') === 'none');
      await page.getByText(new RegExp(`^${expected.total} micro-credentials? match(es)? these filters$`)).waitFor();
      await assertCardTitles(page, expected.items.map((item) => item.title));
      assert.equal(await eqf.inputValue(), 'none');
      await saveScreenshot(page, 'polish-eqf-none', { fullPage: false });
    } finally {
      await page.context().close();
    }
  });

  test('eqf none with no results', async () => {
    const expected = await apiList({ eqf: 'none', language: 'en' });
    assert.equal(expected.total, 0, 'the demo micro-credential without an EQF level is taught in German only');

    const page = await newPage(browser, DESKTOP);
    try {
      await page.goto(`${baseUrl}/?eqf=none&language=en`);
      await page.getByText('No micro-credentials match these filters.').waitFor();
      // The facet no longer counts the missing level, but the chosen option keeps its label.
      const eqf = page.getByLabel('EQF level', { exact: true });
      assert.equal(await eqf.inputValue(), 'none');
      assert.equal(await eqf.locator('option[value="none"]').innerText(), 'No EQF level');
    } finally {
      await page.context().close();
    }
  });
});

describe('page polish', { timeout: 180000 }, () => {
  let browser;
  let certificate;
  let timberFrame;

  before(async () => {
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    timberFrame = await demoMicrocredential(TIMBER_FRAME_TITLE);
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    certificate = await issueCertificate(coordinator, { microcredential_id: insulation.id });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('notice without JavaScript', async () => {
    for (const path of ['/', '/members', `/microcredentials/${timberFrame.id}`, '/sign-in']) {
      const page = await newPage(browser, { ...PHONE, javaScriptEnabled: false });
      try {
        const response = await page.goto(`${baseUrl}${path}`);
        assert.equal(response.status(), 200, path);

        const notice = page.locator('.noscript-notice');
        assert.equal(await notice.isVisible(), true, `no visible notice on ${path}`);
        assert.equal(await notice.getByRole('heading', { name: 'MIC needs JavaScript' }).isVisible(), true, path);
        assert.match(await notice.innerText(), /Certificates can be checked without JavaScript on their verification page, \/v\/\{id\}/);
        // The notice sits in the first screen, not below an empty #app of full height.
        const box = await notice.boundingBox();
        assert.ok(box.y < 200, `the notice on ${path} starts at y=${box.y}`);
        assert.ok(box.x > 0, `the notice on ${path} touches the left edge`);
        assert.ok(box.x + box.width < PHONE.viewport.width, `the notice on ${path} touches the right edge`);
        assert.equal(await page.locator('[style]').count(), 0, `inline style attribute on ${path}`);
        if (path === '/') await saveScreenshot(page, 'polish-no-javascript');
      } finally {
        await page.context().close();
      }
    }
  });

  test('verify page hides the notice', async () => {
    const page = await newPage(browser, { ...DESKTOP, javaScriptEnabled: false });
    try {
      const response = await page.goto(certificate.verify_url);
      assert.equal(response.status(), 200);

      assert.equal(await page.locator('[data-status="valid"]').first().isVisible(), true);
      assert.equal(await page.locator('.noscript-notice').count(), 1, 'the template lost the notice');
      assert.equal(await page.locator('.noscript-notice').isVisible(), false);
    } finally {
      await page.context().close();
    }
  });

  test('assessment buttons keep a gap', async () => {
    for (const [name, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const page = await newPage(browser, options);
      try {
        await page.goto(`${baseUrl}/microcredentials/${timberFrame.id}`);
        const signIn = page.getByRole('link', { name: 'Sign in to take the assessment' });
        const register = page.getByRole('link', { name: 'Create a learner account' });
        await register.waitFor();
        await register.scrollIntoViewIfNeeded();
        const a = await signIn.boundingBox();
        const b = await register.boundingBox();

        const sameRow = Math.abs(a.y - b.y) < a.height / 2;
        const gap = sameRow ? b.x - (a.x + a.width) : b.y - (a.y + a.height);
        assert.ok(gap >= MIN_BUTTON_GAP_PX, `${name}: the buttons are ${gap}px apart (same row: ${sameRow})`);
        await saveScreenshot(page, `polish-assessment-buttons-${name}`, { fullPage: false });
      } finally {
        await page.context().close();
      }
    }
  });

  test('signed-out pages load cleanly', async () => {
    const flc = await organisationId('FLC');
    const paths = [
      '/',
      '/?q=timber',
      '/?eqf=none',
      `/microcredentials/${timberFrame.id}`,
      '/members',
      `/organisations/${flc}`,
      new URL(certificate.verify_url).pathname,
      '/sign-in',
      '/register',
      '/verify-file',
    ];
    for (const [name, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const page = await newPage(browser, options);
      const problems = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
      });
      try {
        for (const path of paths) {
          await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' });
          await page.locator('main h1, main [data-status]').first().waitFor();
          // The verification page has a header without the account links.
          if (!path.startsWith('/v/')) await page.locator('.account__signin').waitFor();
        }
        assert.deepEqual(problems, [], `${name}:\n${problems.join('\n')}`);
      } finally {
        await page.context().close();
      }
    }
  });

  test('session survives a reload', async () => {
    const account = await createUser({ role: 'learner' });
    const page = await newPage(browser, DESKTOP);
    const failures = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} for ${response.url()}`);
    });
    try {
      await signInThroughForm(page, account);
      await page.goto(`${baseUrl}/members`, { waitUntil: 'networkidle' });
      await page.locator('.account__name', { hasText: account.name }).waitFor();
      assert.equal(await page.locator('.account__signin').count(), 0);
      assert.deepEqual(failures, []);
    } finally {
      await page.context().close();
    }
  });
});
