// The issue form in Chromium: the server's validation message appears beside the field at fault.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  certificateRowsWith,
  createUser,
  demoMicrocredential,
  randomToken,
  signedInClient,
} from '../lib/stack.mjs';

// Browsers accept this address (the HTML spec allows a domain without a dot), so only the
// server's check can reject it and the message shown must be the server's, in words.
const INVALID_EMAIL = 'ana@example';

describe('issue form', { timeout: 120000 }, () => {
  let browser;
  let coordinator;
  let serverMessage;

  before(async () => {
    coordinator = await createUser({ role: 'coordinator' });
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    const api = await signedInClient(coordinator);
    const response = await api.post('/api/v1/certificates', {
      microcredential_id: insulation.id,
      holder_name: 'Message Probe',
      holder_email: INVALID_EMAIL,
    });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.error.field, 'holder_email');
    serverMessage = response.json.error.message;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('invalid e-mail message near field', async () => {
    const page = await newPage(browser);
    const holderName = `Form Error ${randomToken(8)}`;
    try {
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('E-mail', { exact: true }).fill(coordinator.email);
      await page.getByLabel('Password', { exact: true }).fill(coordinator.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

      await page.goto(`${baseUrl}/issue`);
      await page.getByLabel('Micro-credential', { exact: true }).selectOption({ label: INSULATION_TITLE });
      await page.getByLabel('Holder name', { exact: true }).fill(holderName);
      const email = page.getByLabel('Holder e-mail', { exact: true });
      await email.fill(INVALID_EMAIL);
      await page.getByRole('button', { name: 'Issue', exact: true }).click();

      // The page shows the server's sentence with the field's API name in words.
      assert.match(serverMessage, /^holder_email /);
      const shown = serverMessage.replace(/^holder_email/, "The holder's e-mail address");
      const message = page.getByText(shown, { exact: true });
      await message.waitFor();
      await saveScreenshot(page, 'issue-form-invalid-email');

      const fieldBox = await email.boundingBox();
      const messageBox = await message.boundingBox();
      const gap = Math.max(messageBox.y - (fieldBox.y + fieldBox.height), fieldBox.y - (messageBox.y + messageBox.height));
      assert.ok(gap <= 80, `the message is ${gap}px away from the e-mail field`);
      assert.equal(new URL(page.url()).pathname, '/issue');
      assert.equal(await email.inputValue(), INVALID_EMAIL);
      assert.equal(await certificateRowsWith(holderName), 0);
    } finally {
      await page.context().close();
    }
  });
});
