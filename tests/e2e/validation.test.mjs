// Validation in Chromium. A coordinator assigns reviewers from the queue, and a reviewer fills the
// quality checklist beside the content. The coordinator then requests changes with the reviewers'
// comments, approves and publishes. The version page marks the words changed in version 2.
// Steps that belong to other roles are done through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { baseUrl, createUser, organisationId, QUALITY_CRITERIA, randomToken, signedInClient } from '../lib/stack.mjs';
import { signInThroughForm } from '../lib/signin.mjs';

const FAIL_COMMENT = 'Say how the joints are measured against the drawing';

function draftBody(title) {
  return {
    title,
    summary: 'Learners cut and fit mortise and tenon joints with hand tools.',
    learning_outcomes: [{ statement: 'Cut mortise and tenon joints to a drawing.', esco_skills: [] }],
    eqf_level: 3,
    workload_hours: 30,
    ects_credits: 1,
    assessment_type: 'Practical test observed by an instructor',
    participation_form: 'onsite',
    quality_assurance: 'Internal quality assurance and validation by the alliance',
    language: 'en',
    delivery_languages: ['en'],
  };
}

/** Returns the text of the element that has the focus in page. */
function focusedText(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.textContent);
}

/**
 * Waits until the focused element's text matches pattern. The page moves the focus to a status
 * message after rendering it, so a slow build can show the text a moment before it has the focus.
 */
async function waitForFocusedText(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(document.activeElement?.textContent ?? ''),
    pattern.source, { timeout: 10000 }).catch(() => {});
}

/** Asserts that the element of selector has no scroll area of its own, so it scrolls with the page. */
async function assertNoInnerScroll(page, selector) {
  const box = await page.locator(selector).evaluate((element) => ({
    overflowY: getComputedStyle(element).overflowY,
    position: getComputedStyle(element).position,
  }));
  assert.notEqual(box.position, 'sticky', `${selector} position`);
  assert.notEqual(box.overflowY, 'auto', `${selector} overflow-y`);
  assert.notEqual(box.overflowY, 'scroll', `${selector} overflow-y`);
}

const approving = { checklist: QUALITY_CRITERIA.map((criterion) => ({ criterion, result: 'pass', comment: '' })), recommendation: 'approve' };

