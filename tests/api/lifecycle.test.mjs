// API v1 lifecycle of micro-credential versions: create, edit, submit, assign reviewers, review,
// approve, request changes, publish and retire, by every role, including the forbidden cases, and
// a second version published while certificates of the first exist.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  Client,
  createUser,
  issueCertificate,
  QUALITY_CRITERIA,
  randomToken,
  signedInClient,
  sql,
  sqlValue,
} from '../lib/stack.mjs';

const SKILL_CARPENTRY = 'http://data.europa.eu/esco/skill/19858dd3-a5fe-4855-b644-6ecfefd1c384';
const OCCUPATION_CARPENTER = 'http://data.europa.eu/esco/occupation/2a22ff9e-de3b-408d-b312-5034896cc4f4';

/** A complete draft body whose title carries marker. */
function completeDraft(marker) {
  return {
    title: `Timber joints by hand ${marker}`,
    summary: 'Learners cut and fit mortise and tenon, dovetail and lap joints with hand tools.',
    learning_outcomes: [
      { statement: 'Mark out and cut mortise and tenon joints to a drawing.', esco_skills: [SKILL_CARPENTRY] },
      { statement: 'Sharpen and maintain chisels and hand saws.', esco_skills: [] },
    ],
    eqf_level: 3,
    workload_hours: 30,
    ects_credits: 1,
    assessment_type: 'Practical test observed by an instructor',
    participation_form: 'onsite',
    quality_assurance: 'Internal quality assurance of the promoting organisation and validation by the alliance',
    language: 'en',
    delivery_languages: ['en', 'es'],
    esco_occupations: [OCCUPATION_CARPENTER],
    prerequisites: 'None',
    supervision: 'supervised_with_id_check',
    stackability: 'stackable',
    stackable_towards: 'Timber-frame construction certificate',
    validity_months: 24,
    related_training: { title: 'Hand tools course', url: 'https://training.example.org/hand-tools' },
    translations: [
      {
        language: 'es',
        title: `Uniones de madera a mano ${marker}`,
        summary: 'Se cortan y ajustan uniones de caja y espiga, de cola de milano y a media madera.',
        learning_outcomes: ['Traza y corta uniones de caja y espiga según un plano.', 'Afila y mantiene formones y serruchos.'],
      },
    ],
  };
}

function checklist(result = 'pass') {
  return QUALITY_CRITERIA.map((criterion) => ({ criterion, result, comment: result === 'fail' ? 'Needs work' : 'Fine' }));
}

