// The coordinators' dashboard: the validation queues of micro-credential versions, the pass-rate
// figures of online assessments, and the assignment of certificates and attempts to calendar
// months in the alliance's time zone (Europe/Brussels).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createSecurityFixture } from '../lib/security-fixture.mjs';
import {
  INSULATION_TITLE,
  createUser,
  demoMicrocredential,
  issueCertificate,
  randomToken,
  signedInClient,
  sql,
  sqlString,
} from '../lib/stack.mjs';

const QUEUES = ['awaiting_reviewers', 'reviews_outstanding', 'awaiting_decision'];

/** Returns {queue, item} of micro-credential id in the dashboard's validation queues, or null. */
async function findInQueues(coordinator, id) {
  const response = await coordinator.get('/api/v1/dashboard/queues');
  assert.equal(response.status, 200, response.text);
  for (const queue of QUEUES) {
    const section = response.json.microcredentials[queue];
    assert.equal(section.total, section.items.length, `${queue} total`);
    const item = section.items.find((candidate) => candidate.id === id);
    if (item) return { queue, item, section };
  }
  return null;
}

/** Checks that waiting_since is a UTC time no later than now and that age_hours matches it. */
function assertSaneAge(item) {
  const since = Date.parse(item.waiting_since);
  assert.ok(Number.isFinite(since), `waiting_since ${item.waiting_since}`);
  assert.ok(since <= Date.now() + 5000, `waiting_since ${item.waiting_since} lies in the future`);
  const hours = Math.floor((Date.now() - since) / 3600000);
  assert.ok(Math.abs(item.age_hours - hours) <= 1, `age_hours ${item.age_hours}, expected about ${hours}`);
  assert.match(item.waiting_since_on, /^\d{4}-\d{2}-\d{2}$/);
}

/** Creates a reviewer of the organisation shortName and returns {id, client}. */
async function newReviewer(shortName) {
  const account = await createUser({ role: 'reviewer', organisationShortName: shortName });
  return { id: account.id, client: await signedInClient(account) };
}

