// The public members pages in Chromium: the members grouped by country and type with their logos,
// an organisation's page with the micro-credentials it promotes, and an unknown organisation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { approvedOrganisation } from '../lib/membership.mjs';
import { INSULATION_TITLE, baseUrl, createUser, demoMicrocredential, signedInClient, sql } from '../lib/stack.mjs';

// A 2 x 2 PNG in the alliance's blue.
const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgMJ4JQhAKABP6AzHVPtkTAAAAAElFTkSuQmCC',
  'base64',
);

describe('members pages', { timeout: 120000 }, () => {
  let browser;
  let page;
  let coordinator;
  let withLogo;

  before(async () => {
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    withLogo = await approvedOrganisation(coordinator, { name: `Keramikschule Süd ${Date.now()}`, country: 'AT', type: 'university' });
    const upload = await coordinator.request('PUT', `/api/v1/organisations/${withLogo.organisationId}/logo`, {
      body: LOGO_PNG,
      headers: { 'Content-Type': 'image/png' },
      csrf: true,
    });
    assert.equal(upload.status, 200, upload.text);
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  test('members grouped by country and type', async () => {
    await page.goto(`${baseUrl}/members`);
    await page.getByRole('heading', { name: 'Members of the alliance', level: 1 }).waitFor();
    // The list arrives after the page heading; wait for it before reading every country heading.
    await page.getByRole('heading', { name: 'Spain', level: 2 }).waitFor();

    const countries = await page.getByRole('heading', { level: 2 }).allInnerTexts();
    for (const name of ['Spain', 'Portugal', 'Austria']) assert.ok(countries.includes(name), `${name} heading in ${countries}`);
    assert.deepEqual(countries, [...countries].sort((a, b) => a.localeCompare(b)), 'countries sorted by name');
    assert.equal(new Set(countries).size, countries.length, 'a country heading repeats');

    const spain = page.getByRole('region', { name: 'Spain' });
    const vet = spain.locator('.members-type').filter({ has: page.getByRole('heading', { name: 'VET providers', level: 3 }) });
    await vet.getByRole('link', { name: 'Fundación Laboral de la Construcción' }).waitFor();
    assert.equal(await vet.getByRole('link', { name: 'Clúster de Hábitat Eficiente' }).count(), 0,
      'a sector organisation listed among VET providers');
    await saveScreenshot(page, 'members-1-list');
  });

  test('initials stand for whole names', async () => {
    await page.goto(`${baseUrl}/members`);
    const initialsOf = async (name) => {
      const member = page.locator('li.member').filter({ has: page.getByRole('link', { name, exact: true }) });
      return (await member.locator('.org-logo--initials').innerText()).trim();
    };
    await page.getByRole('link', { name: 'Fundación Laboral de la Construcción' }).waitFor();
    // A short name of up to four letters stays whole; a longer one gives way to the name's capitals.
    // Other suites upload a logo for FLC, so these two members never get one.
    assert.equal(await initialsOf('Centro Tecnológico da Cerâmica e do Vidro'), 'CTCV');
    assert.equal(await initialsOf('Clúster de Hábitat Eficiente'), 'CHE');
  });

  test('uploaded logo is shown', async () => {
    await page.goto(`${baseUrl}/members`);
    const austria = page.getByRole('region', { name: 'Austria' });
    const universities = austria.locator('.members-type').filter({ has: page.getByRole('heading', { name: 'Universities' }) });
    const card = universities.getByRole('listitem').filter({ hasText: withLogo.fields.name });
    const logo = card.locator('img');
    await logo.waitFor();
    assert.equal(await logo.getAttribute('src'), `/api/v1/organisations/${withLogo.organisationId}/logo`);
    await page.waitForFunction((img) => img.complete && img.naturalWidth === 2, await logo.elementHandle());
  });

  test('organisation page lists micro-credentials', async () => {
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    const [[orgName]] = await sql(`SELECT name FROM organisations WHERE id = ${insulation.organisationId}`);
    await page.goto(`${baseUrl}/members`);
    await page.getByRole('link', { name: orgName, exact: true }).click();

    await page.waitForURL(`${baseUrl}/organisations/${insulation.organisationId}`);
    await page.getByRole('heading', { name: orgName, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Micro-credentials it promotes' }).waitFor();
    await saveScreenshot(page, 'members-2-organisation');
    await page.getByRole('link', { name: INSULATION_TITLE }).click();

    await page.waitForURL(`${baseUrl}/microcredentials/${insulation.id}`);
    await page.getByRole('heading', { name: INSULATION_TITLE, level: 1 }).waitFor();
  });

  test('unknown organisation not found', async () => {
    await page.goto(`${baseUrl}/organisations/999999999`);
    await page.getByRole('heading', { name: 'Organisation not found' }).waitFor();
    await page.getByRole('link', { name: 'All members' }).waitFor();
  });

  test('members page fits a phone', async () => {
    const phone = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await phone.goto(`${baseUrl}/members`);
      await phone.getByRole('link', { name: 'Fundación Laboral de la Construcción' }).waitFor();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
      await saveScreenshot(phone, 'members-3-phone', { fullPage: false });
    } finally {
      await phone.context().close();
    }
  });
});
