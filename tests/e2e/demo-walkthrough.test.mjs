// The demo walk-through in Chromium: the demo reviewer signs in and reaches the quality checklist
// of the demo version in review, and the demo editor finds its draft on the validation page.
// Nothing is saved, so the demo data keeps the states that the API walk-through test checks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { baseUrl } from '../lib/stack.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import { DEMO_DRAFT_TITLE, DEMO_IN_REVIEW_TITLE, demoAccounts } from '../lib/demo.mjs';

describe('demo walk-through pages', { timeout: 120000 }, () => {
  let browser;
  let accounts;

  before(async () => {
    accounts = await demoAccounts();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('reviewer reaches the checklist', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await signInThroughForm(page, accounts.reviewer);
      await page.getByRole('link', { name: 'Validation', exact: true }).click();
      await page.getByRole('link', { name: DEMO_IN_REVIEW_TITLE }).click();
      await page.waitForURL(/\/microcredentials\/\d+\/review$/);
      await page.getByRole('heading', { name: DEMO_IN_REVIEW_TITLE }).waitFor();
      const group = page.getByRole('group', { name: 'The learning outcomes are clearly defined' });
      await group.getByLabel('Pass', { exact: true }).waitFor();
      assert.equal(await group.getByLabel('Pass', { exact: true }).isChecked(), false);
      assert.ok(await page.getByRole('button', { name: 'Save review' }).isEnabled());
      await saveScreenshot(page, 'demo-reviewer-checklist');
    } finally {
      await page.context().close();
    }
  });

  test('editor finds its draft', async () => {
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, accounts.editor);
      await page.getByRole('link', { name: 'Validation', exact: true }).click();
      await page.getByRole('link', { name: DEMO_DRAFT_TITLE }).waitFor();
      assert.equal(new URL(page.url()).origin, baseUrl);
    } finally {
      await page.context().close();
    }
  });
});
