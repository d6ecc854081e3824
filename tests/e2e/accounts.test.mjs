// Joining and account pages in Chromium: the application form with its checks, the confirmation
// link with its success and error states, and a password reset from the sign-in page to a new
// sign-in. Every e-mail link is read from the outbox, as a person would read it in the message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { latestMessage, linkIn } from '../lib/membership.mjs';
import { baseUrl, createUser, randomToken, signedInClient, uniqueEmail } from '../lib/stack.mjs';

describe('joining and account pages', { timeout: 120000 }, () => {
  let browser;
  let coordinator;

  before(async () => {
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('join form reports missing fields', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${baseUrl}/join`);
      await page.getByRole('heading', { name: 'Join the alliance', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Send application' }).click();

      await page.getByText('Enter the name of the organisation.').waitFor();
      await page.getByText('Members must accept the charter.', { exact: false }).waitFor();
      // The focus moves to the first invalid field after the errors are drawn.
      await page.waitForFunction(() => document.activeElement?.id === 'join-name', null, { timeout: 10000 }).catch(() => {});
      const focused = await page.evaluate(() => document.activeElement.id);
      assert.equal(focused, 'join-name');
      assert.equal(await page.getByLabel('Organisation name').getAttribute('aria-invalid'), 'true');
      await saveScreenshot(page, 'join-1-missing');
    } finally {
      await page.context().close();
    }
  });

  test('join form shows server field error', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${baseUrl}/join`);
      await page.getByLabel('Organisation name').fill(`Holzbau Akademie ${randomToken(6)}`);
      await page.getByLabel('Type of organisation').selectOption({ label: 'VET provider' });
      await page.getByLabel('Country').selectOption({ label: 'Austria' });
      await page.getByLabel('Website').fill('ftp://holzbau.example.org');
      await page.getByLabel('Full name').fill('Jana Novák');
      await page.getByLabel('E-mail').fill(uniqueEmail('jana'));
      await page.getByLabel('Motivation').fill('We train carpenters.');
      await page.getByLabel('I accept the charter of the alliance on behalf of my organisation').check();
      await page.getByRole('button', { name: 'Send application' }).click();

      const website = page.getByLabel('Website');
      await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await website.elementHandle());
      assert.match(await page.locator('#join-website-error').innerText(), /website/i);
    } finally {
      await page.context().close();
    }
  });

  test('apply and confirm by link', async () => {
    const page = await newPage(browser);
    const email = uniqueEmail('aplicant');
    const name = `Ceramica Bianca ${randomToken(6)}`;
    try {
      await page.goto(`${baseUrl}/members`);
      await page.getByRole('link', { name: 'Apply to join the alliance' }).click();
      await page.getByLabel('Organisation name').fill(name);
      await page.getByLabel('Type of organisation').selectOption({ label: 'Company' });
      await page.getByLabel('Country').selectOption({ label: 'Italy' });
      await page.getByLabel('City').fill('Faenza');
      await page.getByLabel('Full name').fill('Giulia Ricci');
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Motivation').fill('We make ceramic tiles and train our installers.');
      await page.getByLabel('I accept the charter of the alliance on behalf of my organisation').check();
      await saveScreenshot(page, 'join-2-form');
      await page.getByRole('button', { name: 'Send application' }).click();

      await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
      await page.getByText(email, { exact: false }).waitFor();

      const message = await latestMessage(coordinator, email, 'application_confirmation');
      const link = linkIn(message.body, 'join/confirm');
      await page.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
      await page.getByRole('heading', { name: 'Confirm your application' }).waitFor();
      await page.getByRole('button', { name: 'Confirm application' }).click();
      await page.getByRole('heading', { name: 'Application submitted' }).waitFor();
      await saveScreenshot(page, 'join-3-confirmed');

      const listed = await coordinator.get('/api/v1/applications?status=submitted');
      assert.ok(listed.json.items.some((a) => a.name === name && a.contact_email === email), 'application submitted');

      await page.reload();
      await page.getByRole('button', { name: 'Confirm application' }).click();
      await page.getByRole('heading', { name: 'The application could not be confirmed' }).waitFor();
      await page.getByRole('link', { name: 'Apply again' }).waitFor();
      await saveScreenshot(page, 'join-4-used-link');
    } finally {
      await page.context().close();
    }
  });

  test('confirm page without token', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${baseUrl}/join/confirm`);
      await page.getByRole('alert').filter({ hasText: 'no confirmation code' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Confirm application' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('password reset from sign-in', async () => {
    const issuer = await createUser({ role: 'issuer', organisationShortName: 'FLC', name: 'Núria Puig' });
    const page = await newPage(browser);
    const newPassword = `new-${randomToken(16)}`;
    try {
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('E-mail').fill(issuer.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

      const message = await latestMessage(coordinator, issuer.email, 'password_reset');
      const link = linkIn(message.body, 'account/password');
      await page.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
      await page.getByLabel('New password').fill(newPassword);
      await page.getByLabel('Repeat the password').fill(`${newPassword}x`);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByText('The two passwords differ.', { exact: false }).waitFor();

      await page.getByLabel('Repeat the password').fill(newPassword);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('heading', { name: 'Your password is set' }).waitFor();
      await saveScreenshot(page, 'account-1-password-set');

      await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
      await page.getByLabel('E-mail').fill(issuer.email);
      await page.getByLabel('Password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('.account__name').filter({ hasText: 'Núria Puig' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('unknown reset link rejected', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${baseUrl}/account/password?token=${randomToken(43)}`);
      await page.getByLabel('New password').fill(`pw-${randomToken(16)}`);
      await page.getByLabel('Repeat the password').fill(await page.getByLabel('New password').inputValue());
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('alert').waitFor();
      await page.getByRole('link', { name: 'Request a new link' }).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Your password is set' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
