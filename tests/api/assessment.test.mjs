// API v1 online assessments: authoring by editors, attempts by learners, scoring and issuing.
//
// The tests create their own micro-credential, assessed by an online questionnaire. The draft's
// question bank gets one question per learning outcome, each assessing only that outcome, so a
// paper with questions_per_outcome = 1 contains every question of the bank. The assessment of a
// published version never changes, so changing the rules means publishing a new version.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  ASSESSMENT_ORGANISATION,
  assessmentActors,
  createDraft,
  onlineDraft,
  openNewVersion,
  publishThroughReview,
  retirePublished,
} from '../lib/assessment.mjs';
import {
  Client,
  baseUrl,
  createUser,
  otherOrganisationShortName,
  signedInClient,
  sql,
  sqlValue,
} from '../lib/stack.mjs';

let mc;
let draftBody;
let actors;
let outcomes;
let editor;
let coordinator;
let bank;

function put(client, path, json, options = {}) {
  return client.request('PUT', path, { json, csrf: true, ...options });
}

/** Builds the question for outcome `position`, cycling through every question type. */
function questionFor(position) {
  const kinds = [
    { type: 'single_choice', options: ['Too low', 'Right', 'Too high'], correct: 1 },
    { type: 'multiple_choice', options: ['Glaze', 'Kiln', 'Sawdust', 'Frit'], correct: [0, 1, 3] },
    { type: 'true_false', correct: true },
    { type: 'ordering', options: ['Dry', 'Glaze', 'Fire', 'Sort'], correct: [0, 1, 2, 3] },
  ];
  return {
    ...kinds[position % kinds.length],
    prompt: `Question on outcome ${position + 1}: choose well`,
    outcomes: [position],
    explanation: `Outcome ${position + 1} explained`,
  };
}

/** Returns the right answer to a question, in the option positions that the attempt displays. */
function rightAnswer(shown) {
  const question = bank.find((item) => item.id === shown.id);
  if (question.type === 'true_false') return question.correct;
  const positionOf = (original) => shown.options.indexOf(question.options[original]);
  if (question.type === 'single_choice') return positionOf(question.correct);
  return question.correct.map(positionOf);
}

function wrongAnswer(shown) {
  const right = rightAnswer(shown);
  if (shown.type === 'true_false') return !right;
  if (shown.type === 'single_choice') return (right + 1) % shown.options.length;
  if (shown.type === 'multiple_choice') return [];
  return [...right].reverse();
}

async function answerAll(client, attempt, choose) {
  for (const question of attempt.questions) {
    const saved = await put(client, `/api/v1/attempts/${attempt.id}/answers/${question.id}`, { answer: choose(question) });
    assert.equal(saved.status, 200, saved.text);
  }
}

async function newLearner() {
  const account = await createUser({ role: 'learner' });
  return { account, client: await signedInClient(account) };
}

async function setRules(rules) {
  const response = await put(editor, `/api/v1/microcredentials/${mc.id}/assessment`, rules);
  assert.equal(response.status, 200, response.text);
  return response.json;
}

/** Publishes a new version whose assessment differs from the published one only by `rules`. */
async function publishWithRules(rules) {
  await openNewVersion(actors, mc.id, draftBody);
  await setRules(rules);
  await publishThroughReview(actors, mc.id);
  const list = await editor.get(`/api/v1/microcredentials/${mc.id}/assessment/questions`);
  assert.equal(list.status, 200, list.text);
  bank = bank.concat(list.json.items);
}

before(async () => {
  actors = await assessmentActors();
  editor = actors.editor;
  coordinator = actors.coordinator;
  draftBody = onlineDraft();
  const draft = await createDraft(actors, draftBody);
  mc = { id: draft.id, organisationShortName: ASSESSMENT_ORGANISATION };
  outcomes = draft.learning_outcomes;
});
after(async () => {
  await retirePublished(actors);
});


