// The online assessment of a version in Chromium. An assigned reviewer reads the questions with
// their correct answers beside the quality checklist. A learner takes the demo timber-frame
// assessment in Spanish, with English for the questions that have no Spanish translation. An
// editor translates a question of a new version on the micro-credential's page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  assessmentActors,
  createDraft,
  onlineDraft,
  openNewVersion,
  publishThroughReview,
  retirePublished,
  submitForReview,
} from '../lib/assessment.mjs';
import { launchBrowser, newPage, saveScreenshot } from '../lib/browser.mjs';
import { signInThroughForm } from '../lib/signin.mjs';
import { baseUrl, createUser, demoMicrocredential } from '../lib/stack.mjs';

const TIMBER_FRAME_TITLE = 'Timber-frame assembly of prefabricated wall panels';
const SPANISH_PROMPTS = [
  'En un plano de taller de paneles, ¿qué indica la lista de corte?',
  'Si se miden las dos diagonales de un bastidor y son iguales, el bastidor está a escuadra.',
];

describe('assessment of a version in the browser', { timeout: 180000 }, () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('reviewer sees assessment beside checklist', async () => {
    const actors = await assessmentActors();
    const draft = await createDraft(actors, onlineDraft(undefined, 1));
    const path = `/api/v1/microcredentials/${draft.id}/assessment`;
    const rules = await actors.editor.request('PUT', path, { json: { questions_per_outcome: 1 }, csrf: true });
    assert.equal(rules.status, 200, rules.text);
    const question = await actors.editor.post(`${path}/questions`, {
      type: 'single_choice',
      prompt: 'Which cone marks the glaze firing of stoneware?',
      options: ['Cone 06', 'Cone 6'],
      correct: 1,
      outcomes: [0],
      explanation: 'Stoneware glazes mature around cone 6.',
    });
    assert.equal(question.status, 201, question.text);
    await submitForReview(actors, draft.id);

    const page = await newPage(browser);
    try {
      await signInThroughForm(page, actors.reviewerAccounts[0]);
      await page.goto(`${baseUrl}/microcredentials/${draft.id}/review`);
      await page.getByRole('heading', { name: 'Online assessment of version 1' }).waitFor();
      await page.getByRole('heading', { name: 'Quality checklist' }).waitFor();
      const assessment = page.locator('.version-assessment');
      await assessment.getByText('Which cone marks the glaze firing of stoneware?').waitFor();
      assert.equal((await assessment.locator('.version-assessment__correct').textContent()).trim(), 'Cone 6');
      await assessment.getByText('Stoneware glazes mature around cone 6.').waitFor();
      await saveScreenshot(page, 'assessment-review');
    } finally {
      await page.close();
    }
  });

  test('editor translates a question', async () => {
    const actors = await assessmentActors();
    const body = onlineDraft(undefined, 1);
    const draft = await createDraft(actors, body);
    const path = `/api/v1/microcredentials/${draft.id}/assessment`;
    assert.equal((await actors.editor.request('PUT', path, { json: { questions_per_outcome: 1 }, csrf: true })).status, 200);
    const created = await actors.editor.post(`${path}/questions`, {
      type: 'single_choice', prompt: 'Which kiln atmosphere gives copper red?', options: ['Oxidation', 'Reduction'], correct: 1, outcomes: [0],
    });
    assert.equal(created.status, 201, created.text);
    await publishThroughReview(actors, draft.id);
    await openNewVersion(actors, draft.id, body);

    const page = await newPage(browser);
    try {
      await signInThroughForm(page, actors.editorAccount);
      await page.goto(`${baseUrl}/microcredentials/${draft.id}`);
      await page.getByRole('heading', { name: 'Translations of the questions of version 2' }).waitFor();
      await page.getByLabel('Language of the translation').selectOption('es');
      await page.getByLabel('Question in Spanish').fill('¿Qué atmósfera del horno da el rojo de cobre?');
      await page.getByLabel('Translation of the option “Oxidation”').fill('Oxidación');
      await page.getByLabel('Translation of the option “Reduction”').fill('Reducción');
      await page.getByRole('button', { name: 'Save translation' }).click();
      await page.getByText('Translation saved.').waitFor();
      await saveScreenshot(page, 'assessment-translation-editor');
    } finally {
      await page.close();
    }
    const list = await actors.editor.get(`${path}/questions`);
    assert.equal(list.json.version, 2);
    const [translation] = list.json.items[0].translations;
    assert.equal(translation.language, 'es');
    assert.equal(translation.prompt, '¿Qué atmósfera del horno da el rojo de cobre?');
    assert.deepEqual(translation.options, ['Oxidación', 'Reducción']);
    assert.equal(list.json.items[0].correct, 1);
    await retirePublished(actors);
  });

  test('learner takes assessment in Spanish', async () => {
    const timberFrame = await demoMicrocredential(TIMBER_FRAME_TITLE);
    const learner = await createUser({ role: 'learner' });
    const page = await newPage(browser);
    try {
      await signInThroughForm(page, learner);
      await page.goto(`${baseUrl}/microcredentials/${timberFrame.id}`);
      await page.getByRole('heading', { name: 'Online assessment' }).waitFor();
      await page.getByLabel('Language of the questions').selectOption('es');
      await saveScreenshot(page, 'assessment-language-choice');
      await page.getByRole('button', { name: 'Take the assessment' }).click();
      await page.waitForURL(/\/attempts\/[0-9a-z]{20}$/);

      const heading = page.getByRole('heading', { name: /^Question 1 of \d+$/ });
      await heading.waitFor();
      const total = Number((await heading.textContent()).match(/of (\d+)/)[1]);
      const prompts = [];
      for (let number = 1; number <= total; number++) {
        await page.getByRole('heading', { name: `Question ${number} of ${total}` }).waitFor();
        prompts.push((await page.locator('.question__prompt').textContent()).trim());
        if (SPANISH_PROMPTS[0] === prompts[prompts.length - 1]) {
          await page.getByRole('radio', { name: 'La longitud, la sección y el número de cada pieza de madera' }).waitFor();
          await saveScreenshot(page, 'assessment-question-spanish');
        }
        if (number < total) await page.getByRole('button', { name: 'Next' }).click();
      }
      for (const spanish of SPANISH_PROMPTS) assert.ok(prompts.includes(spanish), `missing ${spanish} in ${prompts}`);
      assert.ok(prompts.includes('Put the final steps for a finished panel in the right order.'), 'an untranslated question falls back to English');
    } finally {
      await page.close();
    }
  });
});