describe('dashboard validation queues', () => {
  let fx;
  let coordinator;
  let promoter;
  // A valid panel: one reviewer from a company, one from a university.
  let reviewers;

  before(async () => {
    fx = await createSecurityFixture('dashboard');
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    promoter = await demoMicrocredential(INSULATION_TITLE);
    reviewers = [await newReviewer('HCS'), await newReviewer('UAVR')];
  });

  async function assignReviewers(id) {
    const assigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: reviewers.map((reviewer) => reviewer.id),
    });
    assert.equal(assigned.status, 200, assigned.text);
  }

  async function review(reviewer, id) {
    const response = await reviewer.client.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: fx.passedChecklist(), recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(response.status, 200, response.text);
  }

  test('applications section unchanged', async () => {
    const response = await coordinator.get('/api/v1/dashboard/queues');
    assert.equal(response.status, 200, response.text);
    assert.ok(Array.isArray(response.json.applications.items));
    assert.equal(response.json.applications.total, response.json.applications.items.length);
  });

  test('version moves through queues', async () => {
    const id = await fx.newSubmitted();
    const submitted = await findInQueues(coordinator, id);
    assert.ok(submitted, 'a submitted version is in no queue');
    assert.equal(submitted.queue, 'awaiting_reviewers');
    assert.equal(submitted.item.version, 1);
    assert.match(submitted.item.title, /^Security fixture course /);
    assert.equal(submitted.item.promoting_organisation.id, promoter.organisationId);
    assert.ok(submitted.item.promoting_organisation.name, 'the promoting organisation has no name');
    assert.equal(submitted.item.validation_path, `/microcredentials/${id}/validation`);
    assert.equal(submitted.item.reviewers_assigned, 0);
    assert.deepEqual(submitted.item.reviewers, []);
    assert.equal(submitted.item.age_hours, 0);
    assertSaneAge(submitted.item);

    await assignReviewers(id);
    const inReview = await findInQueues(coordinator, id);
    assert.equal(inReview.queue, 'reviews_outstanding');
    assert.equal(inReview.item.reviewers_assigned, 2);
    assert.equal(inReview.item.checklists_submitted, 0);
    assert.deepEqual(inReview.item.reviewers.map((r) => r.id).sort(), reviewers.map((r) => r.id).sort());
    assert.ok(inReview.item.reviewers.every((r) => r.checklist_submitted === false));
    assert.ok(Date.parse(inReview.item.waiting_since) >= Date.parse(submitted.item.waiting_since));
    assertSaneAge(inReview.item);
  });

  test('checklists move version to decision', async () => {
    const id = await fx.newSubmitted();
    await assignReviewers(id);
    await review(reviewers[0], id);
    const one = await findInQueues(coordinator, id);
    assert.equal(one.queue, 'reviews_outstanding');
    assert.equal(one.item.checklists_submitted, 1);
    const first = one.item.reviewers.find((r) => r.id === reviewers[0].id);
    assert.equal(first.checklist_submitted, true);
    assert.match(first.checklist_submitted_at, /Z$/);
    const second = one.item.reviewers.find((r) => r.id === reviewers[1].id);
    assert.equal(second.checklist_submitted, false);
    assert.equal(second.checklist_submitted_at, null);

    await review(reviewers[1], id);
    const all = await findInQueues(coordinator, id);
    assert.equal(all.queue, 'awaiting_decision');
    assert.equal(all.item.checklists_submitted, 2);
    // The wait for the decision starts with the last checklist.
    const lastChecklist = Math.max(...all.item.reviewers.map((r) => Date.parse(r.checklist_submitted_at)));
    assert.equal(Date.parse(all.item.waiting_since), lastChecklist);
    assertSaneAge(all.item);

    const approved = await coordinator.post(`/api/v1/microcredentials/${id}/approve`);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(await findInQueues(coordinator, id), null, 'an approved version stays in a queue');
  });

  test('age taken from audit log, oldest first', async () => {
    const older = await fx.newSubmitted();
    const newer = await fx.newSubmitted();
    // Three days ago, as if the submission of `older` had been waiting since then.
    await sql(`UPDATE audit_log SET at = UTC_TIMESTAMP(6) - INTERVAL 73 HOUR
      WHERE object_type = 'microcredential' AND object_id = ${sqlString(String(older))}
      AND action = 'microcredential_submitted'`);
    const found = await findInQueues(coordinator, older);
    assert.equal(found.queue, 'awaiting_reviewers');
    assert.equal(found.item.age_hours, 73);
    assertSaneAge(found.item);
    const ids = found.section.items.map((item) => item.id);
    assert.ok(ids.indexOf(older) < ids.indexOf(newer), `order ${ids.join(', ')}`);
    const ages = found.section.items.map((item) => Date.parse(item.waiting_since));
    assert.deepEqual(ages, [...ages].sort((a, b) => a - b));
  });

  test('other roles get 403', async () => {
    const orgAdmin = await signedInClient(await fx.newOrganisationUser('org_admin'));
    const editor = await signedInClient(await fx.newOrganisationUser('editor'));
    const callers = [
      ['org_admin of the promoting organisation', orgAdmin],
      ['editor of the promoting organisation', editor],
      ['reviewer', reviewers[0].client],
    ];
    for (const [role, client] of callers) {
      const response = await client.get('/api/v1/dashboard/queues');
      assert.equal(response.status, 403, `${role}: ${response.text}`);
      assert.equal(response.json.error.code, 'forbidden');
    }
  });
});

