// API v1 public catalogue: GET /api/v1/microcredentials and GET /api/v1/microcredentials/{id}.
// The demo data has nine published micro-credentials, one draft and one retired.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { ALLIANCE_NAME, Client, INSULATION_TITLE, brusselsDay, microcredentialId, sqlValue } from '../lib/stack.mjs';

const DRAFT_TITLE = 'Installing air-to-water heat pumps in single-family houses';
const RETIRED_TITLE = 'Fitting energy-efficient windows in existing openings';
const PV_TITLE = 'Installing photovoltaic systems on residential roofs';
const CIRCULAR_TITLE = 'Kreislaufwirtschaft in der Möbelindustrie';
const ENERGY_PT_TITLE = 'Avaliação do desempenho energético de habitações existentes';
const GLAZING_TITLE = 'Glazing and firing ceramic tiles';

const anonymous = new Client();

function listPath(params) {
  const query = new URLSearchParams(params).toString();
  return query ? `/api/v1/microcredentials?${query}` : '/api/v1/microcredentials';
}

/** Fetches every item of the list for query q, page after page. */
async function listAll(q, perPage = 20) {
  const items = [];
  let total = null;
  for (let page = 1; page <= 50; page++) {
    const params = { page: String(page), per_page: String(perPage) };
    if (q !== undefined) params.q = q;
    const response = await anonymous.get(listPath(params));
    assert.equal(response.status, 200, response.text);
    total = response.json.total;
    items.push(...response.json.items);
    if (response.json.items.length === 0 || items.length >= total) break;
  }
  return { items, total };
}

function titles(items) {
  return items.map((item) => item.title);
}

