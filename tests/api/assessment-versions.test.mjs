// API v1 online assessments as part of micro-credential versions. A new version copies the
// assessment and an attempt keeps the version it started with. Submission needs an assessment from
// which a paper can be drawn, reviewers of the version read it, and questions have translations.
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
import { createUser, signedInClient, sqlValue } from '../lib/stack.mjs';

let actors;

function put(client, path, json) {
  return client.request('PUT', path, { json, csrf: true });
}

async function newLearner() {
  return signedInClient(await createUser({ role: 'learner' }));
}

/** Builds a true/false question on outcome `position` whose right answer is `correct`. */
function statement(position, correct, extra = {}) {
  return { type: 'true_false', prompt: `Statement on outcome ${position + 1}`, correct, outcomes: [position], ...extra };
}

/** Creates a draft with `outcomeCount` outcomes, rules and the `questions`; returns its id. */
async function draftWithAssessment(outcomeCount, questions, rules = {}) {
  const body = onlineDraft(undefined, outcomeCount);
  const draft = await createDraft(actors, body);
  const path = `/api/v1/microcredentials/${draft.id}/assessment`;
  const set = await put(actors.editor, path, { questions_per_outcome: 1, max_attempts: 5, wait_minutes: 0, ...rules });
  assert.equal(set.status, 200, set.text);
  for (const question of questions) {
    const created = await actors.editor.post(`${path}/questions`, question);
    assert.equal(created.status, 201, created.text);
  }
  return { id: draft.id, body };
}

before(async () => {
  actors = await assessmentActors();
});
after(async () => {
  await retirePublished(actors);
});