describe('assessment authoring', () => {
  test('editor sets rules and questions', async () => {
    const rules = await setRules({ questions_per_outcome: 1, time_limit_minutes: 20, pass_mark_percent: 75,
      outcome_min_percent: 50, max_attempts: 3, wait_minutes: 0 });
    assert.equal(rules.questions_per_outcome, 1);
    assert.equal(rules.pass_mark_percent, 75);
    assert.equal(rules.supervision, 'unsupervised_no_id_check');
    for (let position = 0; position < outcomes.length; position++) {
      const created = await editor.post(`/api/v1/microcredentials/${mc.id}/assessment/questions`, questionFor(position));
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.json.outcomes, [position]);
    }
    const list = await editor.get(`/api/v1/microcredentials/${mc.id}/assessment/questions`);
    assert.equal(list.status, 200);
    bank = list.json.items;
    assert.equal(bank.length, outcomes.length);
    assert.equal(list.json.version, 1);
    assert.equal(list.json.editable, true);
    assert.deepEqual(bank.find((item) => item.type === 'true_false').options, ['True', 'False']);
  });

  test('other roles cannot edit or read the bank', async () => {
    const otherEditor = await signedInClient(
      await createUser({ role: 'editor', organisationShortName: otherOrganisationShortName(mc) }),
    );
    const issuer = await signedInClient(await createUser({ role: 'issuer', organisationShortName: mc.organisationShortName }));
    const { client: learner } = await newLearner();
    const path = `/api/v1/microcredentials/${mc.id}/assessment`;
    assert.equal((await put(otherEditor, path, { pass_mark_percent: 1 })).status, 403);
    assert.equal((await otherEditor.get(`${path}/questions`)).status, 403);
    assert.equal((await issuer.get(`${path}/questions`)).status, 403);
    assert.equal((await learner.get(`${path}/questions`)).status, 403);
    assert.equal((await new Client().get(`${path}/questions`)).status, 401);
    assert.equal((await put(editor, path, { pass_mark_percent: 1 }, { csrf: false })).status, 403);
    assert.equal((await coordinator.get(`${path}/questions`)).status, 200);
    assert.equal(Number(await sqlValue(`SELECT pass_mark_percent FROM assessments WHERE microcredential_id = ${mc.id}`)), 75);
  });

  test('invalid questions name the field', async () => {
    const path = `/api/v1/microcredentials/${mc.id}/assessment/questions`;
    const cases = [
      [{ ...questionFor(0), type: 'essay' }, 'type'],
      [{ ...questionFor(0), prompt: '' }, 'prompt'],
      [{ ...questionFor(0), correct: 3 }, 'correct'],
      [{ ...questionFor(1), correct: [] }, 'correct'],
      [{ ...questionFor(3), correct: [0, 1, 1, 2] }, 'correct'],
      [{ ...questionFor(2), options: ['Yes', 'No'] }, 'options'],
      [{ ...questionFor(0), options: ['Only one'] , correct: 0 }, 'options'],
      [{ ...questionFor(0), outcomes: [outcomes.length] }, 'outcomes'],
      [{ ...questionFor(0), outcomes: [] }, 'outcomes'],
    ];
    const before = await sqlValue(`SELECT COUNT(*) FROM assessment_questions WHERE microcredential_id = ${mc.id}`);
    for (const [body, field] of cases) {
      const response = await editor.post(path, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
      assert.equal(response.json.error.field, field);
    }
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM assessment_questions WHERE microcredential_id = ${mc.id}`), before);
  });

  test('rules out of range are rejected', async () => {
    const path = `/api/v1/microcredentials/${mc.id}/assessment`;
    for (const [field, value] of [['pass_mark_percent', 0], ['pass_mark_percent', 101], ['time_limit_minutes', 0],
      ['max_attempts', 'three'], ['supervision', 'proctored']]) {
      const response = await put(editor, path, { [field]: value });
      assert.equal(response.status, 400, `${field}=${value}`);
      assert.equal(response.json.error.field, field);
    }
  });

  test('publication freezes the assessment', async () => {
    assert.equal((await new Client().get(`/api/v1/microcredentials/${mc.id}/assessment`)).status, 404);
    await publishThroughReview(actors, mc.id);
    const path = `/api/v1/microcredentials/${mc.id}/assessment`;
    const rules = await put(editor, path, { pass_mark_percent: 10 });
    assert.equal(rules.status, 409, rules.text);
    assert.equal(rules.json.error.code, 'version_not_editable');
    assert.match(rules.json.error.message, /create a new version/);
    assert.equal((await editor.post(`${path}/questions`, questionFor(0))).status, 409);
    assert.equal((await put(editor, `${path}/questions/${bank[0].id}`, questionFor(0))).status, 409);
    assert.equal((await editor.del(`${path}/questions/${bank[0].id}`)).status, 409);
    const list = await editor.get(`${path}/questions`);
    assert.equal(list.json.version_status, 'published');
    assert.equal(list.json.editable, false);
    assert.equal(list.json.items.length, outcomes.length);
    assert.equal(await sqlValue(`SELECT pass_mark_percent FROM assessments WHERE microcredential_id = ${mc.id}`), '75');
  });

  test('public summary shows availability', async () => {
    const summary = await new Client().get(`/api/v1/microcredentials/${mc.id}/assessment`);
    assert.equal(summary.status, 200);
    assert.equal(summary.json.available, true);
    assert.equal(summary.json.time_limit_minutes, 20);
    assert.equal(summary.json.max_questions, outcomes.length);
    assert.ok(!('questions' in summary.json));
  });

});

describe('attempts', () => {
  test('pass issues a certificate', async () => {
    const { account, client } = await newLearner();
    const started = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(started.status, 201, started.text);
    const attempt = started.json;
    assert.equal(attempt.status, 'in_progress');
    assert.equal(attempt.questions.length, outcomes.length);
    assert.ok(attempt.seconds_left > 0, `seconds_left ${attempt.seconds_left}`);
    assert.ok(attempt.seconds_left <= 20 * 60, `seconds_left ${attempt.seconds_left}`);
    assert.ok(!/"correct/.test(started.text), 'an unscored attempt reveals correct answers');
    assert.ok(!started.text.includes('explained'), 'an unscored attempt reveals explanations');

    const resumed = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(resumed.status, 200);
    assert.equal(resumed.json.id, attempt.id);

    await answerAll(client, attempt, rightAnswer);
    const reloaded = await client.get(`/api/v1/attempts/${attempt.id}`);
    assert.equal(reloaded.json.answered, outcomes.length);

    const submitted = await client.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.json.status, 'passed');
    assert.equal(submitted.json.score_percent, 100);
    assert.equal(submitted.json.outcomes.length, outcomes.length);
    assert.ok(submitted.json.outcomes.every((item) => item.passed));
    assert.ok(submitted.json.questions.every((item) => item.correct === true && item.explanation));
    const certificate = submitted.json.certificate;
    assert.ok(certificate, 'a pass carries its certificate');
    assert.match(certificate.id, /^[0-9a-hjkmnp-tv-z]{20}$/);
    assert.equal(certificate.verify_url, `${baseUrl}/v/${certificate.id}`);

    const verified = await new Client().get(`/api/v1/verify/${certificate.id}`);
    assert.equal(verified.json.status, 'valid');
    assert.equal(verified.json.holder.name, account.name);
    assert.equal(verified.json.microcredential.assessment_type, 'Online questionnaire');
    const signature = verified.json.checks.find((check) => check.check === 'signature');
    assert.equal(signature.result, 'passed', JSON.stringify(signature));

    const again = await client.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
    assert.equal(again.json.certificate.id, certificate.id);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE assessment_attempt_id = '${attempt.id}'`), '1');
    assert.equal(await sqlValue(`SELECT issued_via FROM certificates WHERE id = '${certificate.id}'`), 'assessment');
    assert.notEqual(await sqlValue(`SELECT microcredential_version_id FROM certificates WHERE id = '${certificate.id}'`), 'NULL');

    const after = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(after.status, 409);
    assert.equal(after.json.error.code, 'already_passed');
  });

  test('simultaneous submissions give one certificate', async () => {
    const { client } = await newLearner();
    const attempt = (await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined)).json;
    await answerAll(client, attempt, rightAnswer);
    const second = new Client();
    second.cookies = new Map(client.cookies);
    second.csrfToken = client.csrfToken;
    const [a, b] = await Promise.all([
      client.post(`/api/v1/attempts/${attempt.id}/submit`, undefined),
      second.post(`/api/v1/attempts/${attempt.id}/submit`, undefined),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    assert.equal(a.json.certificate.id, b.json.certificate.id);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE assessment_attempt_id = '${attempt.id}'`), '1');
  });

  test('failing, waiting and running out of attempts', async () => {
    await publishWithRules({ max_attempts: 2, wait_minutes: 0 });
    const { client } = await newLearner();
    const first = (await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined)).json;
    await answerAll(client, first, wrongAnswer);
    const failed = await client.post(`/api/v1/attempts/${first.id}/submit`, undefined);
    assert.equal(failed.json.status, 'failed');
    assert.equal(failed.json.certificate, null);
    assert.equal(failed.json.score_percent, 0);
    assert.ok(failed.json.outcomes.every((item) => item.passed === false));
    // One attempt is left, so the answers that would pass it stay hidden.
    assert.equal(failed.json.answers_revealed, false);
    assert.equal(failed.json.next_attempt.attempts_left, 1);
    assert.ok(!/"correct|"explanation/.test(JSON.stringify(failed.json.questions)), 'a failure with attempts left reveals answers');
    assert.ok(failed.json.questions.every((item) => item.answer !== undefined && item.prompt));
    const reread = await client.get(`/api/v1/attempts/${first.id}`);
    assert.equal(reread.json.answers_revealed, false);

    await publishWithRules({ wait_minutes: 60 });
    const waiting = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(waiting.status, 409);
    assert.equal(waiting.json.error.code, 'wait_required');
    const retryAfter = Number(waiting.headers.get('retry-after'));
    assert.ok(retryAfter > 3500, `Retry-After ${retryAfter}`);
    assert.ok(retryAfter <= 3600, `Retry-After ${retryAfter}`);
    // The public summary gives the signed-in learner the time the next attempt may start.
    const summary = (await client.get(`/api/v1/microcredentials/${mc.id}/assessment`)).json;
    assert.equal(summary.next_attempt.attempts_left, 1);
    assert.equal(summary.next_attempt.passed, false);
    const nextAt = Date.parse(summary.next_attempt.at);
    assert.ok(nextAt > Date.now() + 3500 * 1000, summary.next_attempt.at);
    assert.ok(nextAt <= Date.now() + 3600 * 1000, summary.next_attempt.at);
    assert.match(summary.next_attempt.on, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(typeof summary.time_zone, 'string');
    const anonymous = (await new Client().get(`/api/v1/microcredentials/${mc.id}/assessment`)).json;
    assert.equal(anonymous.next_attempt, undefined);

    await publishWithRules({ wait_minutes: 0 });
    const second = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(second.status, 201);
    assert.notEqual(second.json.id, first.id);
    const last = await client.post(`/api/v1/attempts/${second.json.id}/submit`, undefined);
    // No attempt is left, so the result now shows the right answers.
    assert.equal(last.json.status, 'failed');
    assert.equal(last.json.answers_revealed, true);
    assert.ok(last.json.questions.every((item) => item.correct === false && item.correct_answer !== undefined));
    const earlier = await client.get(`/api/v1/attempts/${first.id}`);
    assert.equal(earlier.json.answers_revealed, true);
    const none = await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
    assert.equal(none.status, 409);
    assert.equal(none.json.error.code, 'no_attempts_left');
    await publishWithRules({ max_attempts: 3 });
  });

  test('server enforces the time limit', async () => {
    const { client } = await newLearner();
    const attempt = (await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined)).json;
    const [first, ...rest] = attempt.questions;
    assert.equal((await put(client, `/api/v1/attempts/${attempt.id}/answers/${first.id}`, { answer: rightAnswer(first) })).status, 200);
    await sql(`UPDATE assessment_attempts SET deadline_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = '${attempt.id}'`);
    const late = await put(client, `/api/v1/attempts/${attempt.id}/answers/${rest[0].id}`, { answer: rightAnswer(rest[0]) });
    assert.equal(late.status, 409);
    assert.equal(late.json.error.code, 'time_over');
    const scored = await client.get(`/api/v1/attempts/${attempt.id}`);
    assert.equal(scored.json.status, 'failed');
    assert.equal(scored.json.answered, 1);
    const submitted = await client.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
    assert.equal(submitted.status, 200);
    assert.equal(submitted.json.status, 'failed');
  });

  test('another learner cannot touch an attempt', async () => {
    const { client: owner } = await newLearner();
    const { client: intruder } = await newLearner();
    const attempt = (await owner.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined)).json;
    const question = attempt.questions[0];
    assert.equal((await intruder.get(`/api/v1/attempts/${attempt.id}`)).status, 404);
    assert.equal((await put(intruder, `/api/v1/attempts/${attempt.id}/answers/${question.id}`, { answer: rightAnswer(question) })).status, 404);
    assert.equal((await intruder.post(`/api/v1/attempts/${attempt.id}/submit`, undefined)).status, 404);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM assessment_answers WHERE attempt_id = '${attempt.id}'`), '0');
    assert.equal(await sqlValue(`SELECT status FROM assessment_attempts WHERE id = '${attempt.id}'`), 'in_progress');
    assert.equal((await coordinator.get(`/api/v1/attempts/${attempt.id}`)).status, 403);
    assert.equal((await new Client().get(`/api/v1/attempts/${attempt.id}`)).status, 401);
  });

  test('invalid answers name the field', async () => {
    const { client } = await newLearner();
    const attempt = (await client.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined)).json;
    for (const question of attempt.questions) {
      const wrongShapes = {
        single_choice: [question.options.length, -1, [0], 'one'],
        multiple_choice: [0, [0, 0], [99]],
        true_false: [1, 'true', null],
        ordering: [[0, 1], [0, 0, 1, 2], 3],
      }[question.type];
      for (const answer of wrongShapes) {
        const response = await put(client, `/api/v1/attempts/${attempt.id}/answers/${question.id}`, { answer });
        assert.equal(response.status, 400, `${question.type} ${JSON.stringify(answer)}: ${response.text}`);
        assert.equal(response.json.error.field, 'answer');
      }
    }
    const unknown = await put(client, `/api/v1/attempts/${attempt.id}/answers/999999999`, { answer: true });
    assert.equal(unknown.status, 404);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM assessment_answers WHERE attempt_id = '${attempt.id}'`), '0');
  });

  test('unknown micro-credential or attempt is 404', async () => {
    const { client } = await newLearner();
    assert.equal((await client.post('/api/v1/microcredentials/999999/attempts', undefined)).status, 404);
    assert.equal((await client.get('/api/v1/attempts/0000000000000000000a')).status, 404);
    assert.equal((await client.get('/api/v1/attempts/not-an-attempt')).status, 404);
  });
});
