// API v1 catalogue search after changes. The backend caches search responses, yet publishing, a
// new published version and retiring show in the very next search, with the right facet counts.
// The reader's language with English fallback also holds for cached responses.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { Client, createUser, organisationId, QUALITY_CRITERIA, randomToken, signedInClient, sql, sqlString } from '../lib/stack.mjs';

const OCCUPATION_CARPENTER = 'http://data.europa.eu/esco/occupation/2a22ff9e-de3b-408d-b312-5034896cc4f4';
const anonymous = new Client();

/** Returns a complete draft whose English and Spanish titles end with marker, a unique word. */
function draftBody(marker, changes = {}) {
  return {
    title: `Sawing curved stair strings ${marker}`,
    summary: 'Learners set out, saw and plane curved stair strings from solid timber.',
    learning_outcomes: [{ statement: 'Set out a curved stair string from a drawing.', esco_skills: [] }],
    eqf_level: 3,
    workload_hours: 35,
    ects_credits: 1.5,
    assessment_type: 'Practical test observed by an instructor',
    participation_form: 'onsite',
    quality_assurance: 'Internal quality assurance of the promoting organisation and validation by the alliance',
    language: 'en',
    delivery_languages: ['en', 'es'],
    esco_occupations: [OCCUPATION_CARPENTER],
    prerequisites: 'None',
    supervision: 'supervised_with_id_check',
    stackability: 'stand_alone',
    validity_months: 24,
    translations: [
      {
        language: 'es',
        title: `Aserrado de zancas curvas ${marker}`,
        summary: 'Se trazan, sierran y cepillan zancas curvas de madera maciza.',
        learning_outcomes: ['Traza una zanca curva a partir de un plano.'],
      },
    ],
    ...changes,
  };
}

async function search(params, headers = {}) {
  const response = await anonymous.request('GET', `/api/v1/microcredentials?${new URLSearchParams(params)}`, { headers });
  assert.equal(response.status, 200, response.text);
  return response.json;
}

function facetCount(facet, value) {
  const entry = facet.find((f) => f.value === value);
  return entry ? entry.count : 0;
}

