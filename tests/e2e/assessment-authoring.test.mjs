// Editors write the online assessment of a draft in Chromium: the rules, one question of each type
// and the question bank's counts per learning outcome. After the version is submitted, reviewed and
// published through the API, a learner takes the assessment and reads the editor's questions. The
// screens of a published version are read-only and point to a new version.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assessmentActors, createDraft, onlineDraft, retirePublished } from '../lib/assessment.mjs';
import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import { baseUrl, createUser, QUALITY_CRITERIA } from '../lib/stack.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

const SINGLE = 'Which firing temperature suits earthenware glazes?';
const MULTIPLE = 'Which defects come from firing a glaze too fast?';
const TRUE_FALSE = 'Bisque firing comes before glaze firing.';
const ORDERING = 'Put the steps of glazing a tile in order.';
const RETIRED = 'A question written by mistake.';
const WRITTEN = [SINGLE, MULTIPLE, TRUE_FALSE, ORDERING];

/** Assigns the reviewers of `actors` to submitted micro-credential `id`, reviews, approves and publishes it. */
async function reviewAndPublish(actors, id) {
  let response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
    reviewer_ids: actors.reviewerAccounts.map((account) => account.id),
  });
  assert.equal(response.status, 200, response.text);
  for (const reviewer of actors.reviewers) {
    const checklist = QUALITY_CRITERIA.map((criterion) => ({ criterion, result: 'pass', comment: 'Fine' }));
    const review = await reviewer.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist, recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(review.status, 200, review.text);
  }
  response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/approve`);
  assert.equal(response.status, 200, response.text);
  response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/publish`);
  assert.equal(response.status, 200, response.text);
  actors.published.add(id);
}

/** Fills the options of the open question form, adding rows until there are as many as texts. */
async function fillOptions(form, texts) {
  for (let i = 0; i < texts.length; i++) {
    if (i >= 2) await form.getByRole('button', { name: 'Add an option' }).click();
    await form.getByLabel(`Option ${i + 1}`, { exact: true }).fill(texts[i]);
  }
}

/** Waits until the focused element is the button labelled `label`. */
async function waitForFocusOn(page, label) {
  await page.waitForFunction((name) => document.activeElement?.getAttribute('aria-label') === name, label);
}

/** Returns the text of the count status of learning outcome `number` in the bank's table. */
async function outcomeStatus(page, number) {
  return (await page.locator(`.question-bank__counts tr[data-outcome="${number}"] .question-bank__status`).textContent()).trim();
}

