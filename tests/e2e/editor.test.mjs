// The micro-credential editor in Chromium: an editor saves a draft with only a title, sees the
// API's missing elements beside their fields on submit, completes the draft with ordered outcomes,
// ESCO links and a translation, and submits it for validation, after which the success message
// has the focus and the form is read-only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import { baseUrl, createUser, randomToken, signedInClient } from '../lib/stack.mjs';

const FIRST = 'Mark out and cut mortise and tenon joints to a drawing.';
const SECOND = 'Sharpen and maintain chisels and hand saws.';

describe('microcredential editor', { timeout: 180000 }, () => {
  let browser;
  let page;
  let editor;
  let api;
  let id;
  const title = `Timber joints by hand ${randomToken(6)}`;

  before(async () => {
    editor = await createUser({ role: 'editor', organisationShortName: 'FLC', name: 'Editor Ñandú' });
    api = await signedInClient(editor);
    browser = await launchBrowser();
    page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signInThroughForm(page, editor);
  });

  after(async () => {
    await browser?.close();
  });

  test('title only draft saves', async () => {
    await page.goto(`${baseUrl}/microcredentials/new`);
    await page.getByRole('heading', { name: 'New micro-credential' }).waitFor();
    // The editor belongs to the validation work, so the navigation marks Validation, not the catalogue.
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Validation' }).getAttribute('aria-current'), 'page');
    assert.equal(await nav.getByRole('link', { name: 'Micro-credentials' }).getAttribute('aria-current'), null);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Enter a title: a draft needs at least its title.').waitFor();
    assert.equal(await page.getByLabel('Title', { exact: true }).evaluate((el) => el === document.activeElement), true);

    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/microcredentials\/\d+\/edit$/);
    id = Number(new URL(page.url()).pathname.split('/')[2]);
    await page.getByText('Version 1: draft.').waitFor();

    const stored = await api.get(`/api/v1/microcredentials/${id}/versions/1`);
    assert.equal(stored.status, 200, stored.text);
    assert.equal(stored.json.title, title);
    assert.equal(stored.json.status, 'draft');
  });

  test('submit shows missing fields', async () => {
    await page.getByRole('button', { name: 'Submit for validation' }).click();
    await page.getByText(/cannot be submitted yet/).waitFor();

    for (const label of ['Summary', 'Notional workload (hours)', 'Type of assessment', 'Form of participation', 'Type of quality assurance']) {
      const field = page.getByLabel(label, { exact: true });
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
      const describedBy = await field.getAttribute('aria-describedby');
      assert.match(describedBy || '', /-error/, `${label} points at its error message`);
    }
    await page.getByText(/^The list of languages of delivery needs at least one language/).waitFor();
    await saveScreenshot(page, 'editor-missing-fields');

    const stored = await api.get(`/api/v1/microcredentials/${id}/versions/1`);
    assert.equal(stored.json.status, 'draft');
  });

  test('complete draft and submit', async () => {
    await page.getByLabel('Summary', { exact: true }).fill('Learners cut and fit joints with hand tools.');
    await page.getByLabel('Learning outcome 1', { exact: true }).fill(SECOND);
    await page.getByRole('button', { name: 'Add a learning outcome' }).click();
    await page.getByLabel('Learning outcome 2', { exact: true }).fill(FIRST);
    await page.getByRole('button', { name: 'Move outcome 2 up' }).click();
    assert.equal(await page.getByLabel('Learning outcome 1', { exact: true }).inputValue(), FIRST);

    await page.getByLabel(/^ESCO skills of outcome 1/).fill('carpen');
    await page.getByRole('button', { name: 'Add carpentry' }).click();
    await page.getByRole('button', { name: 'Remove carpentry' }).waitFor();

    await page.getByLabel(/^EQF level 3:/).check();
    await page.getByLabel('Notional workload (hours)', { exact: true }).fill('50');
    await page.getByText('50 hours of notional workload are about 1.7 to 2 ECTS credits (25–30 hours per credit).').waitFor();
    await page.getByLabel(/^ECTS credits/).fill('2');
    await page.getByLabel('Type of assessment', { exact: true }).fill('Practical test observed by an instructor');
    await page.getByLabel('Form of participation', { exact: true }).selectOption('onsite');
    await page.getByLabel('Type of quality assurance', { exact: true }).fill('Internal quality assurance and validation by the alliance');
    await page.getByLabel('English', { exact: true }).check();
    await page.getByLabel('Spanish', { exact: true }).check();
    await page.getByLabel(/^Supervision and identity verification/).selectOption('supervised_with_id_check');
    await page.getByLabel(/^Stackability/).selectOption('stackable');
    await page.getByLabel('Stackable towards', { exact: true }).fill('Timber-frame construction certificate');
    await page.getByLabel(/^Validity period \(months\)/).fill('24');

    await page.getByLabel(/^ESCO occupations/).fill('carpenter');
    await page.getByRole('button', { name: 'Add carpenter', exact: true }).click();

    await page.getByLabel('Add a translation', { exact: true }).selectOption('es');
    await page.getByRole('button', { name: 'Add translation', exact: true }).click();
    await page.getByLabel('Title in Spanish', { exact: true }).fill('Uniones de madera a mano');
    await page.getByLabel('Summary in Spanish', { exact: true }).fill('Se cortan y ajustan uniones con herramientas manuales.');
    await page.getByLabel('Learning outcome 1 in Spanish', { exact: true }).fill('Traza y corta uniones de caja y espiga.');
    await page.getByLabel('Learning outcome 2 in Spanish', { exact: true }).fill('Afila formones y serruchos.');
    await saveScreenshot(page, 'editor-complete');

    await page.getByRole('button', { name: 'Submit for validation' }).click();
    const message = page.getByText('Submitted for validation. The coordinators will assign reviewers.');
    await message.waitFor();
    await page.getByText('Version 1: submitted.').waitFor();
    // The focus moves to the message after it is drawn, a moment later in a slow build.
    await page.waitForFunction((text) => (document.activeElement?.textContent ?? '').includes(text),
      'Submitted for validation.', { timeout: 10000 }).catch(() => {});
    assert.equal(await message.evaluate((el) => el === document.activeElement), true, 'the message has the focus');
    // The page scrolls smoothly unless the user asks for reduced motion, so wait for it to arrive.
    await message.evaluate((el) => new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const box = el.getBoundingClientRect();
        if (box.top >= 0 && box.bottom <= window.innerHeight) resolve();
        else if (Date.now() - started > 5000) reject(new Error(`the message stays outside the viewport at y=${box.top}`));
        else requestAnimationFrame(check);
      };
      check();
    }));

    const stored = (await api.get(`/api/v1/microcredentials/${id}/versions/1`)).json;
    assert.equal(stored.status, 'submitted');
    assert.deepEqual(stored.learning_outcomes.map((o) => o.statement), [FIRST, SECOND]);
    assert.deepEqual(stored.learning_outcomes[0].esco_skills.map((s) => s.label), ['carpentry']);
    assert.equal(stored.eqf_level, 3);
    assert.equal(stored.workload_hours, 50);
    assert.equal(stored.ects_credits, 2);
    assert.deepEqual(stored.delivery_languages, ['en', 'es']);
    assert.equal(stored.stackable_towards, 'Timber-frame construction certificate');
    assert.equal(stored.validity_months, 24);
    assert.deepEqual(stored.esco_occupations.map((o) => o.label), ['carpenter']);
    assert.equal(stored.translations[0].language, 'es');
    assert.deepEqual(stored.translations[0].learning_outcomes, ['Traza y corta uniones de caja y espiga.', 'Afila formones y serruchos.']);
    assert.equal(await page.getByRole('button', { name: 'Save draft' }).count(), 0);

    // The submitted version is read-only: disabled fields and no tools to add, move or remove.
    assert.equal(await page.getByLabel('Title', { exact: true }).isDisabled(), true);
    assert.equal(await page.getByLabel('Learning outcome 1', { exact: true }).isDisabled(), true);
    assert.equal(await page.getByLabel('Title in Spanish', { exact: true }).isDisabled(), true);
    for (const name of ['Add a learning outcome', 'Move outcome 2 up', 'Add translation', 'Remove carpentry', 'Remove carpenter']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `the button "${name}" is still shown`);
    }
    assert.equal(await page.getByRole('button', { name: /^Remove/ }).count(), 0, 'a remove button is still shown');
    assert.equal(await page.getByLabel(/^ESCO occupations/).isVisible(), false, 'the ESCO search box is still shown');
    await saveScreenshot(page, 'editor-submitted-read-only');
  });

  test('phone layout fits', async () => {
    const phone = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true });
    try {
      await signInThroughForm(phone, editor);
      await phone.goto(`${baseUrl}/microcredentials/new`);
      await phone.getByLabel('Title', { exact: true }).waitFor();
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the editor is ${width} px wide on a 360 px screen`);
      await saveScreenshot(phone, 'editor-phone', { fullPage: false });
    } finally {
      await phone.context().close();
    }
  });
});