describe('validation pages', { timeout: 240000 }, () => {
  let browser;
  let accounts;
  let editor;
  let company;
  let university;
  let coordinatorPage;
  let id;
  let stepFailed = false;
  const marker = randomToken(6);
  const title = `Hand-cut joinery ${marker}`;

  /** Defines a test that is skipped once an earlier step has failed, because it builds on it. */
  function step(name, fn) {
    test(name, async (t) => {
      if (stepFailed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn();
      } catch (error) {
        stepFailed = true;
        throw error;
      }
    });
  }

  async function reviewThroughApi(client) {
    const response = await client.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, { json: approving, csrf: true });
    assert.equal(response.status, 200, response.text);
  }

  before(async () => {
    accounts = {
      editor: await createUser({ role: 'editor', organisationShortName: 'CETEM' }),
      coordinator: await createUser({ role: 'coordinator', name: 'Coordinator Šimková' }),
      company: await createUser({ role: 'reviewer', organisationShortName: 'HCS', name: `Reviewer Holz ${marker}` }),
      university: await createUser({ role: 'reviewer', organisationShortName: 'UAVR', name: `Reviewer Aveiro ${marker}` }),
    };
    editor = await signedInClient(accounts.editor);
    company = await signedInClient(accounts.company);
    university = await signedInClient(accounts.university);
    browser = await launchBrowser();
    coordinatorPage = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signInThroughForm(coordinatorPage, accounts.coordinator);
  });

  after(async () => {
    await browser?.close();
  });

  step('coordinator assigns reviewers', async () => {
    const created = await editor.post('/api/v1/microcredentials', draftBody(title));
    assert.equal(created.status, 201, created.text);
    id = created.json.id;
    assert.equal((await editor.post(`/api/v1/microcredentials/${id}/submit`)).status, 200);

    const page = coordinatorPage;
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: 'Validation', exact: true }).click();
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(`${baseUrl}/microcredentials/${id}/validation`);
    await page.getByText('Version 1: submitted.').waitFor();

    const organisation = page.getByLabel('Organisation of the reviewer', { exact: true });
    // Organisations with active reviewers come first, in their own group, with their count.
    const withReviewers = organisation.locator('optgroup[label="With reviewers"] option');
    await withReviewers.first().waitFor({ state: 'attached' });
    for (const text of await withReviewers.allTextContents()) {
      assert.match(text, /, \d+ reviewers?\)$/);
    }
    const uavr = await organisationId('UAVR');
    const uavrOption = organisation.locator(`option[value="${uavr}"]`);
    assert.match(await uavrOption.textContent(), /^Universidade de Aveiro \(university, \d+ reviewers?\)$/);
    assert.equal(await uavrOption.evaluate((option) => option.parentElement.label), 'With reviewers');
    const withoutReviewers = organisation.locator('optgroup[label="Without reviewers"] option');
    for (const text of await withoutReviewers.allTextContents()) {
      assert.match(text, /, no reviewers\)$/);
    }
    assert.equal(await withoutReviewers.evaluateAll((options) => options.every((option) => option.disabled)), true);
    await organisation.selectOption(String(uavr));
    await page.getByLabel(accounts.university.name, { exact: true }).check();
    await page.getByRole('button', { name: 'Assign reviewers', exact: true }).click();
    await page.getByText('Choose two or more reviewers, at least one of them from a company or a sector organisation.', { exact: true }).nth(1).waitFor();

    await organisation.selectOption(String(await organisationId('HCS')));
    await page.getByLabel(accounts.company.name, { exact: true }).check();
    await page.getByRole('button', { name: 'Assign reviewers', exact: true }).click();
    await page.getByText('The reviewers have been assigned and the version is in review.').waitFor();
    await waitForFocusedText(page, /^The reviewers have been assigned and the version is in review\.$/);
    assert.equal(await focusedText(page), 'The reviewers have been assigned and the version is in review.');
    await assertNoInnerScroll(page, '.review__side');

    const version = (await editor.get(`/api/v1/microcredentials/${id}/versions/1`)).json;
    assert.equal(version.status, 'in_review');
    assert.deepEqual(version.reviewers.map((r) => r.id).sort(), [accounts.company.id, accounts.university.id].sort());
  });

  step('reviewer fills checklist', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await signInThroughForm(page, accounts.company);
      await page.getByRole('link', { name: 'Validation', exact: true }).click();
      await page.getByRole('link', { name: title }).click();
      await page.waitForURL(`${baseUrl}/microcredentials/${id}/review`);
      await page.getByRole('heading', { name: title }).waitFor();
      await page.getByText('Practical test observed by an instructor').waitFor();

      for (const label of [
        'The learning outcomes are clearly defined', 'The EQF level is indicated where it applies',
        'The workload is defined in hours and/or ECTS credits', 'It links to ESCO occupations and skills where relevant',
        'It is aligned with the European approach to micro-credentials',
      ]) {
        await page.getByRole('group', { name: label }).getByLabel('Pass', { exact: true }).check();
      }
      await page.getByRole('group', { name: 'The assessment method is transparent' }).getByLabel('Fail', { exact: true }).check();
      await page.getByLabel('Request changes', { exact: true }).check();
      await page.getByRole('button', { name: 'Save review' }).click();
      await page.getByText('Explain in a comment why this point fails.').waitFor();
      const mine = await company.get(`/api/v1/microcredentials/${id}/versions/1`);
      assert.equal(mine.json.reviewers.find((r) => r.id === accounts.company.id).review, null);

      await page.getByLabel('Comment on: The assessment method is transparent', { exact: true }).fill(FAIL_COMMENT);
      await page.getByLabel(/^Comment for the editors and the coordinator/).fill('Clear outcomes, vague assessment');
      await page.getByRole('button', { name: 'Save review' }).click();
      await page.getByText(/Your review has been saved/).waitFor();
      await waitForFocusedText(page, /Your review has been saved/);
      assert.match(await focusedText(page), /Your review has been saved/);
      await assertNoInnerScroll(page, '.review__checklist');
      await saveScreenshot(page, 'validation-review');

      const stored = (await company.get(`/api/v1/microcredentials/${id}/versions/1`)).json
        .reviewers.find((r) => r.id === accounts.company.id).review;
      assert.equal(stored.recommendation, 'request_changes');
      const failed = stored.checklist.find((c) => c.criterion === 'assessment_transparent');
      assert.equal(failed.result, 'fail');
      assert.equal(failed.comment, FAIL_COMMENT);
    } finally {
      await page.context().close();
    }
  });

  step('coordinator requests changes', async () => {
    const page = coordinatorPage;
    // One of the two reviews is in: the backend would reject an approval, so the page offers none.
    await page.reload();
    await page.getByText('Approval is possible once 1 more review is in.', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve', exact: true }).count(), 0);

    await reviewThroughApi(university);
    await page.reload();
    await page.getByText(FAIL_COMMENT, { exact: false }).first().waitFor();
    const comment = page.getByLabel('Comment', { exact: true });
    assert.match(await comment.inputValue(), /Clear outcomes, vague assessment/);
    await saveScreenshot(page, 'validation-coordinator');

    await page.getByRole('button', { name: 'Request changes', exact: true }).click();
    await page.getByText('Changes have been requested. The editors can now edit the version.').waitFor();
    const history = (await editor.get(`/api/v1/microcredentials/${id}/history`)).json.items;
    const last = history[history.length - 1];
    assert.equal(last.to, 'changes_requested');
    assert.match(last.comment, /Clear outcomes, vague assessment/);
  });

  step('coordinator approves and publishes', async () => {
    const saved = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, {
      json: { ...draftBody(title), assessment_type: 'Practical test with a written rubric' },
      csrf: true,
    });
    assert.equal(saved.status, 200, saved.text);
    assert.equal((await editor.post(`/api/v1/microcredentials/${id}/submit`)).status, 200);
    const coordinator = await signedInClient(accounts.coordinator);
    const assigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [accounts.company.id, accounts.university.id],
    });
    assert.equal(assigned.status, 200, assigned.text);
    await reviewThroughApi(company);
    await reviewThroughApi(university);

    const page = coordinatorPage;
    await page.reload();
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText(/The version has been approved/).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('The version has been published in the catalogue.').waitFor();

    await page.goto(`${baseUrl}/microcredentials/${id}`);
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByText('Practical test with a written rubric').waitFor();
  });

  step('differences between versions', async () => {
    const renamed = `Hand-cut timber joinery ${marker}`;
    const saved = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, {
      json: { ...draftBody(renamed), assessment_type: 'Practical test with a written rubric', workload_hours: 35 },
      csrf: true,
    });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.json.version, 2);

    const page = coordinatorPage;
    await page.goto(`${baseUrl}/microcredentials/${id}/versions`);
    await page.getByLabel('Older version', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Older version', { exact: true }).inputValue(), '1');
    assert.equal(await page.getByLabel('Newer version', { exact: true }).inputValue(), '2');

    const titleRow = page.locator('.diff__facts dd').first();
    await titleRow.waitFor();
    assert.deepEqual(await titleRow.locator('ins').allInnerTexts(), ['timber ']);
    const workload = page.locator('.diff__facts dt', { hasText: 'Notional workload (hours)' });
    await workload.waitFor();
    const workloadValue = page.locator('.diff__facts dt:has-text("Notional workload (hours)") + dd');
    assert.deepEqual(await workloadValue.locator('del').allInnerTexts(), ['30']);
    assert.deepEqual(await workloadValue.locator('ins').allInnerTexts(), ['35']);
    await page.getByText(/^Unchanged: Summary, Learning outcomes/).waitFor();
    await page.getByRole('cell', { name: 'Version 1 changes requested' }).waitFor();
    await saveScreenshot(page, 'validation-differences');
  });
});