/** Parses RFC 4180 CSV text into rows of fields, and fails on a malformed line or field. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote < 0) throw new Error(`unterminated quoted field at ${i}`);
        value += text.slice(j, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
        } else {
          j = quote + 1;
          break;
        }
      }
      field = value;
      i = j;
      assert.ok([',', '\r', undefined].includes(text[i]), `text after a quoted field at ${i}`);
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r') {
      assert.equal(text[i + 1], '\n', `a bare CR at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      assert.notEqual(c, '\n', `a bare LF at ${i}`);
      field += c;
      i++;
    }
  }
  assert.equal(field, '', 'the last line does not end with CRLF');
  assert.equal(row.length, 0, 'the last line does not end with CRLF');
  return rows;
}

const FIGURES = [
  'certificates-per-month',
  'certificates-per-microcredential',
  'certificates-per-organisation',
  'certificates-per-country',
  'pass-rates-per-microcredential',
  'pass-rates-per-month',
];

describe('dashboard figures', () => {
  let fx;
  let coordinator;
  let assessedId;
  const attempts = {};

  /** Starts an attempt as learner, answers the one true-or-false question, submits it. */
  async function takeAttempt(learner, pass) {
    const started = await learner.post(`/api/v1/microcredentials/${assessedId}/attempts`, undefined);
    assert.ok([200, 201].includes(started.status), started.text);
    const attempt = started.json;
    assert.equal(attempt.questions.length, 1);
    const answered = await learner.request('PUT', `/api/v1/attempts/${attempt.id}/answers/${attempt.questions[0].id}`, {
      json: { answer: pass },
      csrf: true,
    });
    assert.equal(answered.status, 200, answered.text);
    const submitted = await learner.post(`/api/v1/attempts/${attempt.id}/submit`, undefined);
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.json.status, pass ? 'passed' : 'failed');
    return attempt.id;
  }

  before(async () => {
    fx = await createSecurityFixture('figures');
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    assessedId = await fx.assessed();
    const learners = [];
    for (let i = 0; i < 3; i++) learners.push(await signedInClient(await createUser({ role: 'learner' })));
    // Three finished attempts, two of them passed. The third learner's attempt stays open.
    attempts.passed = await takeAttempt(learners[0], true);
    attempts.failed = await takeAttempt(learners[1], false);
    attempts.passedAfterFailing = await takeAttempt(learners[1], true);
    const open = await learners[2].post(`/api/v1/microcredentials/${assessedId}/attempts`, undefined);
    assert.equal(open.status, 201, open.text);
  });

  test('pass rate per micro-credential', async () => {
    const response = await coordinator.get('/api/v1/figures/pass-rates-per-microcredential');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json.columns, ['microcredential_id', 'title', 'attempts', 'passed', 'pass_rate_percent']);
    const row = response.json.rows.find((candidate) => candidate.microcredential_id === assessedId);
    assert.ok(row, 'the assessed micro-credential has no row');
    assert.match(row.title, /^Security fixture course /);
    assert.equal(row.attempts, 3);
    assert.equal(row.passed, 2);
    assert.equal(row.pass_rate_percent, 66.7);
  });

  test('pass rate CSV', async () => {
    const response = await coordinator.get('/api/v1/figures/pass-rates-per-microcredential?format=csv');
    assert.equal(response.status, 200, response.text);
    const rows = parseCsv(response.text);
    assert.deepEqual(rows[0], ['microcredential_id', 'title', 'attempts', 'passed', 'pass_rate_percent']);
    const row = rows.find((fields) => fields[0] === String(assessedId));
    assert.ok(row, 'the assessed micro-credential has no CSV line');
    assert.deepEqual(row.slice(2), ['3', '2', '66.7']);
  });

  test('pass rate per month', async () => {
    // The failed attempt moves to 2041-01-31 23:30 UTC, which is February in Brussels.
    await sql(`UPDATE assessment_attempts SET submitted_at = '2041-01-31 23:30:00'
      WHERE id = ${sqlString(attempts.failed)}`);
    const response = await coordinator.get('/api/v1/figures/pass-rates-per-month');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json.columns, ['month', 'attempts', 'passed', 'pass_rate_percent']);
    const months = response.json.rows.filter((row) => row.month.startsWith('2041-'));
    assert.deepEqual(months, [{ month: '2041-02', attempts: 1, passed: 0, pass_rate_percent: 0 }]);
    const sorted = response.json.rows.map((row) => row.month);
    assert.deepEqual(sorted, [...sorted].sort());
  });

  test('certificate months in Brussels', async () => {
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    // UTC instants on both sides of month and year ends, in winter (UTC+1) and summer (UTC+2)
    // time. Summer time starts at 01:00 UTC on 2041-03-31, the last day of that month.
    const cases = [
      ['2041-01-31 22:59:59', '2041-01'],
      ['2041-01-31 23:30:00', '2041-02'],
      ['2041-03-31 00:59:59', '2041-03'],
      ['2041-03-31 21:59:59', '2041-03'],
      ['2041-03-31 22:00:00', '2041-04'],
      ['2041-10-31 22:59:59', '2041-10'],
      ['2041-10-31 23:00:00', '2041-11'],
      ['2041-12-31 22:59:59', '2041-12'],
      ['2041-12-31 23:00:00', '2042-01'],
    ];
    for (const [utc] of cases) {
      const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
      await sql(`UPDATE certificates SET issued_at = ${sqlString(utc)} WHERE id = ${sqlString(certificate.id)}`);
    }
    const expected = {};
    for (const [, month] of cases) expected[month] = (expected[month] || 0) + 1;

    const response = await coordinator.get('/api/v1/figures/certificates-per-month');
    assert.equal(response.status, 200, response.text);
    const counted = Object.fromEntries(response.json.rows
      .filter((row) => /^204[12]-/.test(row.month))
      .map((row) => [row.month, row.certificates]));
    assert.deepEqual(counted, expected);

    const csv = parseCsv((await coordinator.get('/api/v1/figures/certificates-per-month?format=csv')).text);
    assert.deepEqual(csv[0], ['month', 'certificates']);
    assert.ok(csv.some((fields) => fields[0] === '2041-02' && fields[1] === '1'), 'no CSV line for 2041-02');
  });

  test('every figure as CSV and JSON', async () => {
    for (const name of FIGURES) {
      const json = await coordinator.get(`/api/v1/figures/${name}`);
      assert.equal(json.status, 200, `${name}: ${json.text}`);
      assert.equal(json.json.name, name);
      const response = await coordinator.get(`/api/v1/figures/${name}?format=csv`);
      assert.equal(response.status, 200, `${name}: ${response.text}`);
      assert.match(response.headers.get('content-type'), /^text\/csv; charset=utf-8/);
      assert.equal(response.headers.get('content-disposition'), `attachment; filename="${name}.csv"`);
      const rows = parseCsv(response.text);
      assert.deepEqual(rows[0], json.json.columns, `${name} header`);
      assert.equal(rows.length, json.json.rows.length + 1, `${name} line count`);
      for (const fields of rows) assert.equal(fields.length, rows[0].length, `${name}: ${fields.join('|')}`);
    }
  });

  test('unknown figure lists the names', async () => {
    const response = await coordinator.get('/api/v1/figures/pass-rates');
    assert.equal(response.status, 404, response.text);
    assert.match(response.json.error.message, /pass-rates-per-microcredential/);
  });
});