describe('microcredentials list', () => {
  let publishedCount;
  let draftId;
  let retiredId;

  before(async () => {
    publishedCount = Number(await sqlValue("SELECT COUNT(*) FROM microcredentials WHERE status = 'published'"));
    draftId = await microcredentialId(DRAFT_TITLE);
    retiredId = await microcredentialId(RETIRED_TITLE);
  });

  test('list shape', async () => {
    const response = await anonymous.get('/api/v1/microcredentials');

    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.ok(Array.isArray(response.json.items));
    assert.equal(response.json.page, 1);
    assert.equal(typeof response.json.per_page, 'number');
    assert.ok(response.json.per_page >= 1);
    assert.equal(response.json.total, publishedCount);
  });

  test('list item fields', async () => {
    const { items } = await listAll();
    const item = items.find((i) => i.title === INSULATION_TITLE);

    assert.ok(item, `${INSULATION_TITLE} missing from ${titles(items)}`);
    assert.equal(item.id, await microcredentialId(INSULATION_TITLE));
    assert.match(item.summary, /^Learners fill the cavities of timber-frame walls/);
    assert.equal(item.eqf_level, 3);
    assert.equal(item.workload_hours, 40);
    assert.equal(item.ects_credits, 1.5);
    assert.equal(item.language, 'en');
    assert.equal(item.participation_form, 'blended');
    assert.equal(item.promoting_organisation.name, 'Fundación Laboral de la Construcción');
    assert.equal(item.promoting_organisation.country, 'ES');
    assert.equal(typeof item.promoting_organisation.id, 'number');
  });

  test('list nullable fields', async () => {
    const { items } = await listAll();
    const circular = items.find((i) => i.title === CIRCULAR_TITLE);
    const glazing = items.find((i) => i.title === GLAZING_TITLE);

    assert.equal(circular.eqf_level, null);
    assert.equal(circular.language, 'de');
    assert.equal(circular.participation_form, 'online');
    assert.equal(glazing.ects_credits, null);
    assert.equal(glazing.workload_hours, 45);
  });

  test('list has only published ones', async () => {
    const { items, total } = await listAll();

    assert.equal(total, publishedCount);
    assert.equal(items.length, publishedCount);
    assert.ok(titles(items).includes(INSULATION_TITLE));
    assert.ok(titles(items).includes(ENERGY_PT_TITLE));
    assert.equal(titles(items).includes(DRAFT_TITLE), false);
    assert.equal(titles(items).includes(RETIRED_TITLE), false);
    assert.equal(items.some((i) => i.id === draftId), false);
    assert.equal(items.some((i) => i.id === retiredId), false);
  });

  test('draft and retired detail is 404', async () => {
    for (const id of [draftId, retiredId]) {
      const response = await anonymous.get(`/api/v1/microcredentials/${id}`);

      assert.equal(response.status, 404, `id ${id}: ${response.text}`);
      assert.equal(response.json.error.code, 'not_found');
    }
  });

  test('search by title word', async () => {
    for (const q of ['photovoltaic', 'PHOTOVOLTAIC', 'Photovoltaic roofs']) {
      const { items } = await listAll(q);

      assert.ok(titles(items).includes(PV_TITLE), `q=${q}: ${titles(items)}`);
      assert.ok(items.length < publishedCount, `q=${q} did not narrow the list`);
    }
  });

  test('search by non-ASCII title word', async () => {
    const { items } = await listAll('Avaliação');

    assert.ok(titles(items).includes(ENERGY_PT_TITLE), titles(items).join(' | '));
    assert.ok(items.length < publishedCount);
  });

  test('search by learning outcome word', async () => {
    const cases = [
      ['monocrystalline', PV_TITLE],
      ['opacifiers', GLAZING_TITLE],
      ['Verschnitt', CIRCULAR_TITLE],
    ];
    const { items: everything } = await listAll();
    for (const [word, title] of cases) {
      // The word must be in no title or summary, or this would not test the outcomes.
      const inSummaryOrTitle = everything.filter((i) => `${i.title} ${i.summary}`.toLowerCase().includes(word.toLowerCase()));
      assert.deepEqual(titles(inSummaryOrTitle), [], `${word} also appears in a title or summary`);

      const { items, total } = await listAll(word);

      assert.deepEqual(titles(items), [title], `q=${word}`);
      assert.equal(total, 1, `q=${word}`);
    }
  });

  test('search never finds draft or retired', async () => {
    for (const q of ['heat pumps', 'pump', 'windows', 'reveals', 'sashes']) {
      const { items } = await listAll(q);

      assert.equal(titles(items).includes(DRAFT_TITLE), false, `q=${q}`);
      assert.equal(titles(items).includes(RETIRED_TITLE), false, `q=${q}`);
      assert.equal(items.some((i) => i.id === draftId || i.id === retiredId), false, `q=${q}`);
    }
  });

  test('search without match is empty', async () => {
    const response = await anonymous.get(listPath({ q: 'zzqxnomatchword' }));

    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json.items, []);
    assert.equal(response.json.total, 0);
  });

  test('search operators are plain text', async () => {
    const queries = ['"', "'", '*', '%', '_', '\\', '+-><()~*"@', 'insulation*', '"timber frame', "' OR 1=1 --", '((('];
    for (const q of queries) {
      const response = await anonymous.get(listPath({ q }));

      assert.equal(response.status, 200, `q=${q}: ${response.status} ${response.text}`);
      assert.ok(Array.isArray(response.json.items), `q=${q}`);
      assert.equal(response.json.items.length <= response.json.total, true, `q=${q}`);
    }
  });

  test('paging is consistent', async () => {
    const perPage = 2;
    const first = await anonymous.get(listPath({ page: '1', per_page: String(perPage) }));
    assert.equal(first.status, 200, first.text);
    const total = first.json.total;
    const pages = Math.ceil(total / perPage);
    const seen = [];

    for (let page = 1; page <= pages; page++) {
      const response = await anonymous.get(listPath({ page: String(page), per_page: String(perPage) }));

      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.page, page);
      assert.equal(response.json.per_page, perPage);
      assert.equal(response.json.total, total);
      const expected = page < pages ? perPage : total - perPage * (pages - 1);
      assert.equal(response.json.items.length, expected, `page ${page}`);
      seen.push(...response.json.items.map((i) => i.id));
    }

    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total, `an id appears on two pages: ${seen}`);
    const { items } = await listAll(undefined, 20);
    assert.deepEqual(new Set(seen), new Set(items.map((i) => i.id)));

    const beyond = await anonymous.get(listPath({ page: String(pages + 1), per_page: String(perPage) }));
    assert.equal(beyond.status, 200, beyond.text);
    assert.deepEqual(beyond.json.items, []);
    assert.equal(beyond.json.total, total);
  });

  test('search paging is consistent', async () => {
    const q = 'instructor';
    const { items: all, total } = await listAll(q, 20);
    assert.ok(total >= 3, `q=${q} should match several: ${total}`);
    const firstPage = await anonymous.get(listPath({ q, page: '1', per_page: '2' }));
    const secondPage = await anonymous.get(listPath({ q, page: '2', per_page: '2' }));

    assert.equal(firstPage.json.total, total);
    assert.equal(secondPage.json.total, total);
    assert.deepEqual(
      [...firstPage.json.items, ...secondPage.json.items].map((i) => i.id),
      all.slice(0, 4).map((i) => i.id),
    );
  });

  test('invalid paging named', async () => {
    const cases = [
      [{ page: '0' }, 'page'],
      [{ page: '-1' }, 'page'],
      [{ page: 'abc' }, 'page'],
      [{ page: '1.5' }, 'page'],
      [{ page: '' }, 'page'],
      [{ page: '99999999999999999999999' }, 'page'],
      [{ per_page: '1000' }, 'per_page'],
      [{ per_page: '0' }, 'per_page'],
      [{ per_page: 'abc' }, 'per_page'],
      [{ per_page: '-5' }, 'per_page'],
    ];
    for (const [params, field] of cases) {
      const response = await anonymous.get(listPath(params));

      assert.equal(response.status, 400, `${JSON.stringify(params)}: ${response.text}`);
      assert.equal(response.json.error.code, 'invalid_field', JSON.stringify(params));
      assert.equal(response.json.error.field, field, JSON.stringify(params));
    }
  });

  test('malformed query string is 400', async () => {
    for (const query of ['q=%ZZ', 'q=%ff%fe', 'q=%00', 'q=a%0Ab']) {
      const response = await anonymous.get(`/api/v1/microcredentials?${query}`);

      assert.equal(response.status, 400, `${query}: ${response.text}`);
      assert.equal(response.json.error.code, 'invalid_field', query);
    }
  });
});

