// Helpers for tests of online assessments, which belong to micro-credential versions. Editors
// write the assessment of a draft and learners take that of the published version, so a test
// publishes a version through the whole review before learners can start.
import assert from 'node:assert/strict';

import { createUser, QUALITY_CRITERIA, randomToken, signedInClient } from './stack.mjs';

/** The promoting organisation of the micro-credentials these helpers create. */
export const ASSESSMENT_ORGANISATION = 'CETEM';

/** Builds a complete draft body with `outcomeCount` learning outcomes, assessed by an online questionnaire. */
export function onlineDraft(marker = randomToken(8), outcomeCount = 4) {
  const learningOutcomes = [];
  for (let i = 0; i < outcomeCount; i++) {
    learningOutcomes.push({ statement: `Glaze and fire tile batch ${i + 1} to the firing curve.`, esco_skills: [] });
  }
  return {
    title: `Kiln firing of glazed tiles ${marker}`,
    summary: 'Learners glaze wall tiles and fire them in a kiln to a set firing curve.',
    learning_outcomes: learningOutcomes,
    eqf_level: 4,
    workload_hours: 20,
    ects_credits: 1,
    assessment_type: 'Online questionnaire',
    participation_form: 'online',
    quality_assurance: 'Internal quality assurance of the promoting organisation and validation by the alliance',
    language: 'en',
    delivery_languages: ['en', 'es', 'fr'],
    esco_occupations: [],
    translations: [
      { language: 'es', title: `Cocción de azulejos esmaltados ${marker}`, summary: 'Se esmaltan y cuecen azulejos.', learning_outcomes: [] },
    ],
  };
}

/** Signs in an editor of ASSESSMENT_ORGANISATION, a coordinator and a valid panel of two reviewers. */
export async function assessmentActors() {
  const editorAccount = await createUser({ role: 'editor', organisationShortName: ASSESSMENT_ORGANISATION });
  const reviewerAccounts = [
    await createUser({ role: 'reviewer', organisationShortName: 'HCS' }),
    await createUser({ role: 'reviewer', organisationShortName: 'UAVR' }),
  ];
  return {
    editorAccount,
    editor: await signedInClient(editorAccount),
    coordinator: await signedInClient(await createUser({ role: 'coordinator' })),
    reviewerAccounts,
    reviewers: await Promise.all(reviewerAccounts.map((account) => signedInClient(account))),
    published: new Set(),
  };
}

/** Creates a draft from `body` and returns its JSON. */
export async function createDraft(actors, body) {
  const created = await actors.editor.post('/api/v1/microcredentials', body);
  assert.equal(created.status, 201, created.text);
  return created.json;
}

/** Submits the latest version of micro-credential `id` and assigns the reviewers of `actors`. */
export async function submitForReview(actors, id) {
  let response = await actors.editor.post(`/api/v1/microcredentials/${id}/submit`);
  assert.equal(response.status, 200, response.text);
  response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
    reviewer_ids: actors.reviewerAccounts.map((account) => account.id),
  });
  assert.equal(response.status, 200, response.text);
}

/** Runs the latest version of micro-credential `id` from draft to published; returns its JSON. */
export async function publishThroughReview(actors, id) {
  await submitForReview(actors, id);
  for (const reviewer of actors.reviewers) {
    const checklist = QUALITY_CRITERIA.map((criterion) => ({ criterion, result: 'pass', comment: 'Fine' }));
    const review = await reviewer.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
      json: { checklist, recommendation: 'approve' },
      csrf: true,
    });
    assert.equal(review.status, 200, review.text);
  }
  let response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/approve`);
  assert.equal(response.status, 200, response.text);
  response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/publish`);
  assert.equal(response.status, 200, response.text);
  actors.published.add(id);
  return response.json;
}

/**
 * Retires every micro-credential that publishThroughReview published for `actors`, so that the
 * catalogue tests, which count the demo data, do not find them.
 */
export async function retirePublished(actors) {
  for (const id of actors.published) {
    const response = await actors.coordinator.post(`/api/v1/microcredentials/${id}/retire`);
    assert.equal(response.status, 200, response.text);
  }
  actors.published.clear();
}

/** Saves `body` as a draft of published micro-credential `id`, which creates the next version. */
export async function openNewVersion(actors, id, body) {
  const saved = await actors.editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, { json: body, csrf: true });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.status, 'draft');
  return saved.json;
}
