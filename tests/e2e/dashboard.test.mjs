// The dashboard's front page in Chromium: the micro-credential versions waiting for validation in
// their three queues, with the promoting organisation, the reviewers and the wait in plain words,
// and the pass-rate chart of the online assessments.
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

describe('dashboard front page', { timeout: 120000 }, () => {
  let browser;
  let page;
  let coordinatorAccount;
  const waiting = {};
  let assessedTitle;

  before(async () => {
    const fx = await createSecurityFixture('e2e-dashboard');
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

    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  test('queues and pass rates shown', async () => {
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

    const passRates = page.getByRole('region', { name: 'Pass rates per micro-credential' });
    const row = passRates.getByRole('row').filter({ has: page.getByRole('rowheader', { name: assessedTitle }) });
    await row.waitFor();
    assert.match(await row.innerText(), /50 % \(1 of 2 attempts passed\)/);
    const bar = row.locator('.chart__fill');
    assert.equal(await bar.getAttribute('width'), '50');
    assert.equal(await page.locator('main [style]').count(), 0, 'an element has a style attribute');
    await saveScreenshot(page, 'dashboard-front-page');
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
});
