// The issue form in Chromium: on submit it marks every invalid field at once, each with its own
// message, before sending anything, and it shows a field error of the server beside that field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  assessmentActors,
  createDraft,
  onlineDraft,
  publishThroughReview,
} from '../lib/assessment.mjs';
import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  certificateRowsWith,
  createUser,
  randomToken,
} from '../lib/stack.mjs';
import { signInThroughForm } from '../lib/signin.mjs';

// Browsers accept this address (the HTML spec allows a domain without a dot), but the server does
// not, so the form must reject it itself.
const INVALID_EMAIL = 'ana@example';

const MESSAGES = {
  microcredential_id: 'Choose the micro-credential to certify.',
  holder_name: "Enter the holder's name.",
  holder_email: 'Enter an e-mail address such as ana@example.org: one @, no spaces, and a domain with a dot.',
};

describe('issue form', { timeout: 180000 }, () => {
  let browser;
  let coordinator;

  before(async () => {
    coordinator = await createUser({ role: 'coordinator' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  /** Returns the number of certificate POSTs that `page` sends from now on, as a live count. */
  function countIssueRequests(page) {
    const counter = { count: 0 };
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/certificates') counter.count++;
    });
    return counter;
  }

  test('all invalid fields marked together', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinator);
      await page.goto(`${baseUrl}/issue`);
      const sent = countIssueRequests(page);
      await page.getByLabel('Holder name', { exact: true }).fill('   ');
      await page.getByLabel('Holder e-mail', { exact: true }).fill(INVALID_EMAIL);
      await page.getByRole('button', { name: 'Issue', exact: true }).click();

      for (const [field, text] of Object.entries(MESSAGES)) {
        const message = page.locator(`#${field}-error`);
        await message.waitFor();
        assert.equal(await message.textContent(), text);
        assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'true', field);
        const describedBy = await page.locator(`#${field}`).getAttribute('aria-describedby');
        assert.ok(describedBy.split(' ').includes(`${field}-error`), `${field} is not described by its message`);
      }
      await saveScreenshot(page, 'issue-form-all-errors');

      // Correcting one field clears its message and keeps the others.
      await page.getByLabel('Holder name', { exact: true }).fill('Ana Silva');
      await page.getByRole('button', { name: 'Issue', exact: true }).click();
      await page.locator('#holder_email-error').waitFor();
      assert.equal(await page.locator('#holder_name-error').count(), 0);
      assert.equal(await page.locator('#microcredential_id-error').count(), 1);
      assert.equal(await page.locator('#holder_name').getAttribute('aria-invalid'), null);
      assert.equal(sent.count, 0, 'the form sent a request although fields were invalid');
      assert.equal(new URL(page.url()).pathname, '/issue');
    } finally {
      await page.context().close();
    }
  });

  test('long name and bad e-mail together', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinator);
      await page.goto(`${baseUrl}/issue`);
      const sent = countIssueRequests(page);
      await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
      await page.getByLabel('Holder name', { exact: true }).fill('Ä'.repeat(201));
      await page.getByLabel('Holder e-mail', { exact: true }).fill('ana silva@example.org');
      await page.getByRole('button', { name: 'Issue', exact: true }).click();

      await page.locator('#holder_name-error').waitFor();
      assert.equal(await page.locator('#holder_name-error').textContent(),
        "The holder's name has 201 characters; shorten it to at most 200.");
      assert.equal(await page.locator('#holder_email-error').textContent(), MESSAGES.holder_email);
      assert.equal(await page.locator('#microcredential_id-error').count(), 0);
      assert.equal(sent.count, 0);
    } finally {
      await page.context().close();
    }
  });

  test('server field error beside field', async () => {
    // A micro-credential retired after the form loaded passes every check of the form, so only
    // the server rejects it, naming the field microcredential_id.
    const actors = await assessmentActors();
    const body = { ...onlineDraft(randomToken(8)), assessment_type: 'Practical demonstration assessed by an instructor' };
    const draft = await createDraft(actors, body);
    await publishThroughReview(actors, draft.id);
    const page = await newPage(browser);
    const holderName = `Form Error ${randomToken(8)}`;
    try {
      await signInThroughForm(page, coordinator);
      await page.goto(`${baseUrl}/issue?microcredential=${draft.id}`);
      const select = page.getByLabel('Micro-credential', { exact: true });
      await select.waitFor();
      assert.equal(await select.inputValue(), String(draft.id));
      await page.getByLabel('Holder name', { exact: true }).fill(holderName);
      await page.getByLabel('Holder e-mail', { exact: true }).fill('ana@example.org');

      const retired = await actors.coordinator.post(`/api/v1/microcredentials/${draft.id}/retire`);
      assert.equal(retired.status, 200, retired.text);
      actors.published.delete(draft.id);
      await page.getByRole('button', { name: 'Issue', exact: true }).click();

      const message = page.locator('#microcredential_id-error');
      await message.waitFor();
      assert.equal(await message.textContent(),
        `The micro-credential ${draft.id} is not a published micro-credential`);
      assert.equal(await page.locator('#microcredential_id').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#holder_name-error').count(), 0);
      assert.equal(await page.locator('#holder_email-error').count(), 0);
      await saveScreenshot(page, 'issue-form-server-error');
      assert.equal(new URL(page.url()).pathname, '/issue');
      assert.equal(await certificateRowsWith(holderName), 0);
    } finally {
      await page.context().close();
    }
  });
});
