// API v1 catalogue search with filters and facet counts against the demo data set, the content
// of the Open Badges 3.0 Achievement export, the CSV export and the reference data that editors
// search. ob3-schema.test.mjs checks the export against the schema constraint by constraint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

import { Client, INSULATION_TITLE, microcredentialId, organisationId } from '../lib/stack.mjs';

const anonymous = new Client();
const OCCUPATION_CABINET_MAKER = 'http://data.europa.eu/esco/occupation/e1416610-ad08-4f37-8b46-9f99632a5c0f';

async function list(params) {
  const response = await anonymous.get(`/api/v1/microcredentials?${new URLSearchParams({ per_page: '100', ...params })}`);
  assert.equal(response.status, 200, response.text);
  return response.json;
}

function facetCount(facet, value) {
  const entry = facet.find((f) => f.value === value);
  return entry ? entry.count : 0;
}

describe('catalogue filters', () => {
  test('eqf filter and facet', async () => {
    const all = await list({});
    const level4 = await list({ eqf: '4' });

    assert.equal(facetCount(all.facets.eqf, 4), 4);
    assert.equal(facetCount(all.facets.eqf, null), 1);
    assert.equal(level4.total, 4);
    assert.ok(level4.items.every((i) => i.eqf_level === 4));
    // The eqf facet ignores its own filter, so every level still shows its count.
    assert.deepEqual(level4.facets.eqf, all.facets.eqf);
  });

  test('eqf none filter and facet', async () => {
    const all = await list({});
    const none = await list({ eqf: 'none' });

    // In the demo data only the German furniture micro-credential has no EQF level.
    assert.deepEqual(none.items.map((i) => i.title), ['Kreislaufwirtschaft in der Möbelindustrie']);
    assert.equal(none.total, 1);
    assert.ok(none.items.every((i) => i.eqf_level === null));
    assert.equal(none.total, facetCount(all.facets.eqf, null));
    // The eqf facet ignores its own filter; the other facets count only the versions without a level.
    assert.deepEqual(none.facets.eqf, all.facets.eqf);
    assert.deepEqual(none.facets.language, [{ value: 'de', count: 1 }]);
  });

  test('eqf none combines with other filters', async () => {
    const noMatch = await list({ eqf: 'none', q: 'insulation' });
    assert.equal(noMatch.total, 0);
    assert.deepEqual(noMatch.items, []);

    const german = await list({ eqf: 'none', language: 'de' });
    assert.equal(german.total, 1);
    const english = await list({ eqf: 'none', language: 'en' });
    assert.equal(english.total, 0);
    assert.equal(facetCount(english.facets.eqf, null), 0);
  });

  test('eqf none in csv', async () => {
    const response = await anonymous.get('/api/v1/microcredentials.csv?eqf=none');

    assert.equal(response.status, 200, response.text);
    const lines = response.text.split('\r\n').filter((line) => line !== '');
    assert.equal(lines.length, 2);
    assert.ok(lines[1].includes('Kreislaufwirtschaft in der Möbelindustrie'));
  });

  test('invalid eqf values rejected', async () => {
    for (const value of ['0', '9', 'None', 'NONE', 'null', 'four', '4.5', '']) {
      const response = await anonymous.get(`/api/v1/microcredentials?eqf=${encodeURIComponent(value)}`);
      assert.equal(response.status, 400, `eqf=${value}: ${response.text}`);
      assert.equal(response.json.error.code, 'invalid_field', `eqf=${value}`);
      assert.equal(response.json.error.field, 'eqf', `eqf=${value}`);
    }
  });

  test('workload range', async () => {
    const result = await list({ min_hours: '40', max_hours: '50' });

    assert.deepEqual(result.items.map((i) => i.workload_hours).sort(), [40, 45, 50, 50]);
    const empty = await anonymous.get('/api/v1/microcredentials?min_hours=60&max_hours=10');
    assert.equal(empty.status, 400);
    assert.equal(empty.json.error.field, 'max_hours');
  });

  test('language, country, participation', async () => {
    const german = await list({ language: 'de' });
    assert.deepEqual(german.items.map((i) => i.title), ['Kreislaufwirtschaft in der Möbelindustrie']);

    const spain = await list({ country: 'es' });
    assert.ok(spain.items.length >= 3, JSON.stringify(spain.items.map((i) => i.title)));
    assert.ok(spain.items.every((i) => i.promoting_organisation.country === 'ES'));
    assert.equal(facetCount(spain.facets.country, 'ES'), spain.total);

    const online = await list({ participation: 'online' });
    assert.ok(online.items.every((i) => i.participation_form === 'online'));
    assert.equal(online.total, facetCount(online.facets.participation, 'online'));
    const bad = await anonymous.get('/api/v1/microcredentials?participation=remote');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'participation');
  });

  test('esco and organisation', async () => {
    const cabinet = await list({ esco: OCCUPATION_CABINET_MAKER });
    assert.deepEqual(cabinet.items.map((i) => i.title).sort(), ['CNC programming for furniture parts', 'Kreislaufwirtschaft in der Möbelindustrie']);
    const facet = cabinet.facets.esco.find((f) => f.value === OCCUPATION_CABINET_MAKER);
    assert.equal(facet.label, 'cabinet maker');
    assert.equal(facet.count, 2);

    const flc = await organisationId('FLC');
    const byOrganisation = await list({ organisation: String(flc) });
    assert.ok(byOrganisation.items.some((i) => i.title === INSULATION_TITLE));
    assert.ok(byOrganisation.items.every((i) => i.promoting_organisation.id === flc));
  });

  test('combined filters narrow', async () => {
    const result = await list({ q: 'insulation', eqf: '3', participation: 'blended' });
    assert.deepEqual(result.items.map((i) => i.title), [INSULATION_TITLE]);
    assert.equal(result.total, 1);
  });

  test('sort orders', async () => {
    const byWorkload = await list({ sort: 'workload' });
    const hours = byWorkload.items.map((i) => i.workload_hours);
    assert.deepEqual(hours, [...hours].sort((a, b) => a - b));
    const newest = await list({ sort: 'newest' });
    const days = newest.items.map((i) => i.published_at);
    assert.deepEqual(days, [...days].sort().reverse());
    const bad = await anonymous.get('/api/v1/microcredentials?sort=random');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'sort');
  });
});