describe('audit log actor filter', () => {
  let coordinator;
  let percent;
  let lookalike;
  let marker;

  /** Returns the audit entries of the query string `query`, asserting a 200 reply. */
  async function auditEntries(query) {
    const response = await coordinator.get(`/api/v1/audit?${query}`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.total >= response.json.items.length, true);
    return response.json;
  }

  before(async () => {
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    const insulation = await demoMicrocredential(INSULATION_TITLE);
    marker = randomToken(8);
    // The second name matches the first one's text as a LIKE pattern whose % and _ are not escaped.
    const percentAccount = await createUser({ role: 'coordinator', name: `Auditor 50%_off ${marker}` });
    const lookalikeAccount = await createUser({ role: 'coordinator', name: `Auditor 50xxoff ${marker}` });
    percent = { ...percentAccount, client: await signedInClient(percentAccount) };
    lookalike = { ...lookalikeAccount, client: await signedInClient(lookalikeAccount) };
    await issueCertificate(percent.client, { microcredential_id: insulation.id });
    await issueCertificate(lookalike.client, { microcredential_id: insulation.id });
  });

  test('name substring finds both', async () => {
    const result = await auditEntries(`actor_search=${encodeURIComponent(`off ${marker}`)}`);
    const actors = new Set(result.items.map((entry) => entry.actor.id));
    assert.deepEqual([...actors].sort(), [percent.id, lookalike.id].sort());
    assert.equal(result.total, 2);
  });

  test('wildcards match only themselves', async () => {
    const result = await auditEntries(`actor_search=${encodeURIComponent(`50%_off ${marker}`)}`);
    assert.equal(result.total, 1);
    assert.equal(result.items[0].actor.id, percent.id);
    assert.equal(result.items[0].action, 'certificate_issued');
  });

  test('e-mail prefix ignores case', async () => {
    const prefix = percent.email.split('@')[0].toUpperCase();
    const result = await auditEntries(`actor_search=${encodeURIComponent(prefix)}`);
    assert.equal(result.total, 1);
    assert.equal(result.items[0].actor.id, percent.id);
  });

  test('numeric actor id still works', async () => {
    const byId = await auditEntries(`actor=${lookalike.id}`);
    assert.equal(byId.total, 1);
    assert.equal(byId.items[0].actor.id, lookalike.id);

    const both = await auditEntries(`actor=${lookalike.id}&actor_search=${encodeURIComponent(percent.email)}`);
    assert.equal(both.total, 0);
  });

  test('blank or unknown text', async () => {
    const blank = await auditEntries(`actor=${percent.id}&actor_search=%20%20`);
    assert.equal(blank.total, 1);
    assert.equal(blank.items[0].actor.id, percent.id);

    const none = await auditEntries(`actor_search=${encodeURIComponent(`nobody-${marker}`)}`);
    assert.equal(none.total, 0);
    assert.deepEqual(none.items, []);
  });

  test('overlong text rejected', async () => {
    const response = await coordinator.get(`/api/v1/audit?actor_search=${'a'.repeat(255)}`);
    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.error.field, 'actor_search');
    assert.match(response.json.error.message, /at most 254 characters/);
  });

  test('other roles get 403', async () => {
    const issuer = await signedInClient(await createUser({ role: 'issuer', organisationShortName: 'FLC' }));
    const response = await issuer.get(`/api/v1/audit?actor_search=${marker}`);
    assert.equal(response.status, 403, response.text);
  });
});