describe('assessment of a version', () => {
  test('new version copies the assessment', async () => {
    const { id, body } = await draftWithAssessment(1, [
      statement(0, true, { translations: [{ language: 'es', prompt: 'Afirmación sobre el resultado 1' }] }),
    ], { pass_mark_percent: 80 });
    await publishThroughReview(actors, id);
    const v2 = await openNewVersion(actors, id, body);
    assert.equal(v2.version, 2);

    const first = await actors.editor.get(`/api/v1/microcredentials/${id}/versions/1/assessment`);
    const second = await actors.editor.get(`/api/v1/microcredentials/${id}/versions/2/assessment`);
    assert.equal(first.status, 200, first.text);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.rules.pass_mark_percent, 80);
    assert.equal(second.json.editable, true);
    assert.equal(first.json.editable, false);
    assert.equal(second.json.questions.length, 1);
    const [copy] = second.json.questions;
    const [original] = first.json.questions;
    assert.notEqual(copy.id, original.id);
    assert.equal(copy.copied_from, original.id);
    assert.equal(copy.prompt, original.prompt);
    assert.equal(copy.correct, true);
    assert.deepEqual(copy.translations.map((t) => [t.language, t.prompt]), [['es', 'Afirmación sobre el resultado 1']]);

    const list = await actors.editor.get(`/api/v1/microcredentials/${id}/assessment/questions`);
    assert.equal(list.json.version, 2);
    assert.deepEqual(list.json.items.map((item) => item.id), [copy.id]);
  });

  test('attempt keeps its version', async () => {
    const { id, body } = await draftWithAssessment(2, [statement(0, true), statement(1, true)]);
    await publishThroughReview(actors, id);
    const learner = await newLearner();
    const started = await learner.post(`/api/v1/microcredentials/${id}/attempts`, undefined);
    assert.equal(started.status, 201, started.text);
    assert.equal(started.json.version, 1);

    // Version 2 reverses both statements and is published while the attempt runs.
    await openNewVersion(actors, id, body);
    const path = `/api/v1/microcredentials/${id}/assessment/questions`;
    for (const question of (await actors.editor.get(path)).json.items) {
      const replaced = await put(actors.editor, `${path}/${question.id}`, { ...statement(question.outcomes[0], false), prompt: `Reversed ${question.prompt}` });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.json.version, 2);
    }
    await publishThroughReview(actors, id);

    const resumed = await learner.get(`/api/v1/attempts/${started.json.id}`);
    assert.deepEqual(resumed.json.questions.map((q) => q.prompt), started.json.questions.map((q) => q.prompt));
    for (const question of started.json.questions) {
      const saved = await put(learner, `/api/v1/attempts/${started.json.id}/answers/${question.id}`, { answer: true });
      assert.equal(saved.status, 200, saved.text);
    }
    const submitted = await learner.post(`/api/v1/attempts/${started.json.id}/submit`, undefined);
    assert.equal(submitted.json.status, 'passed', submitted.text);
    assert.equal(submitted.json.version, 1);
    const certifiedVersion = await sqlValue(
      `SELECT v.version FROM certificates c JOIN microcredential_versions v ON v.id = c.microcredential_version_id WHERE c.id = '${submitted.json.certificate.id}'`,
    );
    assert.equal(certifiedVersion, '1');

    const later = await (await newLearner()).post(`/api/v1/microcredentials/${id}/attempts`, undefined);
    assert.equal(later.status, 201, later.text);
    assert.equal(later.json.version, 2);
    assert.ok(later.json.questions.every((q) => q.prompt.startsWith('Reversed')), later.text);
  });

  test('submission needs a drawable assessment', async () => {
    const draft = await createDraft(actors, onlineDraft(undefined, 2));
    const submitPath = `/api/v1/microcredentials/${draft.id}/submit`;
    let response = await actors.editor.post(submitPath);
    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.error.field, 'assessment');
    assert.deepEqual(response.json.error.fields.map((f) => f.field), ['assessment']);

    const path = `/api/v1/microcredentials/${draft.id}/assessment`;
    assert.equal((await put(actors.editor, path, { questions_per_outcome: 2 })).status, 200);
    for (const question of [statement(0, true), statement(0, false), statement(1, true)]) {
      assert.equal((await actors.editor.post(`${path}/questions`, question)).status, 201);
    }
    response = await actors.editor.post(submitPath);
    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.error.field, 'assessment.questions');
    assert.equal(response.json.error.fields.length, 1);
    assert.match(response.json.error.fields[0].message, /learning outcome 2 has 1 questions/);
    assert.equal(await sqlValue(`SELECT status FROM microcredential_versions WHERE microcredential_id = ${draft.id}`), 'draft');

    assert.equal((await actors.editor.post(`${path}/questions`, statement(1, false))).status, 201);
    response = await actors.editor.post(submitPath);
    assert.equal(response.status, 200, response.text);
    const frozen = await put(actors.editor, path, { pass_mark_percent: 50 });
    assert.equal(frozen.status, 409);
    assert.equal(frozen.json.error.code, 'version_not_editable');
  });

  test('no learning outcomes, no paper', async () => {
    // A draft may lack its learning outcomes. Its assessment then cannot be drawn, however many
    // questions it has, and the problem names the learning outcomes.
    const body = { ...onlineDraft(undefined, 1), learning_outcomes: [] };
    const draft = await createDraft(actors, body);
    const path = `/api/v1/microcredentials/${draft.id}/assessment`;
    assert.equal((await put(actors.editor, path, { questions_per_outcome: 1 })).status, 200);
    const read = await actors.editor.get(`/api/v1/microcredentials/${draft.id}/versions/1/assessment`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.drawable, false);
    assert.ok(read.json.problems.some((problem) => problem.field === 'learning_outcomes'), read.text);
  });

  test('assigned reviewer reads the assessment', async () => {
    const { id } = await draftWithAssessment(1, [statement(0, false, { explanation: 'It is false.' })]);
    await submitForReview(actors, id);
    const path = `/api/v1/microcredentials/${id}/versions/1/assessment`;
    for (const reviewer of actors.reviewers) {
      const read = await reviewer.get(path);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.json.questions[0].correct, false);
      assert.deepEqual(read.json.questions[0].outcomes, [0]);
      assert.equal(read.json.learning_outcomes.length, 1);
      assert.equal(read.json.drawable, true);
    }
    const unassigned = await signedInClient(await createUser({ role: 'reviewer', organisationShortName: 'FHS' }));
    const refused = await unassigned.get(path);
    assert.equal(refused.status, 403, refused.text);
    assert.ok(!refused.text.includes('It is false'));
    assert.equal((await (await newLearner()).get(path)).status, 403);
    assert.equal((await actors.reviewers[0].get(`/api/v1/microcredentials/${id}/versions/9/assessment`)).status, 404);
  });
});

