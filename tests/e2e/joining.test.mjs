// The whole joining flow in Chromium, and the coordinators' dashboard around it. An organisation
// applies and confirms by the e-mail link, and a coordinator approves it in the dashboard. Its
// contact person sets a password from the invitation, signs in as organisation administrator and
// manages the organisation's users. The coordinator then suspends it and reads the audit log, the
// outbox and the figures. The steps share one browser and run in order; after a failed step the
// rest are skipped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { applicationFields, latestMessage, linkIn } from '../lib/membership.mjs';
import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  randomToken,
  signedInClient,
  uniqueEmail,
} from '../lib/stack.mjs';

/** Rewrites an e-mail link to the stack under test, whatever MIC_PUBLIC_URL the backend has. */
const local = (link) => link.replace(/^https?:\/\/[^/]+/, baseUrl);

async function signInThroughForm(page, account, next) {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/** Creates an application through the API and confirms it; returns its fields. */
async function confirmedApplication(coordinator, overrides) {
  const fields = applicationFields(overrides);
  const created = await new Client().post('/api/v1/applications', fields);
  assert.equal(created.status, 201, created.text);
  const message = await latestMessage(coordinator, fields.contact_email, 'application_confirmation');
  const token = new URL(linkIn(message.body, 'join/confirm')).searchParams.get('token');
  const confirmed = await new Client().post('/api/v1/applications/confirm', { token });
  assert.equal(confirmed.status, 200, confirmed.text);
  return { id: created.json.id, fields };
}

describe('joining flow and dashboard', { timeout: 240000 }, () => {
  let browser;
  let visitor;
  let desk;
  let coordinatorAccount;
  let coordinator;
  let stepFailed = false;
  const orgName = `Tischlerei Ausbildung ${randomToken(6)}`;
  const contactEmail = uniqueEmail('admin');
  const contactName = 'Ana Żmuda-Ólafsdóttir';
  const adminPassword = `pw-${randomToken(20)}`;
  const inviteeEmail = uniqueEmail('editor');
  const inviteeName = 'Marek Dvořák';

  function step(name, fn) {
    test(name, async (t) => {
      if (stepFailed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (error) {
        stepFailed = true;
        for (const [label, page] of [['visitor', visitor], ['desk', desk]]) {
          if (page) await saveScreenshot(page, `joining-failed-${label}-${name.replace(/\W+/g, '-')}`).catch(() => {});
        }
        throw error;
      }
    });
  }

  before(async () => {
    coordinatorAccount = await createUser({ role: 'coordinator', name: 'Dashboard Coordinator' });
    coordinator = await signedInClient(coordinatorAccount);
    browser = await launchBrowser();
    visitor = await newPage(browser);
    desk = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  step('organisation applies and confirms', async () => {
    await visitor.goto(`${baseUrl}/join`);
    await visitor.getByLabel('Organisation name').fill(orgName);
    await visitor.getByLabel('Type of organisation').selectOption({ label: 'VET provider' });
    await visitor.getByLabel('Country').selectOption({ label: 'Austria' });
    await visitor.getByLabel('Full name').fill(contactName);
    await visitor.getByLabel('Motivation').fill('We train joiners in Styria.\nWe would promote two micro-credentials.');
    await visitor.getByLabel('I accept the charter of the alliance on behalf of my organisation').check();
    // A website without its scheme and an address without a domain are both marked at once.
    await visitor.getByLabel('Website').fill('www.tischlerei.example');
    await visitor.getByLabel('E-mail').fill('admin@localhost');
    await visitor.getByRole('button', { name: 'Send application' }).click();
    await visitor.getByText('Enter the website as an address that starts with https:// or http://', { exact: false }).waitFor();
    await visitor.getByText('Enter an e-mail address such as name@example.org.').waitFor();
    await visitor.getByLabel('Website').fill('https://www.tischlerei.example');
    await visitor.getByLabel('E-mail').fill(contactEmail);
    await visitor.getByRole('button', { name: 'Send application' }).click();
    await visitor.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

    const message = await latestMessage(coordinator, contactEmail, 'application_confirmation');
    await visitor.goto(local(linkIn(message.body, 'join/confirm')));
    await visitor.getByRole('button', { name: 'Confirm application' }).click();
    await visitor.getByRole('heading', { name: 'Application submitted' }).waitFor();
  });

  step('coordinator approves in dashboard', async () => {
    await signInThroughForm(desk, coordinatorAccount, '/dashboard');
    await desk.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();
    const card = desk.getByRole('article', { name: orgName });
    await card.getByText('Waiting less than an hour').waitFor();
    await card.getByText(contactEmail, { exact: false }).waitFor();
    await saveScreenshot(desk, 'dashboard-1-applications');
    await card.getByRole('button', { name: `Approve ${orgName}` }).click();

    await desk.getByRole('status').filter({ hasText: `${orgName} is now a member.` }).waitFor();
    await desk.getByRole('article', { name: orgName }).waitFor({ state: 'detached' });
  });

  step('contact sets password from invitation', async () => {
    const message = await latestMessage(coordinator, contactEmail, 'invitation');
    await visitor.goto(local(linkIn(message.body, 'account/password')));
    await visitor.getByLabel('New password').fill(adminPassword);
    await visitor.getByLabel('Repeat the password').fill(adminPassword);
    await visitor.getByRole('button', { name: 'Set password' }).click();
    await visitor.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await visitor.getByText(contactEmail, { exact: false }).waitFor();
  });

  step('new administrator signs in', async () => {
    await signInThroughForm(visitor, { email: contactEmail, password: adminPassword }, '/organisation/users');
    const nav = visitor.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Users' }).waitFor();
    await nav.getByRole('link', { name: 'Members' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Dashboard' }).count(), 0);
    await visitor.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await visitor.getByRole('row').filter({ hasText: contactEmail }).getByText('(you)').waitFor();
  });

  step('administrator invites, changes, removes', async () => {
    await visitor.getByLabel('Name', { exact: true }).fill(inviteeName);
    await visitor.getByLabel('E-mail', { exact: true }).fill(inviteeEmail);
    await visitor.getByLabel('Role', { exact: true }).selectOption({ label: 'Editor' });
    await visitor.getByRole('button', { name: 'Send invitation' }).click();
    await visitor.getByRole('status').filter({ hasText: `An invitation has been sent to ${inviteeName}` }).waitFor();

    const row = visitor.getByRole('row').filter({ hasText: inviteeEmail });
    await row.getByText('Invited').waitFor();
    assert.equal(await row.getByLabel(`Role of ${inviteeName}`, { exact: true }).inputValue(), 'editor');
    const invitation = await latestMessage(coordinator, inviteeEmail, 'invitation');
    assert.match(invitation.body, /account\/password\?token=/);
    await saveScreenshot(visitor, 'users-1-invited');

    await row.getByLabel(`Role of ${inviteeName}`, { exact: true }).selectOption({ label: 'Issuer' });
    await row.getByRole('button', { name: `Change role of ${inviteeName}` }).click();
    await visitor.getByRole('status').filter({ hasText: `${inviteeName} is now Issuer.` }).waitFor();
    assert.equal(await row.getByLabel(`Role of ${inviteeName}`, { exact: true }).inputValue(), 'issuer');

    await row.getByRole('button', { name: `Remove ${inviteeName}` }).click();
    await row.getByRole('button', { name: `Confirm removal of ${inviteeName}` }).click();
    await visitor.getByRole('status').filter({ hasText: `${inviteeName} has been removed` }).waitFor();
    await visitor.getByRole('row').filter({ hasText: inviteeEmail }).waitFor({ state: 'detached' });
  });

  step('coordinator filters members and suspends', async () => {
    await desk.goto(`${baseUrl}/dashboard/members`);
    await desk.getByLabel('Country').selectOption({ label: 'Austria' });
    await desk.waitForURL(/country=AT/);
    await desk.getByLabel('Status').selectOption({ label: 'Active' });
    await desk.waitForURL(/status=active/);
    await desk.getByRole('row').filter({ hasText: 'Fundación Laboral de la Construcción' }).waitFor({ state: 'detached' });
    const row = desk.getByRole('row').filter({ hasText: orgName });
    await row.waitFor();
    await saveScreenshot(desk, 'dashboard-2-members');

    await row.getByRole('link', { name: orgName }).click();
    await desk.getByRole('row').filter({ hasText: contactEmail }).waitFor();
    await desk.getByRole('button', { name: 'Change status' }).click();
    await desk.getByText('Give the reason for the change.', { exact: false }).waitFor();
    await desk.getByLabel('New status').selectOption({ label: 'Suspended' });
    await desk.getByLabel('Reason', { exact: true }).fill('Charter breach under review');
    await desk.getByRole('button', { name: 'Change status' }).click();
    await desk.getByRole('status').filter({ hasText: 'The status is now Suspended.' }).waitFor();
    await desk.locator('.org-summary .tag--suspended').waitFor();
    await desk.locator('td[data-action="organisation_status_changed"]', { hasText: 'Organisation status changed' }).first().waitFor();
    await saveScreenshot(desk, 'dashboard-3-organisation');
  });

  step('audit log filters by organisation', async () => {
    await desk.getByRole('link', { name: 'Open the full audit log of this organisation' }).click();
    await desk.waitForURL(/\/dashboard\/audit\?organisation=\d+/);
    await desk.locator('tbody td[data-action="application_approved"]', { hasText: 'Membership application approved' }).first().waitFor();
    const organisations = await desk.locator('tbody td[data-label="Organisation"]').allInnerTexts();
    assert.ok(organisations.every((name) => name === orgName), `organisations: ${organisations}`);
    await desk.getByRole('link', { name: 'Dashboard Coordinator' }).first().click();
    await desk.waitForURL(/actor=\d+/);
    assert.ok((await desk.getByRole('row').count()) > 1);
    await desk.getByLabel('From').fill('2000-01-01');
    await desk.getByLabel('Until (excluded)').fill('2000-01-02');
    await desk.getByRole('button', { name: 'Apply filters' }).click();
    await desk.getByText('No audit entries match.').waitFor();
  });

  step('outbox shows invitation body', async () => {
    await desk.goto(`${baseUrl}/dashboard/outbox`);
    await desk.getByLabel('Recipient').fill(contactEmail);
    await desk.getByRole('button', { name: 'Apply filters' }).click();
    await desk.waitForURL(/recipient=/);
    const messages = desk.locator('.message');
    await messages.first().waitFor();
    await desk.locator('.message__meta').filter({ hasNotText: contactEmail }).first().waitFor({ state: 'detached' });
    const count = await messages.count();
    assert.ok(count >= 2, `${count} messages: confirmation and invitation expected`);
    for (let i = 0; i < count; i++) await messages.nth(i).locator('summary').click();
    await desk.getByText('/join/confirm?token=', { exact: false }).waitFor();
    await desk.getByText('/account/password?token=', { exact: false }).waitFor();
    await saveScreenshot(desk, 'dashboard-4-outbox');
  });

  step('figures drawn with CSV links', async () => {
    // One certificate at least, so that every figure has a bar.
    await issueCertificate(coordinator, { microcredential_id: (await demoMicrocredential(INSULATION_TITLE)).id });
    await desk.goto(`${baseUrl}/dashboard/figures`);
    for (const title of ['Certificates per month', 'Certificates per micro-credential',
      'Certificates per promoting organisation', 'Certificates per country']) {
      await desk.getByRole('heading', { name: title }).waitFor();
      const link = desk.getByRole('link', { name: `Download “${title}” as CSV` });
      const href = await link.getAttribute('href');
      const csv = await desk.evaluate((url) => fetch(url).then((r) => r.text()), href);
      assert.match(csv.split('\r\n')[0], /certificates$/);
    }
    // The pass-rate figures draw a chart only once some attempt is finished, which other suites
    // running at the same time may or may not have done.
    assert.ok(await desk.locator('.chart').count() >= 4, 'a certificate figure has no chart');
    const label = desk.locator('.chart').nth(1).getByRole('rowheader', { name: INSULATION_TITLE });
    await label.waitFor();
    const styled = await desk.locator('.figures [style]').count();
    assert.equal(styled, 0, 'a chart element has a style attribute');
    await saveScreenshot(desk, 'dashboard-5-figures');
  });

  test('reject and request information', async () => {
    const rejected = await confirmedApplication(coordinator, { country: 'PT' });
    const asked = await confirmedApplication(coordinator, { country: 'PT' });
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, coordinatorAccount, '/dashboard');
      const rejectedCard = page.getByRole('article', { name: rejected.fields.name });
      await rejectedCard.getByRole('button', { name: `Reject ${rejected.fields.name}` }).click();
      await rejectedCard.getByRole('button', { name: 'Reject application' }).click();
      await rejectedCard.getByText('Write the text that the applicant will receive.').waitFor();
      await rejectedCard.getByLabel('Reason for rejection').fill('Outside the sectors of the alliance');
      await rejectedCard.getByRole('button', { name: 'Reject application' }).click();
      await page.getByRole('status').filter({ hasText: 'has been rejected' }).waitFor();

      const askedCard = page.getByRole('article', { name: asked.fields.name });
      await askedCard.getByRole('button', { name: `Ask ${asked.fields.name} for more information` }).click();
      await askedCard.getByLabel('Message to the applicant').fill('Which trades do you train?');
      await askedCard.getByRole('button', { name: 'Send request' }).click();
      await page.getByRole('status').filter({ hasText: 'has been asked for more information' }).waitFor();
      await askedCard.getByText('Information requested').waitFor();
      await askedCard.getByText('Which trades do you train?').waitFor();

      const rejection = await latestMessage(coordinator, rejected.fields.contact_email, 'application_rejected');
      assert.match(rejection.body, /Outside the sectors of the alliance/);
      const list = await coordinator.get('/api/v1/applications?status=info_requested');
      assert.ok(list.json.items.some((a) => a.id === asked.id), 'application waits for information');
    } finally {
      await page.context().close();
    }
  });

  test('dashboard refused to issuer', async () => {
    const issuer = await createUser({ role: 'issuer', organisationShortName: 'FLC' });
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, issuer, '/dashboard');
      await page.getByText('Only coordinators of the alliance can use the dashboard.').waitFor();
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