describe('microcredential detail', () => {
  let id;
  let detail;

  before(async () => {
    id = await microcredentialId(INSULATION_TITLE);
    const response = await anonymous.get(`/api/v1/microcredentials/${id}`);
    assert.equal(response.status, 200, response.text);
    detail = response.json;
  });

  test('detail core fields', () => {
    assert.equal(detail.id, id);
    assert.equal(detail.title, INSULATION_TITLE);
    assert.match(detail.summary, /vapour control layer/);
    assert.equal(detail.eqf_level, 3);
    assert.equal(detail.workload_hours, 40);
    assert.equal(detail.ects_credits, 1.5);
    assert.equal(detail.language, 'en');
    assert.equal(detail.participation_form, 'blended');
    assert.equal(detail.assessment_type, 'Practical demonstration assessed by an instructor, with a short written test');
    assert.match(detail.quality_assurance, /^Validated by the Habitat Sector Skills Certification Alliance/);
    assert.equal(detail.status, 'published');
  });

  test('detail issuer and promoter', () => {
    assert.equal(detail.issuer.name, ALLIANCE_NAME);
    assert.equal(detail.promoting_organisation.name, 'Fundación Laboral de la Construcción');
    assert.equal(detail.promoting_organisation.country, 'ES');
    assert.equal(typeof detail.promoting_organisation.id, 'number');
  });

  test('detail learning outcomes', () => {
    assert.equal(detail.learning_outcomes.length, 6);
    assert.match(detail.learning_outcomes[0].statement, /^Compare mineral wool, wood fibre and cellulose insulation/);
    assert.match(detail.learning_outcomes[5].statement, /^Handle fibrous insulation safely/);
    for (const outcome of detail.learning_outcomes) {
      assert.equal(typeof outcome.statement, 'string');
      assert.ok(Array.isArray(outcome.esco_skills));
      for (const skill of outcome.esco_skills) {
        assert.match(skill.uri, /^http:\/\/data\.europa\.eu\/esco\/skill\//);
        assert.equal(typeof skill.label, 'string');
        assert.ok(skill.label.length > 0);
      }
    }
    assert.deepEqual(detail.learning_outcomes[0].esco_skills.map((s) => s.uri), [
      'http://data.europa.eu/esco/skill/0d0fe364-462d-48dd-b54b-e972e2bdecb1',
    ]);
    assert.deepEqual(detail.learning_outcomes[3].esco_skills, []);
  });

  test('detail ESCO occupations', () => {
    assert.deepEqual(detail.esco_occupations.map((o) => o.uri), [
      'http://data.europa.eu/esco/occupation/b2dab4fb-b7f7-4f57-94b2-9c0f0848564a',
      'http://data.europa.eu/esco/occupation/2a22ff9e-de3b-408d-b312-5034896cc4f4',
      'http://data.europa.eu/esco/occupation/95da5e1b-cc1e-46bd-96c4-81d4f7003080',
    ]);
    for (const occupation of detail.esco_occupations) {
      assert.equal(typeof occupation.label, 'string');
      assert.ok(occupation.label.length > 0);
      assert.ok(occupation.isco_code === null || /^[0-9]{4}$/.test(occupation.isco_code), occupation.isco_code);
    }
  });

  test('detail publication date', () => {
    assert.equal(detail.published_at, '2026-01-20T09:00:00Z');
    assert.equal(detail.published_on, brusselsDay(detail.published_at));
  });

  test('detail has list item fields', async () => {
    const { items } = await listAll();
    const item = items.find((i) => i.id === id);
    for (const [key, value] of Object.entries(item)) {
      if (value !== null && typeof value === 'object') {
        // The detail may contain more fields of the organisation than the list.
        for (const [innerKey, innerValue] of Object.entries(value)) {
          assert.deepEqual(detail[key][innerKey], innerValue, `field ${key}.${innerKey}`);
        }
      } else {
        assert.deepEqual(detail[key], value, `field ${key}`);
      }
    }
  });

  test('unknown or malformed id is 404', async () => {
    for (const bad of ['abc', '999999', '0', '-1', '1.5', '1e3', '%20', '18446744073709551616']) {
      const response = await anonymous.get(`/api/v1/microcredentials/${bad}`);

      assert.equal(response.status, 404, `${bad}: ${response.text}`);
      assert.equal(response.json.error.code, 'not_found', bad);
    }
  });
});