describe('assessment translations', () => {
  let id;

  before(async () => {
    ({ id } = await draftWithAssessment(1, [{
      type: 'single_choice',
      prompt: 'Which firing is hotter?',
      options: ['Bisque firing', 'Glaze firing for porcelain'],
      correct: 1,
      outcomes: [0],
      explanation: 'Porcelain glaze firing is the hotter one.',
      translations: [
        { language: 'es', prompt: '¿Qué cocción es más caliente?', options: ['Cocción de bizcocho', 'Cocción de esmalte para porcelana'] },
        { language: 'fr', explanation: 'La cuisson de l’émail de porcelaine est la plus chaude.' },
      ],
    }]));
    await publishThroughReview(actors, id);
  });

  test('invalid translations name the field', async () => {
    const draft = await createDraft(actors, onlineDraft(undefined, 1));
    const path = `/api/v1/microcredentials/${draft.id}/assessment/questions`;
    const base = { type: 'single_choice', prompt: 'P', options: ['A', 'B'], correct: 0, outcomes: [0] };
    const cases = [
      [[{ language: 'es', options: ['Solo una'] }], 'translations[0].options'],
      [[{ language: 'ES', prompt: 'x' }], 'translations[0].language'],
      [[{ language: 'en', prompt: 'x' }], 'translations[0].language'],
      [[{ language: 'es', prompt: 'x' }, { language: 'es', prompt: 'y' }], 'translations[1].language'],
      [[{ language: 'es', prompt: 7 }], 'translations[0].prompt'],
      ['es', 'translations'],
    ];
    for (const [translations, field] of cases) {
      const response = await actors.editor.post(path, { ...base, translations });
      assert.equal(response.status, 400, `${JSON.stringify(translations)}: ${response.text}`);
      assert.equal(response.json.error.field, field);
    }
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM assessment_questions WHERE microcredential_id = ${draft.id}`), '0');
  });

  test('learner gets the chosen language', async () => {
    const summary = await (await newLearner()).get(`/api/v1/microcredentials/${id}/assessment`);
    assert.deepEqual(summary.json.languages, ['en', 'es', 'fr']);
    const learner = await newLearner();
    const started = await learner.post(`/api/v1/microcredentials/${id}/attempts?lang=es`, undefined);
    assert.equal(started.status, 201, started.text);
    assert.equal(started.json.language, 'es');
    const [question] = started.json.questions;
    assert.equal(question.prompt, '¿Qué cocción es más caliente?');
    assert.deepEqual([...question.options].sort(), ['Cocción de bizcocho', 'Cocción de esmalte para porcelana']);
    assert.ok(!/"correct/.test(started.text), 'an unscored attempt reveals correct answers');
    assert.ok(!started.text.includes('hotter one'), 'an unscored attempt reveals explanations');

    const right = question.options.indexOf('Cocción de esmalte para porcelana');
    assert.equal((await put(learner, `/api/v1/attempts/${started.json.id}/answers/${question.id}`, { answer: right })).status, 200);
    const submitted = await learner.post(`/api/v1/attempts/${started.json.id}/submit`, undefined);
    assert.equal(submitted.json.status, 'passed', submitted.text);
    assert.equal(submitted.json.questions[0].correct_answer, right);
    assert.equal(submitted.json.questions[0].explanation, 'Porcelain glaze firing is the hotter one.');
  });

  test('missing fields fall back to English', async () => {
    const learner = await newLearner();
    const started = await learner.post(`/api/v1/microcredentials/${id}/attempts?lang=fr`, undefined);
    assert.equal(started.status, 201, started.text);
    const [question] = started.json.questions;
    assert.equal(question.prompt, 'Which firing is hotter?');
    assert.deepEqual([...question.options].sort(), ['Bisque firing', 'Glaze firing for porcelain']);
    const right = question.options.indexOf('Glaze firing for porcelain');
    await put(learner, `/api/v1/attempts/${started.json.id}/answers/${question.id}`, { answer: right });
    const submitted = await learner.post(`/api/v1/attempts/${started.json.id}/submit`, undefined);
    assert.equal(submitted.json.status, 'passed', submitted.text);
    assert.equal(submitted.json.questions[0].explanation, 'La cuisson de l’émail de porcelaine est la plus chaude.');

    const german = await (await newLearner()).post(`/api/v1/microcredentials/${id}/attempts?lang=de`, undefined);
    assert.equal(german.json.questions[0].prompt, 'Which firing is hotter?');
    const invalid = await (await newLearner()).post(`/api/v1/microcredentials/${id}/attempts?lang=spanish`, undefined);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.field, 'lang');
  });
});