describe('achievement export', () => {
  const schema = JSON.parse(readFileSync(new URL('../schemas/ob3-achievement.schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  test('achievement matches OB 3.0 schema', async () => {
    const id = await microcredentialId(INSULATION_TITLE);
    const response = await anonymous.get(`/api/v1/microcredentials/${id}/achievement.json`);

    assert.equal(response.status, 200, response.text);
    const achievement = response.json;
    assert.ok(validate(achievement), JSON.stringify(validate.errors));
    assert.equal(achievement.achievementType, 'MicroCredential');
    assert.deepEqual(achievement.type, ['Achievement']);
    assert.equal(achievement.name, INSULATION_TITLE);
    assert.equal(achievement.creditsAvailable, 1.5);
    assert.match(achievement.criteria.narrative, /Notional workload: 40 hours \(1\.5 ECTS credits\)/);
    assert.equal(achievement.creator.name, 'Fundación Laboral de la Construcción');
    assert.deepEqual(achievement.creator.type, ['Profile']);
    const occupation = achievement.alignment.find((a) => a.targetUrl === 'http://data.europa.eu/esco/occupation/b2dab4fb-b7f7-4f57-94b2-9c0f0848564a');
    assert.equal(occupation.targetName, 'insulation worker');
    assert.equal(occupation.targetFramework, 'ESCO');
    assert.ok(achievement.alignment.some((a) => a.targetType === 'ceasn:Competency'));
    assert.ok(achievement.alignment.some((a) => a.targetName === 'EQF level 3'));
  });

  test('achievement of unknown id is 404', async () => {
    const response = await anonymous.get('/api/v1/microcredentials/999999/achievement.json');
    assert.equal(response.status, 404);
  });
});

describe('csv and reference data', () => {
  test('csv lists the catalogue', async () => {
    const response = await anonymous.get('/api/v1/microcredentials.csv');
    const json = await list({});

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/csv; charset=utf-8/);
    const lines = response.text.split('\r\n');
    assert.equal(lines[0], 'id,version,title,summary,eqf_level,workload_hours,ects_credits,language,delivery_languages,participation_form,promoting_organisation,country,published_on,url');
    assert.equal(lines.at(-1), '');
    assert.equal(lines.length - 2, json.total);
    assert.ok(response.text.includes('Kreislaufwirtschaft in der Möbelindustrie'));
    // The CNC summary contains "learner's" and commas, so it must be quoted.
    assert.match(response.text, /,"Learners turn the drawing of a furniture part into a working program/);
  });

  test('esco and eqf search', async () => {
    const occupations = await anonymous.get('/api/v1/esco/occupations?q=insulation');
    assert.equal(occupations.status, 200);
    assert.deepEqual(occupations.json.items.map((o) => o.label).sort(), ['insulation supervisor', 'insulation worker']);
    const skills = await anonymous.get('/api/v1/esco/skills?q=kiln');
    assert.deepEqual(skills.json.items.map((s) => s.label), ['control kiln firing']);
    const wildcard = await anonymous.get('/api/v1/esco/skills?q=%25');
    assert.deepEqual(wildcard.json.items, []);
    const levels = await anonymous.get('/api/v1/eqf-levels');
    assert.deepEqual(levels.json.items.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