describe('catalogue freshness', () => {
  let editor;
  let coordinator;
  let reviewers;
  let cetem;

  before(async () => {
    const accounts = {
      editor: await createUser({ role: 'editor', organisationShortName: 'CETEM' }),
      coordinator: await createUser({ role: 'coordinator' }),
      reviewerCompany: await createUser({ role: 'reviewer', organisationShortName: 'HCS' }),
      reviewerUniversity: await createUser({ role: 'reviewer', organisationShortName: 'UAVR' }),
    };
    editor = await signedInClient(accounts.editor);
    coordinator = await signedInClient(accounts.coordinator);
    reviewers = [
      { id: accounts.reviewerCompany.id, client: await signedInClient(accounts.reviewerCompany) },
      { id: accounts.reviewerUniversity.id, client: await signedInClient(accounts.reviewerUniversity) },
    ];
    cetem = await organisationId('CETEM');
  });

  /** Takes the working version of micro-credential id through review and publishes it. */
  async function publish(id, submitter = editor) {
    let response = await submitter.post(`/api/v1/microcredentials/${id}/submit`);
    assert.equal(response.status, 200, response.text);
    response = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, { reviewer_ids: reviewers.map((r) => r.id) });
    assert.equal(response.status, 200, response.text);
    for (const reviewer of reviewers) {
      response = await reviewer.client.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
        json: { checklist: QUALITY_CRITERIA.map((criterion) => ({ criterion, result: 'pass', comment: 'Fine' })), recommendation: 'approve' },
        csrf: true,
      });
      assert.equal(response.status, 200, response.text);
    }
    response = await coordinator.post(`/api/v1/microcredentials/${id}/approve`);
    assert.equal(response.status, 200, response.text);
    response = await coordinator.post(`/api/v1/microcredentials/${id}/publish`);
    assert.equal(response.status, 200, response.text);
  }

  test('publish, new version, retire', async () => {
    const marker = `zx${randomToken(10)}`;
    const created = await editor.post('/api/v1/microcredentials', draftBody(marker));
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;

    // Searched twice before publishing, so both responses are in the backend's cache.
    for (let i = 0; i < 2; i++) {
      assert.equal((await search({ q: marker })).total, 0);
      assert.equal((await search({ q: marker, eqf: '4' })).total, 0);
    }

    await publish(id);
    const published = await search({ q: marker });
    assert.equal(published.total, 1);
    assert.equal(published.items[0].id, id);
    assert.equal(published.items[0].version, 1);
    assert.equal(published.items[0].eqf_level, 3);
    assert.deepEqual(published.facets.eqf, [{ value: 3, count: 1 }]);
    assert.deepEqual(published.facets.participation, [{ value: 'onsite', count: 1 }]);
    assert.deepEqual(published.facets.language, [{ value: 'en', count: 1 }, { value: 'es', count: 1 }]);
    assert.deepEqual(published.facets.country, [{ value: 'ES', count: 1 }]);
    assert.equal(facetCount(published.facets.organisation, cetem), 1);
    assert.equal(published.facets.esco[0].value, OCCUPATION_CARPENTER);
    assert.equal(published.facets.esco[0].label, 'carpenter');
    const level4BeforeVersion2 = await search({ q: marker, eqf: '4' });
    assert.equal(level4BeforeVersion2.total, 0);
    // The eqf facet leaves out its own filter, so it still counts the level 3 version.
    assert.deepEqual(level4BeforeVersion2.facets.eqf, [{ value: 3, count: 1 }]);

    // A draft of version 2 leaves version 1 in the catalogue.
    const saved = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, {
      json: draftBody(marker, { eqf_level: 4, workload_hours: 50, participation_form: 'blended' }),
      csrf: true,
    });
    assert.equal(saved.status, 200, saved.text);
    const duringDraft = await search({ q: marker });
    assert.equal(duringDraft.items[0].version, 1);
    assert.equal(duringDraft.items[0].eqf_level, 3);

    await publish(id);
    const version2 = await search({ q: marker });
    assert.equal(version2.total, 1);
    assert.equal(version2.items[0].version, 2);
    assert.equal(version2.items[0].eqf_level, 4);
    assert.equal(version2.items[0].workload_hours, 50);
    assert.deepEqual(version2.facets.eqf, [{ value: 4, count: 1 }]);
    assert.deepEqual(version2.facets.participation, [{ value: 'blended', count: 1 }]);
    const level4 = await search({ q: marker, eqf: '4' });
    assert.equal(level4.total, 1);
    assert.equal(level4.items[0].version, 2);
    assert.equal((await search({ q: marker, eqf: '3' })).total, 0);

    const retired = await coordinator.post(`/api/v1/microcredentials/${id}/retire`, { comment: 'No longer offered' });
    assert.equal(retired.status, 200, retired.text);
    const afterRetire = await search({ q: marker });
    assert.equal(afterRetire.total, 0);
    assert.deepEqual(afterRetire.items, []);
    assert.deepEqual(afterRetire.facets.eqf, []);
    assert.deepEqual(afterRetire.facets.organisation, []);
    assert.equal((await search({ q: marker, eqf: '4' })).total, 0);
  });

  // Searches without text are served from the backend's in-process index of the published
  // catalogue, which is rebuilt when the catalogue generation moves on.
  test('filter-only search follows lifecycle', async () => {
    // No "q" in the marker, so the two-letter word "qj" below can never match it by chance.
    const marker = `zw${randomToken(10).replaceAll('q', 'x')}`;
    const created = await editor.post('/api/v1/microcredentials', draftBody(marker));
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    const level3 = { organisation: String(cetem), eqf: '3', participation: 'onsite', esco: OCCUPATION_CARPENTER, sort: 'newest', per_page: '100' };
    const level4 = { ...level3, eqf: '4', participation: 'blended' };
    const ids = (result) => result.items.map((item) => item.id);

    assert.ok(!ids(await search(level3)).includes(id));
    await publish(id);
    const published = await search(level3);
    assert.ok(ids(published).includes(id));
    assert.ok(facetCount(published.facets.eqf, 3) >= 1);
    assert.ok(!ids(await search(level4)).includes(id));

    // Words of fewer than three letters are matched with LIKE on title and summary.
    assert.equal((await search({ q: `${marker} cu` })).total, 1);
    assert.equal((await search({ q: `${marker} qj` })).total, 0);

    const saved = await editor.request('PUT', `/api/v1/microcredentials/${id}/draft`, {
      json: draftBody(marker, { eqf_level: 4, workload_hours: 50, participation_form: 'blended' }),
      csrf: true,
    });
    assert.equal(saved.status, 200, saved.text);
    await publish(id);
    assert.ok(!ids(await search(level3)).includes(id));
    const version2 = (await search(level4)).items.find((item) => item.id === id);
    assert.equal(version2.version, 2);
    assert.equal(version2.workload_hours, 50);
    const byWorkload = await search({ ...level4, sort: 'workload', min_hours: '50', max_hours: '50' });
    assert.ok(ids(byWorkload).includes(id));
    assert.ok(byWorkload.items.every((item) => item.workload_hours === 50));

    const retired = await coordinator.post(`/api/v1/microcredentials/${id}/retire`, { comment: 'No longer offered' });
    assert.equal(retired.status, 200, retired.text);
    assert.ok(!ids(await search(level4)).includes(id));
    assert.ok(!ids(await search(level3)).includes(id));
  });

  // The promoting organisation's name and country in results and facets come from the index,
  // so a change to them, made here in SQL as no API route changes them, must rebuild it.
  test('organisation change follows index', async () => {
    const marker = `zv${randomToken(10)}`;
    const shortName = `T${randomToken(8)}`;
    await sql(`INSERT INTO organisations (name, short_name, type, country) VALUES (${sqlString(`Joinery school ${marker}`)}, ${sqlString(shortName)}, 'vet_provider', 'FI')`);
    const organisation = await organisationId(shortName);
    const ownEditor = await signedInClient(await createUser({ role: 'editor', organisationShortName: shortName }));
    const created = await ownEditor.post('/api/v1/microcredentials', draftBody(marker));
    assert.equal(created.status, 201, created.text);
    await publish(created.json.id, ownEditor);

    const before = await search({ organisation: String(organisation) });
    assert.equal(before.total, 1);
    assert.deepEqual(before.items[0].promoting_organisation, { id: organisation, name: `Joinery school ${marker}`, country: 'FI' });
    assert.deepEqual(before.facets.country, [{ value: 'FI', count: 1 }]);
    // The organisation facet leaves out its own filter, so it lists every organisation.
    assert.equal(before.facets.organisation.find((entry) => entry.value === organisation).label, `Joinery school ${marker}`);

    await sql(`UPDATE organisations SET name = ${sqlString(`Carpentry school ${marker}`)}, country = 'IS' WHERE id = ${organisation}`);
    const after = await search({ organisation: String(organisation) });
    assert.deepEqual(after.items[0].promoting_organisation, { id: organisation, name: `Carpentry school ${marker}`, country: 'IS' });
    assert.deepEqual(after.facets.country, [{ value: 'IS', count: 1 }]);
    assert.equal(after.facets.organisation.find((entry) => entry.value === organisation).label, `Carpentry school ${marker}`);
    assert.equal((await search({ organisation: String(organisation), country: 'FI' })).total, 0);
    assert.equal((await search({ organisation: String(organisation), country: 'IS' })).total, 1);
  });

  test('reader language with English fallback', async () => {
    const marker = `zy${randomToken(10)}`;
    const created = await editor.post('/api/v1/microcredentials', draftBody(marker));
    assert.equal(created.status, 201, created.text);
    await publish(created.json.id);

    // Each language twice, so the second response of each comes from the cache.
    for (let i = 0; i < 2; i++) {
      const spanish = await search({ q: marker, lang: 'es' });
      assert.equal(spanish.items[0].title, `Aserrado de zancas curvas ${marker}`);
      assert.equal(spanish.items[0].language, 'es');

      const german = await search({ q: marker, lang: 'de' });
      assert.equal(german.items[0].title, `Sawing curved stair strings ${marker}`);
      assert.equal(german.items[0].language, 'en');

      const header = await search({ q: marker }, { 'Accept-Language': 'es-ES,es;q=0.9' });
      assert.equal(header.items[0].title, `Aserrado de zancas curvas ${marker}`);
    }

    // "zancas" is only in the Spanish translation, which the search covers as well.
    const byTranslation = await search({ q: `zancas ${marker}` });
    assert.equal(byTranslation.total, 1);
    assert.equal(byTranslation.items[0].id, created.json.id);
  });
});