describe('authoring an online assessment in the browser', { timeout: 280000 }, () => {
  let browser;
  let actors;

  before(async () => {
    browser = await launchBrowser();
    actors = await assessmentActors();
  });

  after(async () => {
    if (actors) await retirePublished(actors);
    await browser?.close();
  });

  test('editor writes rules and questions', async () => {
    const draft = await createDraft(actors, onlineDraft(undefined, 2));
    const editPath = `${baseUrl}/microcredentials/${draft.id}/assessment/edit`;
    const page = await newPage(browser, PHONE);
    try {
      await signInThroughForm(page, actors.editorAccount);
      await page.goto(`${baseUrl}/microcredentials/${draft.id}/edit`);
      await page.getByRole('link', { name: 'Rules and questions of the online assessment' }).click();
      await page.waitForURL(editPath);
      await page.getByRole('heading', { name: 'Online assessment: rules and questions' }).waitFor();
      await page.getByText('Save the rules first: until then no paper can be drawn.').waitFor();

      // A value out of range comes back from the API under its field, and the focus moves there.
      const perOutcome = page.getByLabel('Questions drawn per learning outcome', { exact: true });
      await perOutcome.fill('25');
      await page.getByLabel('Time limit (minutes)').fill('20');
      await page.getByRole('button', { name: 'Save the rules' }).click();
      await page.getByText('The rules were not saved. Correct the field marked below.').waitFor();
      assert.equal(await perOutcome.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#rule-questions_per_outcome-error').textContent(), /^The questions drawn per learning outcome must be a whole number from 1 to 20/);
      await page.waitForFunction(() => document.activeElement?.id === 'rule-questions_per_outcome');
      await saveScreenshot(page, 'assessment-authoring-rules-error-phone');

      await perOutcome.fill('2');
      await page.getByLabel('Pass mark overall (%)').fill('60');
      await page.getByLabel('Supervision and identity verification').selectOption('supervised_no_id_check');
      await page.getByRole('button', { name: 'Save the rules' }).click();
      await page.getByText('Rules saved.').waitFor();
      await page.getByText('Not enough questions to draw a paper yet.', { exact: false }).waitFor();
      assert.equal(await outcomeStatus(page, 1), 'Not enough: 2 more questions needed');
      assert.equal(await outcomeStatus(page, 2), 'Not enough: 2 more questions needed');

      // Single choice: three options, the right one marked by a radio button, then moved to the top.
      await page.getByRole('button', { name: 'Add a question' }).click();
      let form = page.locator('form.question-form');
      await form.getByLabel('Question', { exact: true }).fill(SINGLE);
      await fillOptions(form, ['1250 °C', '1050 °C', '600 °C']);
      await form.getByRole('radio', { name: 'Option 2 is the right answer' }).check();
      await form.getByRole('button', { name: 'Move option 2 up' }).click();
      assert.equal(await form.getByLabel('Option 1', { exact: true }).inputValue(), '1050 °C');
      assert.ok(await form.getByRole('radio', { name: 'Option 1 is the right answer' }).isChecked());
      // The focus follows the moved option, so a keyboard user can go on moving it.
      await waitForFocusOn(page, 'Move option 1 down');
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Tick at least one learning outcome.').waitFor();
      await form.getByRole('checkbox', { name: /^1\. / }).check();
      await form.getByLabel('Explanation').fill('Earthenware glazes mature around 1050 °C.');
      await saveScreenshot(page, 'assessment-authoring-single-choice-phone');
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();
      assert.equal(await outcomeStatus(page, 1), 'Not enough: 1 more question needed');

      // Multiple choice: check boxes mark the right options, and an extra option is removed again.
      await page.getByRole('button', { name: 'Add a question' }).click();
      form = page.locator('form.question-form');
      await form.getByLabel('Type of question').selectOption('multiple_choice');
      await form.getByLabel('Question', { exact: true }).fill(MULTIPLE);
      await fillOptions(form, ['Pinholes', 'Crawling', 'Colour change of the clay', 'Blisters']);
      await form.getByRole('button', { name: 'Remove option 3' }).click();
      await form.getByRole('checkbox', { name: 'Option 1 is right' }).check();
      await form.getByRole('checkbox', { name: 'Option 3 is right' }).check();
      await form.getByRole('checkbox', { name: /^2\. / }).check();
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();

      // True or false: a switch, turned off and on again with the keyboard.
      await page.getByRole('button', { name: 'Add a question' }).click();
      form = page.locator('form.question-form');
      await form.getByLabel('Type of question').selectOption('true_false');
      await form.getByLabel('Statement', { exact: true }).fill(TRUE_FALSE);
      const statementSwitch = form.getByRole('switch', { name: 'The statement is true' });
      assert.ok(await statementSwitch.isChecked());
      await statementSwitch.focus();
      await page.keyboard.press('Space');
      assert.equal(await statementSwitch.isChecked(), false);
      await page.keyboard.press('Space');
      assert.ok(await statementSwitch.isChecked());
      await form.getByRole('checkbox', { name: /^1\. / }).check();
      await saveScreenshot(page, 'assessment-authoring-true-false-phone');
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();
      assert.equal(await outcomeStatus(page, 1), 'Enough');
      assert.equal(await outcomeStatus(page, 2), 'Not enough: 1 more question needed');

      // Ordering: the options written in the right order, one moved down and back with buttons.
      await page.getByRole('button', { name: 'Add a question' }).click();
      form = page.locator('form.question-form');
      await form.getByLabel('Type of question').selectOption('ordering');
      await form.getByLabel('Question', { exact: true }).fill(ORDERING);
      await fillOptions(form, ['Clean the bisque tile', 'Dip it in the glaze', 'Wipe the foot', 'Fire it']);
      await form.getByRole('button', { name: 'Move option 1 down' }).click();
      await waitForFocusOn(page, 'Move option 2 down');
      await page.keyboard.press('Enter');
      await waitForFocusOn(page, 'Move option 3 down');
      assert.equal(await form.getByLabel('Option 3', { exact: true }).inputValue(), 'Clean the bisque tile');
      await form.getByRole('button', { name: 'Move option 3 up' }).click();
      await form.getByRole('button', { name: 'Move option 2 up' }).click();
      assert.equal(await form.getByLabel('Option 1', { exact: true }).inputValue(), 'Clean the bisque tile');
      await form.getByRole('checkbox', { name: /^2\. / }).check();
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();
      await page.getByText('Enough questions to draw a paper.').waitFor();
      assert.equal(await outcomeStatus(page, 2), 'Enough');

      // A question added by mistake is retired after a confirmation.
      await page.getByRole('button', { name: 'Add a question' }).click();
      form = page.locator('form.question-form');
      await form.getByLabel('Type of question').selectOption('true_false');
      await form.getByLabel('Statement', { exact: true }).fill(RETIRED);
      await form.getByRole('checkbox', { name: /^1\. / }).check();
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();
      await page.getByRole('button', { name: `Retire the question “${RETIRED}”` }).click();
      await page.getByRole('button', { name: 'Retire the question', exact: true }).click();
      await page.getByText('Question retired.', { exact: false }).waitFor();
      assert.equal(await page.getByText(RETIRED).count(), 0);

      // The edit form opens with the stored options and right answer, and saving replaces the question.
      await page.getByRole('button', { name: `Edit the question “${SINGLE}”` }).click();
      form = page.locator('form.question-form');
      assert.equal(await form.getByLabel('Option 1', { exact: true }).inputValue(), '1050 °C');
      assert.ok(await form.getByRole('radio', { name: 'Option 1 is the right answer' }).isChecked());
      await form.getByLabel('Explanation').fill('Earthenware glazes mature between 1000 and 1100 °C.');
      await form.getByRole('button', { name: 'Save the question' }).click();
      await page.getByText('Question saved.').waitFor();
      await saveScreenshot(page, 'assessment-authoring-bank-phone');
    } finally {
      await page.close();
    }

    const bank = await actors.editor.get(`/api/v1/microcredentials/${draft.id}/assessment/questions`);
    assert.equal(bank.status, 200, bank.text);
    const byPrompt = Object.fromEntries(bank.json.items.map((q) => [q.prompt, q]));
    assert.deepEqual(Object.keys(byPrompt).sort(), [...WRITTEN].sort());
    assert.deepEqual(byPrompt[SINGLE].options, ['1050 °C', '1250 °C', '600 °C']);
    assert.equal(byPrompt[SINGLE].correct, 0);
    assert.equal(byPrompt[SINGLE].explanation, 'Earthenware glazes mature between 1000 and 1100 °C.');
    assert.deepEqual(byPrompt[MULTIPLE].options, ['Pinholes', 'Crawling', 'Blisters']);
    assert.deepEqual(byPrompt[MULTIPLE].correct, [0, 2]);
    assert.deepEqual(byPrompt[MULTIPLE].outcomes, [1]);
    assert.equal(byPrompt[TRUE_FALSE].correct, true);
    assert.deepEqual(byPrompt[TRUE_FALSE].outcomes, [0]);
    assert.deepEqual(byPrompt[ORDERING].options, ['Clean the bisque tile', 'Dip it in the glaze', 'Wipe the foot', 'Fire it']);
    assert.deepEqual(byPrompt[ORDERING].correct, [0, 1, 2, 3]);

    const rules = await actors.editor.get(`/api/v1/microcredentials/${draft.id}/versions/1/assessment`);
    assert.equal(rules.json.rules.questions_per_outcome, 2);
    assert.equal(rules.json.rules.time_limit_minutes, 20);
    assert.equal(rules.json.rules.pass_mark_percent, 60);
    assert.equal(rules.json.rules.supervision, 'supervised_no_id_check');
    assert.equal(rules.json.drawable, true);

    // The editor submits the version in the editor.
    const desktop = await newPage(browser, DESKTOP);
    try {
      await signInThroughForm(desktop, actors.editorAccount);
      await desktop.goto(`${baseUrl}/microcredentials/${draft.id}/edit`);
      await desktop.getByRole('button', { name: 'Submit for validation' }).click();
      await desktop.getByText('Submitted for validation.', { exact: false }).waitFor();
    } finally {
      await desktop.close();
    }

    await reviewAndPublish(actors, draft.id);

    // A learner gets a paper drawn from the editor's questions.
    const learner = await createUser({ role: 'learner' });
    const learnerPage = await newPage(browser, PHONE);
    try {
      await signInThroughForm(learnerPage, learner);
      await learnerPage.goto(`${baseUrl}/microcredentials/${draft.id}`);
      await learnerPage.getByRole('button', { name: 'Take the assessment' }).click();
      await learnerPage.waitForURL(/\/attempts\/[0-9a-z]{20}$/);
      const heading = learnerPage.getByRole('heading', { name: /^Question 1 of \d+$/ });
      await heading.waitFor();
      const total = Number((await heading.textContent()).match(/of (\d+)/)[1]);
      // Each learning outcome has exactly two questions and the rules draw two, so the paper has all four.
      assert.equal(total, 4);
      const prompts = [];
      for (let number = 1; number <= total; number++) {
        await learnerPage.getByRole('heading', { name: `Question ${number} of ${total}` }).waitFor();
        prompts.push((await learnerPage.locator('.question__prompt').textContent()).trim());
        if (number < total) await learnerPage.getByRole('button', { name: 'Next' }).click();
      }
      for (const prompt of prompts) assert.ok(WRITTEN.includes(prompt), `${prompt} is not a question the editor wrote`);
      for (const prompt of WRITTEN) assert.ok(prompts.includes(prompt), `missing ${prompt} in ${prompts}`);
    } finally {
      await learnerPage.close();
    }

    // The published version's screens are read-only and point to a new version.
    for (const [name, options] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const readOnly = await newPage(browser, options);
      try {
        await signInThroughForm(readOnly, actors.editorAccount);
        await readOnly.goto(editPath);
        await readOnly.getByText('This version is published, so its rules and questions are read-only.').waitFor();
        await readOnly.getByRole('link', { name: 'Create a new version in the editor' }).waitFor();
        await readOnly.getByText(SINGLE).first().waitFor();
        assert.equal(await readOnly.getByRole('button', { name: 'Add a question' }).count(), 0);
        assert.equal(await readOnly.getByRole('button', { name: 'Save the rules' }).count(), 0);
        assert.equal(await readOnly.getByRole('button', { name: `Edit the question “${SINGLE}”` }).count(), 0);
        assert.equal(await readOnly.getByLabel('Time limit (minutes)').count(), 0);
        await saveScreenshot(readOnly, `assessment-authoring-read-only-${name}`);
      } finally {
        await readOnly.close();
      }
    }
  });
});