describe('audit log order', () => {
  test('newest time first, then id', async () => {
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    const objectId = `order-${randomToken(8)}`;
    // Inserted in id order: the times run against the ids, and the last two share a time.
    const rows = [
      ['2026-01-01 10:00:00', 'first_by_id'],
      ['2026-03-01 10:00:00', 'second_by_id'],
      ['2026-02-01 10:00:00', 'third_by_id'],
      ['2026-02-01 10:00:00', 'fourth_by_id'],
    ];
    for (const [at, action] of rows) {
      await sql(`INSERT INTO audit_log (at, action, object_type, object_id)
        VALUES (${sqlString(at)}, ${sqlString(action)}, 'user', ${sqlString(objectId)})`);
    }

    const response = await coordinator.get(`/api/v1/audit?object_type=user&object_id=${objectId}`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.total, 4);
    assert.deepEqual(response.json.items.map((entry) => entry.action),
      ['second_by_id', 'fourth_by_id', 'third_by_id', 'first_by_id']);
  });
});

describe('members reviewer counts', () => {
  test('counts active reviewers only', async () => {
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    const membersBefore = await coordinator.get('/api/v1/dashboard/members');
    assert.equal(membersBefore.status, 200, membersBefore.text);
    const before = membersBefore.json.items.find((o) => o.short_name === 'FLC');
    assert.ok(before, 'FLC is listed');
    assert.equal(typeof before.active_reviewers, 'number');

    const reviewer = await createUser({ role: 'reviewer', organisationShortName: 'FLC' });
    await createUser({ role: 'issuer', organisationShortName: 'FLC' });
    const membersAfter = await coordinator.get('/api/v1/dashboard/members');
    const after = membersAfter.json.items.find((o) => o.short_name === 'FLC');
    assert.equal(after.active_reviewers, before.active_reviewers + 1);

    await sql(`UPDATE users SET disabled_at = UTC_TIMESTAMP(6) WHERE id = ${Number(reviewer.id)}`);
    const membersDisabled = await coordinator.get('/api/v1/dashboard/members');
    const disabled = membersDisabled.json.items.find((o) => o.short_name === 'FLC');
    assert.equal(disabled.active_reviewers, before.active_reviewers);
  });
});
