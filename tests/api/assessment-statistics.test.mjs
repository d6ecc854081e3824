// API v1 statistics of an online assessment, the version an attempt records, the assessment of a
// published version that no longer changes, and when a failed learner may try again.
//
// A micro-credential that the test creates gets a bank of three true/false questions that each assess
// every learning outcome, so with questions_per_outcome = 3 every paper holds all three. Five
// learners then answer in known patterns (1 = right):
//
//   learner  Q1 Q2 Q3  score_percent (stored with 2 decimals)
//   A         1  1  1  100
//   B         1  1  0   66.67
//   C         1  0  0   33.33
//   D         0  0  1   33.33
//   E         0  0  0    0
//
// Pass mark 60 %: A and B pass, so the pass rate is 2/5 = 0.4 and the mean score 233.33/5 = 46.666.
// The population standard deviation of the five scores is s = sqrt(16666.6667/5 - 46.666^2) =
// 33.9944. Point-biserial r = (M1 - M0) / s * sqrt(p (1 - p)):
//   Q1: p = 3/5, M1 = 200/3 = 66.6667, M0 = 33.33/2 = 16.665  -> r = 0.7206
//   Q2: p = 2/5, M1 = 166.67/2 = 83.335, M0 = 66.66/3 = 22.22 -> r = 0.8807
//   Q3: p = 2/5, M1 = 133.33/2 = 66.665, M0 = 100/3 = 33.3333 -> r = 0.4803
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
  createUser,
  otherOrganisationShortName,
  signedInClient,
  sql,
  sqlValue,
} from '../lib/stack.mjs';

const PATTERNS = { A: [1, 1, 1], B: [1, 1, 0], C: [1, 0, 0], D: [0, 0, 1], E: [0, 0, 0] };
const EXPECTED = [
  { difficulty: 0.6, discrimination: 0.7206 },
  { difficulty: 0.4, discrimination: 0.8807 },
  { difficulty: 0.4, discrimination: 0.4803 },
];

let mc;
let actors;
let draftBody;
let editor;
let coordinator;
let bank;
const results = {};

function put(client, path, json) {
  return client.request('PUT', path, { json, csrf: true });
}

async function newLearner() {
  return signedInClient(await createUser({ role: 'learner' }));
}

async function startAttempt(learner) {
  const started = await learner.post(`/api/v1/microcredentials/${mc.id}/attempts`, undefined);
  assert.equal(started.status, 201, started.text);
  return started.json;
}

/** Answers the three questions of attempt by pattern and submits it; returns the result. */
async function takeWith(learner, pattern) {
  const attempt = await startAttempt(learner);
  assert.equal(attempt.questions.length, 3);
  for (const shown of attempt.questions) {
    const position = bank.findIndex((question) => question.id === shown.id);
    const saved = await put(learner, `/api/v1/attempts/${attempt.id}/answers/${shown.id}`, { answer: pattern[position] === 1 });
    assert.equal(saved.status, 200, saved.text);
  }
  const submitted = await learner.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.json;
}

before(async () => {
  actors = await assessmentActors();
  editor = actors.editor;
  coordinator = actors.coordinator;
  draftBody = onlineDraft(undefined, 2);
  const draft = await createDraft(actors, draftBody);
  mc = { id: draft.id, organisationShortName: ASSESSMENT_ORGANISATION };
  const outcomes = draft.learning_outcomes.map((_, position) => position);
  const rules = await put(editor, `/api/v1/microcredentials/${mc.id}/assessment`, {
    questions_per_outcome: 3, time_limit_minutes: 30, pass_mark_percent: 60, outcome_min_percent: 50,
    max_attempts: 2, wait_minutes: 60,
  });
  assert.equal(rules.status, 200, rules.text);
  for (const number of [1, 2, 3]) {
    const created = await editor.post(`/api/v1/microcredentials/${mc.id}/assessment/questions`, {
      type: 'true_false', prompt: `Statement ${number} about photovoltaic roofs`, correct: true, outcomes,
      explanation: `Statement ${number} is true.`,
    });
    assert.equal(created.status, 201, created.text);
  }
  bank = (await editor.get(`/api/v1/microcredentials/${mc.id}/assessment/questions`)).json.items;
  bank.sort((a, b) => a.id - b.id);
  assert.equal(bank.length, 3);
  await publishThroughReview(actors, mc.id);
  for (const [name, pattern] of Object.entries(PATTERNS)) {
    results[name] = await takeWith(await newLearner(), pattern);
  }
});
after(async () => {
  await retirePublished(actors);
});


