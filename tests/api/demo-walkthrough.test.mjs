// The demo data as a newcomer meets it: each demo account of var/test/demo-accounts.txt signs in
// and finds work of its own. The test stack loads the demo data the way `./mic up` does, and this
// file only reads it, so the demo items stay in the states that the README describes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { DEMO_DRAFT_TITLE, DEMO_IN_REVIEW_TITLE, DEMO_SUBMITTED_TITLE, demoAccounts } from '../lib/demo.mjs';
import { organisationId, QUALITY_CRITERIA, signedInClient } from '../lib/stack.mjs';

describe('demo walk-through', () => {
  let accounts;
  let coordinator;

  before(async () => {
    accounts = await demoAccounts();
    coordinator = await signedInClient(accounts.coordinator);
  });

  test('accounts file lists every role', () => {
    for (const role of ['coordinator', 'issuer', 'editor', 'reviewer', 'learner', 'org_admin']) {
      assert.ok(accounts[role], `the demo accounts file has no ${role}`);
    }
    assert.equal(accounts.org_admin.email, 'admin@mic.example');
  });

  test('editor sees its own draft', async () => {
    const editor = await signedInClient(accounts.editor);
    assert.equal(editor.user.organisation.id, await organisationId('FLC'));

    const queue = await editor.get('/api/v1/validation-queue');
    assert.equal(queue.status, 200, queue.text);
    const draft = queue.json.items.find((item) => item.title === DEMO_DRAFT_TITLE);
    assert.ok(draft, `the editor's queue lacks the draft: ${queue.text}`);
    assert.equal(draft.status, 'draft');

    const version = await editor.get(`/api/v1/microcredentials/${draft.id}/versions/1`);
    assert.equal(version.status, 200, version.text);
    assert.equal(version.json.status, 'draft');
    assert.equal(version.json.promoting_organisation.id, editor.user.organisation.id);
  });

  test('reviewer opens assigned checklist', async () => {
    const reviewer = await signedInClient(accounts.reviewer);
    const queue = await reviewer.get('/api/v1/validation-queue');
    assert.equal(queue.status, 200, queue.text);
    const assigned = queue.json.items.find((item) => item.title === DEMO_IN_REVIEW_TITLE);
    assert.ok(assigned, `the reviewer's queue lacks the version in review: ${queue.text}`);
    assert.equal(assigned.status, 'in_review');

    const version = await reviewer.get(`/api/v1/microcredentials/${assigned.id}/versions/1`);
    assert.equal(version.status, 200, version.text);
    assert.equal(version.json.status, 'in_review');
    assert.equal(version.json.reviewers.length, 2);
    const mine = version.json.reviewers.find((r) => r.id === reviewer.user.id);
    assert.ok(mine, 'the demo reviewer is not assigned');
    assert.equal(mine.review, null, 'the demo reviewer should still have the checklist to fill');
    const other = version.json.reviewers.find((r) => r.id !== reviewer.user.id);
    assert.ok(['company', 'sector_organisation'].includes(mine.organisation.type));
    assert.equal(other.review.recommendation, 'approve');
    assert.deepEqual(other.review.checklist.map((item) => item.criterion), QUALITY_CRITERIA);
  });

  test('in-review history shows each step', async () => {
    const queue = await coordinator.get('/api/v1/validation-queue');
    const item = queue.json.items.find((i) => i.title === DEMO_IN_REVIEW_TITLE);
    assert.ok(item, queue.text);
    const history = await coordinator.get(`/api/v1/microcredentials/${item.id}/history`);
    assert.equal(history.status, 200, history.text);

    const steps = history.json.items.map((entry) => `${entry.action}:${entry.from}->${entry.to}`);
    assert.deepEqual(steps, [
      'microcredential_created:null->draft',
      'microcredential_submitted:draft->submitted',
      'microcredential_changes_requested:submitted->changes_requested',
      'microcredential_submitted:changes_requested->submitted',
      'microcredential_reviewers_assigned:submitted->in_review',
      'microcredential_reviewed:in_review->in_review',
    ]);
    const times = history.json.items.map((entry) => Date.parse(entry.at));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'the history is out of time order');
    const changes = history.json.items[2];
    assert.equal(changes.actor.role, 'coordinator');
    assert.match(changes.comment, /fall protection/);
    const assignment = history.json.items[4];
    assert.equal(assignment.reviewer_ids.length, 2);
    assert.ok(assignment.reviewer_ids.every((id) => Number.isInteger(id)), JSON.stringify(assignment.reviewer_ids));
  });

  test('coordinator queues list both', async () => {
    const queues = await coordinator.get('/api/v1/dashboard/queues');
    assert.equal(queues.status, 200, queues.text);
    const { awaiting_reviewers: awaiting, reviews_outstanding: outstanding } = queues.json.microcredentials;

    const submitted = awaiting.items.find((item) => item.title === DEMO_SUBMITTED_TITLE);
    assert.ok(submitted, `awaiting_reviewers lacks the submitted demo item: ${JSON.stringify(awaiting)}`);
    assert.equal(submitted.reviewers_assigned, 0);
    assert.ok(submitted.age_hours >= 24, `the submitted item waits ${submitted.age_hours} hours`);

    const inReview = outstanding.items.find((item) => item.title === DEMO_IN_REVIEW_TITLE);
    assert.ok(inReview, `reviews_outstanding lacks the demo item in review: ${JSON.stringify(outstanding)}`);
    assert.equal(inReview.reviewers_assigned, 2);
    assert.equal(inReview.checklists_submitted, 1);

    const validation = await coordinator.get('/api/v1/validation-queue');
    const titles = validation.json.items.map((item) => item.title);
    assert.ok(titles.includes(DEMO_SUBMITTED_TITLE), JSON.stringify(titles));
    assert.ok(titles.includes(DEMO_IN_REVIEW_TITLE), JSON.stringify(titles));
  });

  test('org admin lists FLC users', async () => {
    const admin = await signedInClient(accounts.org_admin);
    assert.equal(admin.user.role, 'org_admin');
    const flc = await organisationId('FLC');
    assert.equal(admin.user.organisation.id, flc);

    const users = await admin.get(`/api/v1/organisations/${flc}/users`);
    assert.equal(users.status, 200, users.text);
    const emails = users.json.items.map((user) => user.email);
    for (const role of ['issuer', 'editor', 'org_admin']) {
      assert.ok(emails.includes(accounts[role].email), `${accounts[role].email} is missing: ${emails.join(', ')}`);
    }
  });
});