describe('microcredential lifecycle', () => {
  let editor;
  let otherEditor;
  let coordinator;
  let reviewerCompany;
  let reviewerUniversity;
  let reviewerOther;
  let issuer;
  let accounts;

  before(async () => {
    accounts = {
      editor: await createUser({ role: 'editor', organisationShortName: 'CETEM' }),
      otherEditor: await createUser({ role: 'editor', organisationShortName: 'FLC' }),
      coordinator: await createUser({ role: 'coordinator' }),
      reviewerCompany: await createUser({ role: 'reviewer', organisationShortName: 'HCS' }),
      reviewerUniversity: await createUser({ role: 'reviewer', organisationShortName: 'UAVR' }),
      reviewerOther: await createUser({ role: 'reviewer', organisationShortName: 'FHS' }),
      issuer: await createUser({ role: 'issuer', organisationShortName: 'CETEM' }),
    };
    editor = await signedInClient(accounts.editor);
    otherEditor = await signedInClient(accounts.otherEditor);
    coordinator = await signedInClient(accounts.coordinator);
    reviewerCompany = await signedInClient(accounts.reviewerCompany);
    reviewerUniversity = await signedInClient(accounts.reviewerUniversity);
    reviewerOther = await signedInClient(accounts.reviewerOther);
    issuer = await signedInClient(accounts.issuer);
  });

  async function createDraft(body) {
    const response = await editor.post('/api/v1/microcredentials', body);
    assert.equal(response.status, 201, response.text);
    return response.json;
  }

  /** Runs a version through review to published and returns the id. */
  async function publishThroughReview(id) {
    let response = await editor.post(`/api/v1/microcredentials/${id}/submit`);
    assert.equal(response.status, 200, response.text);
    response = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.reviewerUniversity.id],
    });
    assert.equal(response.status, 200, response.text);
    for (const reviewer of [reviewerCompany, reviewerUniversity]) {
      response = await reviewer.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
        json: { checklist: checklist(), recommendation: 'approve' },
        csrf: true,
      });
      assert.equal(response.status, 200, response.text);
    }
    response = await coordinator.post(`/api/v1/microcredentials/${id}/approve`);
    assert.equal(response.status, 200, response.text);
    response = await coordinator.post(`/api/v1/microcredentials/${id}/publish`);
    assert.equal(response.status, 200, response.text);
    return response.json;
  }

  test('create stores typed elements', async () => {
    const marker = randomToken(8);
    const draft = await createDraft(completeDraft(marker));

    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 1);
    assert.equal(draft.title, `Timber joints by hand ${marker}`);
    assert.equal(draft.supervision, 'supervised_with_id_check');
    assert.equal(draft.stackability, 'stackable');
    assert.equal(draft.stackable_towards, 'Timber-frame construction certificate');
    assert.deepEqual(draft.delivery_languages, ['en', 'es']);
    assert.equal(draft.validity_months, 24);
    assert.deepEqual(draft.related_training, { title: 'Hand tools course', url: 'https://training.example.org/hand-tools' });
    assert.equal(draft.learning_outcomes[0].esco_skills[0].label, 'carpentry');
    assert.equal(draft.esco_occupations[0].label, 'carpenter');
    assert.equal(draft.translations[0].language, 'es');
    assert.equal(draft.promoting_organisation.short_name, 'CETEM');
    const history = await editor.get(`/api/v1/microcredentials/${draft.id}/history`);
    assert.equal(history.json.items[0].action, 'microcredential_created');
  });

  test('draft is not public', async () => {
    const draft = await createDraft({ title: `Hidden ${randomToken(8)}` });
    const response = await new Client().get(`/api/v1/microcredentials/${draft.id}`);

    assert.equal(response.status, 404);
  });

  test('create by wrong roles', async () => {
    for (const client of [coordinator, reviewerCompany, issuer]) {
      const response = await client.post('/api/v1/microcredentials', { title: 'Not allowed' });
      assert.equal(response.status, 403, response.text);
    }
    const anonymous = await new Client().post('/api/v1/microcredentials', { title: 'Not allowed' });
    assert.equal(anonymous.status, 401);
  });

  test('invalid elements name the field', async () => {
    const cases = [
      [{ eqf_level: 9 }, 'eqf_level'],
      [{ supervision: 'proctored' }, 'supervision'],
      [{ stackability: 'stackable' }, 'stackable_towards'],
      [{ stackability: 'stand_alone', stackable_towards: 'X' }, 'stackable_towards'],
      [{ delivery_languages: ['english'] }, 'delivery_languages[0]'],
      [{ learning_outcomes: [{ statement: '' }] }, 'learning_outcomes[0].statement'],
      [{ learning_outcomes: [{ statement: 'x', esco_skills: ['http://data.europa.eu/esco/skill/unknown'] }] }, 'learning_outcomes[0].esco_skills'],
      [{ esco_occupations: ['http://example.org/x'] }, 'esco_occupations[0]'],
      [{ related_training: { title: 'Course', url: 'ftp://example.org' } }, 'related_training.url'],
      [{ ects_credits: 1.25 }, 'ects_credits'],
      [{ validity_months: 0 }, 'validity_months'],
      [{ translations: [{ language: 'en', title: 'x', summary: 'y' }] }, 'translations[0].language'],
    ];
    for (const [body, field] of cases) {
      const response = await editor.post('/api/v1/microcredentials', { title: 'Invalid', ...body });
      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
      assert.equal(response.json.error.field, field, JSON.stringify(body));
    }
  });

  test('submit incomplete lists fields', async () => {
    const draft = await createDraft({ title: `Incomplete ${randomToken(8)}` });
    const response = await editor.post(`/api/v1/microcredentials/${draft.id}/submit`);

    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.error.code, 'missing_field');
    assert.equal(response.json.error.field, 'summary');
    const fields = response.json.error.fields.map((f) => f.field);
    assert.deepEqual(fields, ['summary', 'learning_outcomes', 'workload_hours', 'assessment_type', 'participation_form', 'quality_assurance', 'delivery_languages']);
    for (const entry of response.json.error.fields) assert.equal(typeof entry.message, 'string');
    assert.equal(await sqlValue(`SELECT status FROM microcredential_versions WHERE microcredential_id = ${draft.id}`), 'draft');
  });

  test('other organisation is forbidden', async () => {
    const draft = await createDraft(completeDraft(randomToken(8)));
    const save = await otherEditor.request('PUT', `/api/v1/microcredentials/${draft.id}/draft`, { json: { title: 'Taken over' }, csrf: true });
    assert.equal(save.status, 403, save.text);
    assert.equal(save.json.error.code, 'not_promoting_organisation');
    const submit = await otherEditor.post(`/api/v1/microcredentials/${draft.id}/submit`);
    assert.equal(submit.status, 403, submit.text);
    const history = await otherEditor.get(`/api/v1/microcredentials/${draft.id}/history`);
    assert.equal(history.status, 403, history.text);
  });

  test('reviewer rules are enforced', async () => {
    const draft = await createDraft(completeDraft(randomToken(8)));
    assert.equal((await editor.post(`/api/v1/microcredentials/${draft.id}/submit`)).status, 200);

    const one = await coordinator.post(`/api/v1/microcredentials/${draft.id}/reviewers`, { reviewer_ids: [accounts.reviewerCompany.id] });
    assert.equal(one.status, 400, one.text);
    assert.equal(one.json.error.field, 'reviewer_ids');
    const noSector = await coordinator.post(`/api/v1/microcredentials/${draft.id}/reviewers`, {
      reviewer_ids: [accounts.reviewerUniversity.id, accounts.reviewerOther.id],
    });
    assert.equal(noSector.status, 400, noSector.text);
    assert.match(noSector.json.error.message, /company or a sector organisation/);
    const notReviewer = await coordinator.post(`/api/v1/microcredentials/${draft.id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.issuer.id],
    });
    assert.equal(notReviewer.status, 400, notReviewer.text);
    assert.equal(notReviewer.json.error.field, 'reviewer_ids[1]');
    const byEditor = await editor.post(`/api/v1/microcredentials/${draft.id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.reviewerUniversity.id],
    });
    assert.equal(byEditor.status, 403, byEditor.text);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM microcredential_reviewers a JOIN microcredential_versions v ON v.id = a.version_id WHERE v.microcredential_id = ${draft.id}`), '0');
  });

  test('full review and publication', async () => {
    const marker = randomToken(8);
    const draft = await createDraft(completeDraft(marker));
    const id = draft.id;

    const early = await coordinator.post(`/api/v1/microcredentials/${id}/publish`);
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, 'not_approved');

    assert.equal((await editor.post(`/api/v1/microcredentials/${id}/submit`)).status, 200);
    const resubmit = await editor.post(`/api/v1/microcredentials/${id}/submit`);
    assert.equal(resubmit.status, 409);
    assert.equal(resubmit.json.error.code, 'invalid_transition');
    const editSubmitted = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, { json: completeDraft(marker), csrf: true });
    assert.equal(editSubmitted.status, 409, editSubmitted.text);

    const assigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.reviewerUniversity.id],
    });
    assert.equal(assigned.status, 200, assigned.text);
    assert.equal(assigned.json.status, 'in_review');
    assert.equal(assigned.json.reviewers.length, 2);

    const notAssigned = await reviewerOther.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: checklist(), recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(notAssigned.status, 403, notAssigned.text);
    assert.equal(notAssigned.json.error.code, 'not_assigned');

    const badChecklist = await reviewerCompany.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: checklist().slice(1), recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(badChecklist.status, 400, badChecklist.text);
    assert.equal(badChecklist.json.error.field, 'checklist');
    const failWithoutComment = await reviewerCompany.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: checklist().map((c) => ({ ...c, result: 'fail', comment: '' })), recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(failWithoutComment.status, 400, failWithoutComment.text);
    assert.equal(failWithoutComment.json.error.field, 'checklist.learning_outcomes_defined');

    const review = await reviewerCompany.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: checklist(), recommendation: 'approve', comment: 'Clear outcomes' },
      csrf: true,
    });
    assert.equal(review.status, 200, review.text);

    const tooEarly = await coordinator.post(`/api/v1/microcredentials/${id}/approve`);
    assert.equal(tooEarly.status, 409, tooEarly.text);
    assert.equal(tooEarly.json.error.code, 'reviews_missing');

    const second = await reviewerUniversity.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist: checklist('fail'), recommendation: 'request_changes', comment: 'Assessment unclear' },
      csrf: true,
    });
    assert.equal(second.status, 200, second.text);

    const byEditor = await editor.post(`/api/v1/microcredentials/${id}/approve`);
    assert.equal(byEditor.status, 403);
    const byReviewer = await reviewerCompany.post(`/api/v1/microcredentials/${id}/publish`);
    assert.equal(byReviewer.status, 403);

    const returned = await coordinator.post(`/api/v1/microcredentials/${id}/request-changes`, { comment: 'Describe the assessment' });
    assert.equal(returned.status, 200, returned.text);
    assert.equal(returned.json.status, 'changes_requested');
    const comments = returned.json.reviewers.map((r) => r.review && r.review.comment).sort();
    assert.deepEqual(comments, ['Assessment unclear', 'Clear outcomes']);

    const edited = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, {
      json: { ...completeDraft(marker), assessment_type: 'Practical test with a written rubric' },
      csrf: true,
    });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.version, 1);
    assert.equal(edited.json.status, 'changes_requested');

    assert.equal((await editor.post(`/api/v1/microcredentials/${id}/submit`)).status, 200);
    const reassigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.reviewerUniversity.id],
    });
    assert.equal(reassigned.status, 200, reassigned.text);
    for (const reviewer of [reviewerCompany, reviewerUniversity]) {
      const again = await reviewer.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
        json: { checklist: checklist(), recommendation: 'approve' },
        csrf: true,
      });
      assert.equal(again.status, 200, again.text);
    }
    assert.equal((await coordinator.post(`/api/v1/microcredentials/${id}/approve`, { comment: 'Good' })).status, 200);
    const published = await coordinator.post(`/api/v1/microcredentials/${id}/publish`);
    assert.equal(published.status, 200, published.text);
    assert.equal(published.json.status, 'published');

    const visible = await new Client().get(`/api/v1/microcredentials/${id}`);
    assert.equal(visible.status, 200, visible.text);
    assert.equal(visible.json.assessment_type, 'Practical test with a written rubric');
    const spanish = await new Client().get(`/api/v1/microcredentials/${id}?lang=es`);
    assert.equal(spanish.json.title, `Uniones de madera a mano ${marker}`);
    assert.equal(spanish.json.language, 'es');
    assert.equal(spanish.json.learning_outcomes[0].statement, 'Traza y corta uniones de caja y espiga según un plano.');
    assert.equal(spanish.json.learning_outcomes[0].esco_skills[0].uri, SKILL_CARPENTRY);
    const german = await new Client().get(`/api/v1/microcredentials/${id}`, { headers: { 'Accept-Language': 'de-AT,de;q=0.9' } });
    assert.equal(german.json.title, `Timber joints by hand ${marker}`);
    assert.equal(german.json.language, 'en');

    const history = await coordinator.get(`/api/v1/microcredentials/${id}/history`);
    assert.equal(history.status, 200, history.text);
    const actions = history.json.items.map((i) => i.action);
    assert.deepEqual(actions, [
      'microcredential_created',
      'microcredential_submitted',
      'microcredential_reviewers_assigned',
      'microcredential_reviewed',
      'microcredential_reviewed',
      'microcredential_changes_requested',
      'microcredential_submitted',
      'microcredential_reviewers_assigned',
      'microcredential_reviewed',
      'microcredential_reviewed',
      'microcredential_approved',
      'microcredential_published',
    ]);
    const returnedEntry = history.json.items[5];
    assert.equal(returnedEntry.comment, 'Describe the assessment');
    assert.equal(returnedEntry.from, 'in_review');
    assert.equal(returnedEntry.to, 'changes_requested');
    assert.equal(returnedEntry.actor.id, accounts.coordinator.id);
    assert.match(returnedEntry.at, /^\d{4}-\d\d-\d\dT/);
    const asEditor = await editor.get(`/api/v1/microcredentials/${id}/history`);
    assert.equal(asEditor.status, 200);
    assert.equal(asEditor.json.items.length, actions.length);
  });

  test('new version keeps old certificates', async () => {
    const marker = randomToken(8);
    const draft = await createDraft(completeDraft(marker));
    await publishThroughReview(draft.id);
    const certificate = await issueCertificate(issuer, { microcredential_id: draft.id });
    assert.equal(certificate.microcredential.version, 1);
    assert.match(certificate.valid_until, /^\d{4}-/);

    const v2 = await editor.request('PUT', `/api/v1/microcredentials/${draft.id}/draft`, {
      json: { ...completeDraft(marker), title: `Timber joints, second edition ${marker}`, workload_hours: 35 },
      csrf: true,
    });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.json.version, 2);
    assert.equal(v2.json.status, 'draft');
    const stillOld = await new Client().get(`/api/v1/microcredentials/${draft.id}`);
    assert.equal(stillOld.json.version, 1);
    assert.equal(stillOld.json.title, `Timber joints by hand ${marker}`);

    await publishThroughReview(draft.id);
    const current = await new Client().get(`/api/v1/microcredentials/${draft.id}`);
    assert.equal(current.json.version, 2);
    assert.equal(current.json.workload_hours, 35);
    const versions = await editor.get(`/api/v1/microcredentials/${draft.id}/versions`);
    assert.deepEqual(versions.json.items.map((v) => [v.version, v.status]), [[1, 'superseded'], [2, 'published']]);

    const verified = await new Client().get(`/api/v1/verify/${certificate.id}`);
    assert.equal(verified.json.status, 'valid');
    assert.equal(verified.json.microcredential.title, `Timber joints by hand ${marker}`);
    assert.equal(verified.json.microcredential.workload_hours, 30);
    const v1Id = await sqlValue(`SELECT id FROM microcredential_versions WHERE microcredential_id = ${draft.id} AND version = 1`);
    assert.equal(await sqlValue(`SELECT microcredential_version_id FROM certificates WHERE id = '${certificate.id}'`), v1Id);

    const newer = await issueCertificate(issuer, { microcredential_id: draft.id });
    assert.equal(newer.microcredential.version, 2);

    const retireByEditor = await editor.post(`/api/v1/microcredentials/${draft.id}/retire`);
    assert.equal(retireByEditor.status, 403);
    const retired = await coordinator.post(`/api/v1/microcredentials/${draft.id}/retire`, { comment: 'Replaced' });
    assert.equal(retired.status, 200, retired.text);
    assert.equal(retired.json.status, 'retired');
    assert.equal((await new Client().get(`/api/v1/microcredentials/${draft.id}`)).status, 404);
    const refused = await issuer.post('/api/v1/certificates', {
      microcredential_id: draft.id,
      holder_name: 'Late Holder',
      holder_email: 'late@example.org',
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal((await new Client().get(`/api/v1/verify/${certificate.id}`)).json.status, 'valid');
    assert.equal((await new Client().get(`/api/v1/verify/${newer.id}`)).json.status, 'valid');
    const again = await coordinator.post(`/api/v1/microcredentials/${draft.id}/retire`);
    assert.equal(again.status, 409);
  });

  test('validation queue per role', async () => {
    const draft = await createDraft(completeDraft(randomToken(8)));
    assert.equal((await editor.post(`/api/v1/microcredentials/${draft.id}/submit`)).status, 200);

    const forCoordinator = await coordinator.get('/api/v1/validation-queue');
    assert.equal(forCoordinator.status, 200, forCoordinator.text);
    assert.ok(forCoordinator.json.items.some((i) => i.id === draft.id && i.status === 'submitted'));
    const forReviewerBefore = await reviewerCompany.get('/api/v1/validation-queue');
    assert.equal(forReviewerBefore.json.items.some((i) => i.id === draft.id), false);

    await coordinator.post(`/api/v1/microcredentials/${draft.id}/reviewers`, {
      reviewer_ids: [accounts.reviewerCompany.id, accounts.reviewerUniversity.id],
    });
    const forReviewer = await reviewerCompany.get('/api/v1/validation-queue');
    assert.ok(forReviewer.json.items.some((i) => i.id === draft.id && i.status === 'in_review'));
    const forOtherEditor = await otherEditor.get('/api/v1/validation-queue');
    assert.equal(forOtherEditor.json.items.some((i) => i.id === draft.id), false);
    const forIssuer = await issuer.get('/api/v1/validation-queue');
    assert.equal(forIssuer.status, 403);

    const asReviewer = await reviewerCompany.get(`/api/v1/microcredentials/${draft.id}/versions/1`);
    assert.equal(asReviewer.status, 200, asReviewer.text);
    assert.equal(asReviewer.json.status, 'in_review');
    const asOtherReviewer = await reviewerOther.get(`/api/v1/microcredentials/${draft.id}/versions/1`);
    assert.equal(asOtherReviewer.status, 403);
  });

  test('csrf needed for transitions', async () => {
    const draft = await createDraft(completeDraft(randomToken(8)));
    const response = await editor.post(`/api/v1/microcredentials/${draft.id}/submit`, undefined, { csrf: false });
    assert.equal(response.status, 403);
    assert.equal(response.json.error.code, 'csrf_failed');
    const rows = await sql(`SELECT status FROM microcredential_versions WHERE microcredential_id = ${draft.id}`);
    assert.deepEqual(rows, [['draft']]);
  });
});