describe('assessment statistics', () => {
  test('scores match the patterns', () => {
    assert.deepEqual(Object.values(results).map((r) => r.score_percent), [100, 66.67, 33.33, 33.33, 0]);
    assert.deepEqual(Object.values(results).map((r) => r.status), ['passed', 'passed', 'failed', 'failed', 'failed']);
  });

  test('figures computed by hand', async () => {
    const response = await editor.get(`/api/v1/microcredentials/${mc.id}/assessment/statistics`);
    assert.equal(response.status, 200, response.text);
    const stats = response.json;
    assert.deepEqual(stats.attempts, { finished: 5, passed: 2, failed: 3, in_progress: 0 });
    assert.equal(stats.pass_rate, 0.4);
    assert.equal(stats.average_score_percent, 46.666);
    assert.equal(stats.discrimination_method, 'point_biserial');
    assert.equal(stats.questions.length, 3);
    stats.questions.forEach((question, i) => {
      assert.equal(question.id, bank[i].id);
      assert.equal(question.attempts, 5);
      assert.equal(question.difficulty, EXPECTED[i].difficulty, `difficulty of Q${i + 1}`);
      assert.equal(question.discrimination, EXPECTED[i].discrimination, `discrimination of Q${i + 1}`);
    });
  });

  test('CSV has one row per question', async () => {
    const response = await coordinator.get(`/api/v1/microcredentials/${mc.id}/assessment/statistics?format=csv`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/csv/);
    const lines = response.text.trim().split('\r\n');
    assert.equal(lines[0], 'question_id,type,prompt,retired,attempts,correct,difficulty,discrimination');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], `${bank[0].id},true_false,Statement 1 about photovoltaic roofs,false,5,3,0.6000,0.7206`);
  });

  test('only authors and coordinators read them', async () => {
    const path = `/api/v1/microcredentials/${mc.id}/assessment/statistics`;
    const otherEditor = await signedInClient(
      await createUser({ role: 'editor', organisationShortName: otherOrganisationShortName(mc) }),
    );
    assert.equal((await otherEditor.get(path)).status, 403);
    assert.equal((await (await newLearner()).get(path)).status, 403);
    assert.equal((await new Client().get(path)).status, 401);
    assert.equal((await editor.get(`${path}?format=xml`)).status, 400);
    assert.equal((await editor.get('/api/v1/microcredentials/999999/assessment/statistics')).status, 404);
  });
});

describe('assessment of a published version', () => {
  test('failed result says when to retry', () => {
    const next = results.C.next_attempt;
    assert.equal(next.possible, true);
    assert.equal(next.attempts_left, 1);
    const wait = (Date.parse(next.at) - Date.parse(results.C.server_time)) / 1000;
    assert.ok(wait > 3500 && wait <= 3600, `wait ${wait}`);
    assert.match(next.on, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(results.A.next_attempt, undefined);
  });

  test('attempt keeps version, editing rejected', async () => {
    const learner = await newLearner();
    const attempt = await startAttempt(learner);
    const version = await sqlValue(`SELECT id FROM microcredential_versions WHERE microcredential_id = ${mc.id} AND status = 'published'`);
    assert.equal(await sqlValue(`SELECT microcredential_version_id FROM assessment_attempts WHERE id = '${attempt.id}'`), version);
    assert.equal(attempt.version, 1);

    const rulesPath = `/api/v1/microcredentials/${mc.id}/assessment`;
    const rejected = await put(editor, rulesPath, { pass_mark_percent: 10 });
    assert.equal(rejected.status, 409, rejected.text);
    assert.equal(rejected.json.error.code, 'version_not_editable');
    const newQuestion = await editor.post(`${rulesPath}/questions`, {
      type: 'true_false', prompt: 'A late question', correct: false, outcomes: [0],
    });
    assert.equal(newQuestion.status, 409);
    assert.equal((await editor.del(`${rulesPath}/questions/${bank[0].id}`)).status, 409);
    assert.equal(await sqlValue(`SELECT pass_mark_percent FROM assessments WHERE microcredential_id = ${mc.id}`), '60');
    const stats = await editor.get(`${rulesPath}/statistics`);
    assert.equal(stats.json.attempts.in_progress, 1);

    await openNewVersion(actors, mc.id, draftBody);
    const changed = await put(editor, rulesPath, { max_attempts: 1 });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.version, 2);
    await publishThroughReview(actors, mc.id);
    await sql(`UPDATE assessment_attempts SET deadline_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = '${attempt.id}'`);
    const scored = await learner.get(`/api/v1/attempts/${attempt.id}`);
    assert.equal(scored.json.status, 'failed');
    assert.equal(scored.json.version, 1);
    assert.deepEqual(scored.json.next_attempt, { attempts_left: 0, possible: false, passed: false, at: null, on: null });
  });
});
