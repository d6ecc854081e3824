// API v1 certificates: issue, list, read, QR codes and revocation.
//
// Most tests issue for the demo micro-credential INSULATION_TITLE. "ownIssuer" is an issuer of its
// promoting organisation, "otherIssuer" an issuer of an organisation that does not promote it.
// A rejected request carries a unique marker in its holder name or e-mail, so the test can count
// the rows with that marker while other suites issue certificates at the same time.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  CERTIFICATE_ID_PATTERN,
  Client,
  INSULATION_TITLE,
  baseUrl,
  brusselsDay,
  certificateRowsWith,
  createUser,
  decodeHtmlEntities,
  demoMicrocredential,
  issueCertificate,
  microcredentialId,
  otherOrganisationShortName,
  randomToken,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
  uniqueEmail,
} from '../lib/stack.mjs';
import { decodeQrPng } from '../lib/qr.mjs';

const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

const NAMES = [
  'Γεώργιος Παπαδόπουλος',
  'Zoë Nuñez-Ștefănescu',
  'Ołeksandr Łukasz Ŵyn',
  'Иван Петров',
  'O\'Brien "Danny" <b>',
  'Ana 👩🏽‍🔧 Silva 🎓',
  // "Zoë Nuñez" in decomposed form (NFD): it must not be normalised to NFC on the way.
  'Zoe\u0308 Nun\u0303ez',
  '山田 太郎',
  'محمد الأحمد',
  'Tom & Jerry; DROP TABLE certificates; --',
];

function utf8Hex(text) {
  return Buffer.from(text, 'utf8').toString('hex').toUpperCase();
}

function crockfordValue(id) {
  let value = 0n;
  for (const char of id) value = value * 32n + BigInt(CROCKFORD.indexOf(char));
  return value;
}

/** Collects the certificate ids that GET /api/v1/certificates lists for client, up to maxPages pages. */
async function listedIds(client, maxPages = 200) {
  const ids = [];
  for (let page = 1; page <= maxPages; page++) {
    const response = await client.get(`/api/v1/certificates?page=${page}`);
    assert.equal(response.status, 200, response.text);
    ids.push(...response.json.items.map((item) => item.id));
    if (response.json.items.length === 0 || ids.length >= response.json.total) break;
  }
  return ids;
}

describe('certificates', () => {
  let insulation;
  let draftId;
  let retiredId;
  let coordinator;
  let ownIssuer;
  let otherIssuer;
  let learner;
  let coordinatorClient;
  let ownIssuerClient;
  let otherIssuerClient;
  let learnerClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    draftId = await microcredentialId('Installing air-to-water heat pumps in single-family houses');
    retiredId = await microcredentialId('Fitting energy-efficient windows in existing openings');
    coordinator = await createUser({ role: 'coordinator' });
    ownIssuer = await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName });
    otherIssuer = await createUser({ role: 'issuer', organisationShortName: otherOrganisationShortName(insulation) });
    learner = await createUser({ role: 'learner' });
    coordinatorClient = await signedInClient(coordinator);
    ownIssuerClient = await signedInClient(ownIssuer);
    otherIssuerClient = await signedInClient(otherIssuer);
    learnerClient = await signedInClient(learner);
  });

  /** POSTs a certificate for the insulation micro-credential with a marker; returns both. */
  async function postMarked(client, fields = {}, options = {}) {
    const marker = `m${randomToken(16)}`;
    const body = {
      microcredential_id: insulation.id,
      holder_name: `Holder ${marker}`,
      holder_email: `${marker}@example.org`,
      ...fields,
    };
    const response = await client.post('/api/v1/certificates', body, options);
    return { response, marker };
  }

  async function assertRejected(client, fields, { status, code, field }, options = {}) {
    const label = JSON.stringify(fields);
    const { response, marker } = await postMarked(client, fields, options);

    assert.equal(response.status, status, `${label}: ${response.text.slice(0, 300)}`);
    assert.equal(response.json.error.code, code, label);
    if (field !== undefined) assert.equal(response.json.error.field, field, label);
    assert.equal(typeof response.json.error.message, 'string', label);
    assert.equal(await certificateRowsWith(marker), 0, `${label} left a row behind`);
  }

  describe('issue', () => {
    test('issue as coordinator', async () => {
      const name = `Ana Coordinator-Issued ${randomToken(6)}`;
      const email = uniqueEmail('ana');
      const before = Date.now();
      const response = await coordinatorClient.post('/api/v1/certificates', {
        microcredential_id: insulation.id,
        holder_name: name,
        holder_email: email,
      });
      const after = Date.now();

      assert.equal(response.status, 201, response.text);
      const c = response.json;
      assert.match(c.id, CERTIFICATE_ID_PATTERN);
      assert.equal(c.verify_url, `${baseUrl}/v/${c.id}`);
      assert.equal(new URL(response.headers.get('location'), baseUrl).href, `${baseUrl}/api/v1/certificates/${c.id}`);
      assert.equal(c.status, 'valid');
      assert.equal(c.holder_name, name);
      assert.equal(c.holder_email, email);
      assert.match(c.issued_at, ISO_UTC_PATTERN);
      const issuedMs = Date.parse(c.issued_at);
      assert.ok(issuedMs >= before - 5000, `issued_at ${c.issued_at} is before the request`);
      assert.ok(issuedMs <= after + 5000, `issued_at ${c.issued_at} is after the response`);
      assert.equal(c.issued_on, brusselsDay(c.issued_at));
      assert.equal(c.valid_until, null);
      assert.equal(c.valid_until_on, null);
      assert.equal(c.revoked_at, null);
      assert.equal(c.revoked_on, null);
      assert.equal(c.revocation_reason, null);
      assert.equal(c.issued_by.id, coordinator.id);
      assert.equal(c.issued_by.name, coordinator.name);
      assert.equal(c.microcredential.title, INSULATION_TITLE);
      assert.equal(c.microcredential.eqf_level, 3);
      assert.equal(c.microcredential.workload_hours, 40);

      const rows = await sql(
        `SELECT microcredential_id, promoting_organisation_id, holder_email, issued_by FROM certificates WHERE id = ${sqlString(c.id)}`,
      );
      assert.deepEqual(rows, [[String(insulation.id), String(insulation.organisationId), email, String(coordinator.id)]]);
    });

    test('location returns the certificate', async () => {
      const response = await coordinatorClient.post('/api/v1/certificates', {
        microcredential_id: insulation.id,
        holder_name: 'Location Check',
        holder_email: uniqueEmail('loc'),
      });
      const location = new URL(response.headers.get('location'), baseUrl);
      const fetched = await coordinatorClient.get(location.pathname);

      assert.equal(fetched.status, 200, fetched.text);
      assert.deepEqual(fetched.json, response.json);
    });

    test('issue as promoting issuer', async () => {
      const { response, marker } = await postMarked(ownIssuerClient);

      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.issued_by.id, ownIssuer.id);
      assert.equal(await certificateRowsWith(marker), 1);
    });

    test('issue as other issuer is 403', async () => {
      await assertRejected(otherIssuerClient, {}, { status: 403, code: 'forbidden' });
    });

    test('issue as learner is 403', async () => {
      await assertRejected(learnerClient, {}, { status: 403, code: 'forbidden' });
    });

    test('issue anonymous is 401', async () => {
      await assertRejected(new Client(), {}, { status: 401, code: 'unauthenticated' });
    });

    test('issue CSRF failures', async () => {
      const expected = { status: 403, code: 'csrf_failed' };
      await assertRejected(coordinatorClient, {}, expected, { csrf: false });
      await assertRejected(coordinatorClient, {}, expected, { csrf: 'wrong' });
      await assertRejected(coordinatorClient, {}, expected, { csrf: '' });
      await assertRejected(coordinatorClient, {}, expected, { csrf: coordinatorClient.csrfToken.slice(0, -1) });
      // A token that is valid, but for another session.
      await assertRejected(coordinatorClient, {}, expected, { csrf: ownIssuerClient.csrfToken });
      const secondCoordinatorSession = await signedInClient(coordinator);
      await assertRejected(coordinatorClient, {}, expected, { csrf: secondCoordinatorSession.csrfToken });
    });

    test('issue needs JSON content type', async () => {
      const marker = `m${randomToken(16)}`;
      const body = JSON.stringify({
        microcredential_id: insulation.id,
        holder_name: `Holder ${marker}`,
        holder_email: `${marker}@example.org`,
      });
      const response = await coordinatorClient.request('POST', '/api/v1/certificates', {
        body,
        csrf: true,
        headers: { 'Content-Type': 'text/plain' },
      });

      assert.equal(response.status, 415, response.text);
      assert.equal(response.json.error.code, 'unsupported_media_type');
      assert.equal(await certificateRowsWith(marker), 0);
    });

    test('invalid microcredential_id named', async () => {
      const missing = await postMarked(coordinatorClient, { microcredential_id: undefined });
      assert.equal(missing.response.status, 400, missing.response.text);
      assert.equal(missing.response.json.error.code, 'missing_field');
      assert.equal(missing.response.json.error.field, 'microcredential_id');
      assert.equal(await certificateRowsWith(missing.marker), 0);

      const invalid = [
        null,
        String(insulation.id),
        insulation.id + 0.5,
        0,
        -1,
        true,
        [insulation.id],
        { id: insulation.id },
        999999999,
        draftId,
        retiredId,
      ];
      for (const value of invalid) {
        const { response, marker } = await postMarked(coordinatorClient, { microcredential_id: value });
        const label = `microcredential_id ${JSON.stringify(value)}`;

        assert.equal(response.status, 400, `${label}: ${response.text.slice(0, 300)}`);
        assert.ok(['invalid_field', 'missing_field'].includes(response.json.error.code), label);
        assert.equal(response.json.error.field, 'microcredential_id', label);
        assert.equal(await certificateRowsWith(marker), 0, label);
      }
    });

    test('draft or retired refused to issuer too', async () => {
      // An issuer of the organisation that promotes the retired micro-credential.
      const retired = await demoMicrocredential('Fitting energy-efficient windows in existing openings');
      const issuer = await createUser({ role: 'issuer', organisationShortName: retired.organisationShortName });
      const client = await signedInClient(issuer);

      await assertRejected(client, { microcredential_id: retired.id }, { status: 400, code: 'invalid_field', field: 'microcredential_id' });
    });

    test('invalid holder_name named', async () => {
      const missing = await postMarked(coordinatorClient, { holder_name: undefined });
      assert.equal(missing.response.status, 400, missing.response.text);
      assert.equal(missing.response.json.error.code, 'missing_field');
      assert.equal(missing.response.json.error.field, 'holder_name');

      const invalid = [
        '',
        '   ',
        '\u00a0',
        'x'.repeat(201),
        'ë'.repeat(201),
        'Bell\u0007 Char',
        'Escape\u001b[31m Red',
        'Delete\u007f Char',
        'Next\u0085Line',
        'Two\nLines',
        'Tab\tName',
        'Carriage\rReturn',
        42,
        ['Ana'],
      ];
      for (const value of invalid) {
        const label = `holder_name ${JSON.stringify(value)}`;
        const { response, marker } = await postMarked(coordinatorClient, { holder_name: value });

        assert.equal(response.status, 400, `${label}: ${response.text.slice(0, 300)}`);
        assert.ok(['invalid_field', 'missing_field'].includes(response.json.error.code), label);
        assert.equal(response.json.error.field, 'holder_name', label);
        assert.equal(await certificateRowsWith(marker), 0, label);
      }
    });

    test('holder_name of 200 characters', async () => {
      // 200 characters but 400 bytes: the limit counts characters.
      for (const name of ['x'.repeat(200), 'ë'.repeat(200), '🎓'.repeat(200)]) {
        const { response } = await postMarked(coordinatorClient, { holder_name: name });

        assert.equal(response.status, 201, `${name.slice(0, 4)}...: ${response.text}`);
        assert.equal(response.json.holder_name, name);
      }
    });

    test('holder_name is trimmed', async () => {
      const { response } = await postMarked(coordinatorClient, { holder_name: '  \u00a0Ana Trimmed Silva \u00a0 ' });

      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.holder_name, 'Ana Trimmed Silva');
    });

    test('invalid holder_email named', async () => {
      const missing = await postMarked(coordinatorClient, { holder_email: undefined });
      assert.equal(missing.response.status, 400, missing.response.text);
      assert.equal(missing.response.json.error.code, 'missing_field');
      assert.equal(missing.response.json.error.field, 'holder_email');
      assert.equal(await certificateRowsWith(missing.marker), 0);

      const invalid = [
        '',
        'ana',
        'ana.example.org',
        '@example.org',
        'ana@',
        'ana@example',
        'ana@@example.org',
        'ana@exa@mple.org',
        'ana silva@example.org',
        'ana@exa mple.org',
        'ana@example..org',
        'ana@.example.org',
        'ana@example.org.',
        '<ana@example.org>',
        'Ana <ana@example.org>',
        'ana@example.org\r\nBcc: eve@example.org',
        `${'a'.repeat(65)}@example.org`,
        `ana@${'d'.repeat(250)}.org`,
        17,
        ['ana@example.org'],
      ];
      for (const value of invalid) {
        const label = `holder_email ${JSON.stringify(value)}`;
        const { response, marker } = await postMarked(coordinatorClient, { holder_email: value });

        assert.equal(response.status, 400, `${label}: ${response.text.slice(0, 300)}`);
        assert.ok(['invalid_field', 'missing_field'].includes(response.json.error.code), label);
        assert.equal(response.json.error.field, 'holder_email', label);
        assert.equal(await certificateRowsWith(marker), 0, label);
      }
    });

    test('valid holder_email shapes', async () => {
      for (const email of [`ana.silva+mic-${randomToken(4)}@example.org`, `zoë-${randomToken(4)}@exämple.de`]) {
        const { response } = await postMarked(coordinatorClient, { holder_email: email });

        assert.equal(response.status, 201, `${email}: ${response.text}`);
        assert.equal(response.json.holder_email, email);
      }
    });

    test('valid_until in the past named', async () => {
      const past = new Date(Date.now() - 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      for (const value of ['2020-01-01', '2020-01-01T00:00:00Z', past]) {
        await assertRejected(coordinatorClient, { valid_until: value }, { status: 400, code: 'invalid_field', field: 'valid_until' });
      }
    });

    test('malformed valid_until named', async () => {
      for (const value of ['tomorrow', '2099-13-01', '2099-02-30', '31/12/2099', '2099-12-31T25:00:00Z', 4102444800, true]) {
        await assertRejected(coordinatorClient, { valid_until: value }, { status: 400, code: 'invalid_field', field: 'valid_until' });
      }
    });

    test('valid_until in the future kept', async () => {
      const { response } = await postMarked(coordinatorClient, { valid_until: '2099-06-15T12:00:00Z' });

      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.status, 'valid');
      assert.equal(response.json.valid_until, '2099-06-15T12:00:00Z');
      assert.equal(response.json.valid_until_on, '2099-06-15');
    });

    test('valid_until_on is Brussels day', async () => {
      // 23:30 UTC on 31 December is already 1 January in Brussels.
      const { response } = await postMarked(coordinatorClient, { valid_until: '2098-12-31T23:30:00Z' });

      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.valid_until, '2098-12-31T23:30:00Z');
      assert.equal(response.json.valid_until_on, '2099-01-01');
    });

    test('unknown fields do not change the result', async () => {
      const { response } = await postMarked(coordinatorClient, { status: 'revoked', id: '0000000000000000000a', issued_by: 1 });

      if (response.status === 201) {
        assert.equal(response.json.status, 'valid');
        assert.notEqual(response.json.id, '0000000000000000000a');
        assert.equal(response.json.issued_by.id, coordinator.id);
      } else {
        assert.equal(response.status, 400, response.text);
      }
    });

    test('names round-trip byte for byte', async () => {
      for (const name of NAMES) {
        const created = await coordinatorClient.post('/api/v1/certificates', {
          microcredential_id: insulation.id,
          holder_name: name,
          holder_email: uniqueEmail('names'),
        });
        assert.equal(created.status, 201, `${name}: ${created.text}`);
        const id = created.json.id;

        assert.equal(created.json.holder_name, name);
        assert.equal((await coordinatorClient.get(`/api/v1/certificates/${id}`)).json.holder_name, name);
        assert.equal((await new Client().get(`/api/v1/verify/${id}`)).json.holder.name, name);
        assert.equal(await sqlValue(`SELECT HEX(holder_name) FROM certificates WHERE id = ${sqlString(id)}`), utf8Hex(name));

        const page = await new Client().get(`/v/${id}`);
        assert.equal(page.status, 200, `${name}: /v/${id}`);
        assert.ok(decodeHtmlEntities(page.text).includes(name), `/v/${id} does not show ${name}`);
        assert.equal(page.text.includes('"Danny" <b>'), false, `/v/${id} has the name unescaped`);
      }
    });

    test('ids distinct and not sequential', async () => {
      const ids = [];
      for (let i = 0; i < 25; i++) {
        const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
        assert.match(c.id, CERTIFICATE_ID_PATTERN);
        ids.push(c.id);
      }

      assert.equal(new Set(ids).size, ids.length, `repeated id in ${ids}`);
      const values = ids.map(crockfordValue);
      for (let i = 1; i < values.length; i++) {
        const gap = values[i] > values[i - 1] ? values[i] - values[i - 1] : values[i - 1] - values[i];
        // Two random 100-bit ids are this close with a probability of about 2^-60.
        assert.ok(gap > 2n ** 40n, `ids ${ids[i - 1]} and ${ids[i]} are too close to be random`);
      }
      const sorted = [...ids].sort();
      assert.notDeepEqual(ids, sorted, 'ids grow in issue order');
      assert.notDeepEqual(ids, [...sorted].reverse(), 'ids shrink in issue order');
    });
  });

  describe('list', () => {
    let ownCertificate;
    let otherCertificate;

    before(async () => {
      ownCertificate = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      // A certificate of another organisation: the micro-credential of a different promoter.
      const cnc = await demoMicrocredential('CNC programming for furniture parts');
      otherCertificate = await issueCertificate(coordinatorClient, { microcredential_id: cnc.id });
    });

    test('list shape', async () => {
      const response = await coordinatorClient.get('/api/v1/certificates');

      assert.equal(response.status, 200, response.text);
      assert.ok(Array.isArray(response.json.items));
      assert.equal(response.json.page, 1);
      assert.equal(typeof response.json.per_page, 'number');
      assert.equal(typeof response.json.total, 'number');
      assert.ok(response.json.items.length <= response.json.per_page);
      const item = response.json.items[0];
      assert.match(item.id, CERTIFICATE_ID_PATTERN);
      assert.ok(['valid', 'revoked', 'expired'].includes(item.status));
      assert.equal(typeof item.holder_name, 'string');
    });

    test('coordinator sees every organisation', async () => {
      const ids = await listedIds(coordinatorClient);

      assert.ok(ids.includes(ownCertificate.id));
      assert.ok(ids.includes(otherCertificate.id));
    });

    test('issuer sees only own organisation', async () => {
      const ids = await listedIds(ownIssuerClient);

      assert.ok(ids.includes(ownCertificate.id));
      assert.equal(ids.includes(otherCertificate.id), false);
      const organisations = await sql(
        `SELECT DISTINCT promoting_organisation_id FROM certificates WHERE id IN (${ids.map(sqlString).join(',')})`,
      );
      assert.deepEqual(organisations, [[String(insulation.organisationId)]]);
    });

    test('other issuer sees neither', async () => {
      const ids = await listedIds(otherIssuerClient);

      assert.equal(ids.includes(ownCertificate.id), false);
      assert.equal(ids.includes(otherCertificate.id), false);
    });

    test('list newest first', async () => {
      const first = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const second = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const ids = await listedIds(coordinatorClient, 5);

      assert.ok(ids.includes(first.id), 'the older new certificate is not on the first pages');
      assert.ok(ids.includes(second.id), 'the newer certificate is not on the first pages');
      assert.ok(ids.indexOf(second.id) < ids.indexOf(first.id), 'the newer certificate comes later');
    });

    test('list pages do not overlap', async () => {
      const first = await coordinatorClient.get('/api/v1/certificates?page=1');
      const second = await coordinatorClient.get('/api/v1/certificates?page=2');

      assert.equal(second.status, 200, second.text);
      assert.equal(second.json.page, 2);
      const firstIds = new Set(first.json.items.map((i) => i.id));
      // New certificates of parallel suites can push items from page 1 to page 2, but a page
      // never repeats an item within itself.
      assert.equal(firstIds.size, first.json.items.length);
      assert.equal(new Set(second.json.items.map((i) => i.id)).size, second.json.items.length);
    });

    test('list refused to learner and anonymous', async () => {
      const asLearner = await learnerClient.get('/api/v1/certificates');
      assert.equal(asLearner.status, 403);
      assert.equal(asLearner.json.error.code, 'forbidden');

      const asAnonymous = await new Client().get('/api/v1/certificates');
      assert.equal(asAnonymous.status, 401);
      assert.equal(asAnonymous.json.error.code, 'unauthenticated');
    });

    test('invalid list page named', async () => {
      for (const page of ['0', '-1', 'abc']) {
        const response = await coordinatorClient.get(`/api/v1/certificates?page=${page}`);

        assert.equal(response.status, 400, `page=${page}: ${response.text}`);
        assert.equal(response.json.error.field, 'page', `page=${page}`);
      }
    });
  });

  describe('read', () => {
    let certificate;

    before(async () => {
      certificate = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
    });

    test('get as coordinator and own issuer', async () => {
      for (const client of [coordinatorClient, ownIssuerClient]) {
        const response = await client.get(`/api/v1/certificates/${certificate.id}`);

        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, certificate);
      }
    });

    test('get as other issuer is 403', async () => {
      const response = await otherIssuerClient.get(`/api/v1/certificates/${certificate.id}`);

      assert.equal(response.status, 403, response.text);
      assert.equal(response.json.error.code, 'forbidden');
      assert.equal(response.text.includes(certificate.holder_email), false);
    });

    test('get as learner and anonymous', async () => {
      const asLearner = await learnerClient.get(`/api/v1/certificates/${certificate.id}`);
      assert.equal(asLearner.status, 403);
      assert.equal(asLearner.json.error.code, 'forbidden');

      const asAnonymous = await new Client().get(`/api/v1/certificates/${certificate.id}`);
      assert.equal(asAnonymous.status, 401);
      assert.equal(asAnonymous.json.error.code, 'unauthenticated');
    });

    test('get unknown id is 404', async () => {
      const unknown = certificate.id.startsWith('0') ? `1${certificate.id.slice(1)}` : `0${certificate.id.slice(1)}`;
      for (const id of [unknown, 'abc', certificate.id.toUpperCase(), `${certificate.id}0`]) {
        const response = await coordinatorClient.get(`/api/v1/certificates/${id}`);

        assert.equal(response.status, 404, `${id}: ${response.text}`);
        assert.equal(response.json.error.code, 'not_found', id);
      }
    });

    test('snapshot survives a changed micro-credential', async () => {
      const bim = await demoMicrocredential('BIM basics for renovation projects');
      const issued = await issueCertificate(coordinatorClient, { microcredential_id: bim.id });
      const originalTitle = 'BIM basics for renovation projects';
      try {
        await sql(`UPDATE microcredential_versions SET title = 'BIM basics, second edition', workload_hours = 99 WHERE microcredential_id = ${bim.id}`);
        const response = await coordinatorClient.get(`/api/v1/certificates/${issued.id}`);

        assert.equal(response.json.microcredential.title, originalTitle);
        assert.equal(response.json.microcredential.workload_hours, 50);
        assert.equal((await new Client().get(`/api/v1/verify/${issued.id}`)).json.microcredential.title, originalTitle);
      } finally {
        await sql(`UPDATE microcredential_versions SET title = ${sqlString(originalTitle)}, workload_hours = 50 WHERE microcredential_id = ${bim.id}`);
      }
    });
  });

  describe('qr', () => {
    let certificate;

    before(async () => {
      certificate = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
    });

    test('qr.svg is SVG', async () => {
      const response = await coordinatorClient.get(`/api/v1/certificates/${certificate.id}/qr.svg`);

      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get('content-type'), /^image\/svg\+xml/);
      assert.match(response.text, /<svg[\s>]/);
      assert.match(response.text, /<\/svg>\s*$/);
      assert.match(response.text, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(/<script/i.test(response.text), false);
    });

    test('qr.png decodes to verify_url', async () => {
      const response = await coordinatorClient.get(`/api/v1/certificates/${certificate.id}/qr.png`);

      assert.equal(response.status, 200, response.text.slice(0, 200));
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.deepEqual([...response.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(decodeQrPng(response.bytes), `${baseUrl}/v/${certificate.id}`);
      assert.equal(decodeQrPng(response.bytes), certificate.verify_url);
    });

    test('qr as own issuer', async () => {
      const response = await ownIssuerClient.get(`/api/v1/certificates/${certificate.id}/qr.png`);

      assert.equal(response.status, 200);
      assert.equal(decodeQrPng(response.bytes), certificate.verify_url);
    });

    test('qr refused to others', async () => {
      for (const format of ['qr.svg', 'qr.png']) {
        const path = `/api/v1/certificates/${certificate.id}/${format}`;

        assert.equal((await otherIssuerClient.get(path)).status, 403, `${format} as other issuer`);
        assert.equal((await learnerClient.get(path)).status, 403, `${format} as learner`);
        assert.equal((await new Client().get(path)).status, 401, `${format} anonymous`);
      }
    });

    test('qr of unknown id is 404', async () => {
      for (const format of ['qr.svg', 'qr.png']) {
        const response = await coordinatorClient.get(`/api/v1/certificates/zzzzzzzzzzzzzzzzzzzz/${format}`);

        assert.equal(response.status, 404, `${format}: ${response.text}`);
        assert.equal(response.json.error.code, 'not_found');
      }
    });
  });

  describe('revoke', () => {
    async function revoke(client, id, body, options) {
      return client.post(`/api/v1/certificates/${id}/revoke`, body, options);
    }

    async function assertStillValid(id) {
      const response = await coordinatorClient.get(`/api/v1/certificates/${id}`);
      assert.equal(response.json.status, 'valid');
      assert.equal(response.json.revoked_at, null);
      assert.equal(await sqlValue(`SELECT revoked_at IS NULL FROM certificates WHERE id = ${sqlString(id)}`), '1');
    }

    test('revoke needs a reason', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const cases = [[{}, 'missing_field'], [{ reason: null }, 'missing_field'], [{ reason: '' }], [{ reason: '   ' }], [{ reason: 42 }], [{ reason: ['x'] }]];
      for (const [body, code] of cases) {
        const response = await revoke(coordinatorClient, c.id, body);

        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        if (code) assert.equal(response.json.error.code, code);
        else assert.ok(['invalid_field', 'missing_field'].includes(response.json.error.code));
        assert.equal(response.json.error.field, 'reason', JSON.stringify(body));
      }
      await assertStillValid(c.id);
    });

    test('revoke reason too long', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const response = await revoke(coordinatorClient, c.id, { reason: 'r'.repeat(1001) });

      assert.equal(response.status, 400, response.text);
      assert.equal(response.json.error.field, 'reason');
      await assertStillValid(c.id);
    });

    test('revoke once then 409', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const reason = 'Assessment repeated: «fraude» détectée — O\'Brien "test" <i>';
      const first = await revoke(coordinatorClient, c.id, { reason });

      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.id, c.id);
      assert.equal(first.json.status, 'revoked');
      assert.match(first.json.revoked_at, ISO_UTC_PATTERN);
      assert.ok(Math.abs(Date.parse(first.json.revoked_at) - Date.now()) < 60000, first.json.revoked_at);
      assert.equal(first.json.revoked_on, brusselsDay(first.json.revoked_at));
      assert.equal(first.json.revocation_reason, reason);

      const fetched = await coordinatorClient.get(`/api/v1/certificates/${c.id}`);
      assert.equal(fetched.json.status, 'revoked');
      assert.equal(fetched.json.revocation_reason, reason);
      assert.equal(fetched.json.revoked_at, first.json.revoked_at);

      const second = await revoke(coordinatorClient, c.id, { reason: 'a second reason' });
      assert.equal(second.status, 409, second.text);
      assert.equal(second.json.error.code, 'already_revoked');

      const after = await coordinatorClient.get(`/api/v1/certificates/${c.id}`);
      assert.equal(after.json.revocation_reason, reason);
      assert.equal(after.json.revoked_at, first.json.revoked_at);
    });

    test('revoke by promoting issuer', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const response = await revoke(ownIssuerClient, c.id, { reason: 'Issued to the wrong person' });

      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.status, 'revoked');
      assert.equal(await sqlValue(`SELECT revoked_by FROM certificates WHERE id = ${sqlString(c.id)}`), String(ownIssuer.id));
    });

    test('revoke refused to others', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const body = { reason: 'should not be stored' };

      const other = await revoke(otherIssuerClient, c.id, body);
      assert.equal(other.status, 403, other.text);
      assert.equal(other.json.error.code, 'forbidden');

      const asLearner = await revoke(learnerClient, c.id, body);
      assert.equal(asLearner.status, 403, asLearner.text);

      const anonymous = await revoke(new Client(), c.id, body);
      assert.equal(anonymous.status, 401, anonymous.text);

      const noToken = await revoke(coordinatorClient, c.id, body, { csrf: false });
      assert.equal(noToken.status, 403, noToken.text);
      assert.equal(noToken.json.error.code, 'csrf_failed');

      const wrongToken = await revoke(coordinatorClient, c.id, body, { csrf: 'wrong' });
      assert.equal(wrongToken.status, 403, wrongToken.text);
      assert.equal(wrongToken.json.error.code, 'csrf_failed');

      await assertStillValid(c.id);
    });

    test('revoke unknown id is 404', async () => {
      const response = await revoke(coordinatorClient, 'zzzzzzzzzzzzzzzzzzzz', { reason: 'no such certificate' });

      assert.equal(response.status, 404, response.text);
      assert.equal(response.json.error.code, 'not_found');
    });

    test('revoke keeps the reason exactly', async () => {
      const c = await issueCertificate(coordinatorClient, { microcredential_id: insulation.id });
      const reason = 'Zoë Nuñez-Ștefănescu: certificate replaced 🎓; see file 12/2026 & O\'Brien';
      const response = await revoke(coordinatorClient, c.id, { reason });

      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.revocation_reason, reason);
      assert.equal(
        await sqlValue(`SELECT HEX(revocation_reason) FROM certificates WHERE id = ${sqlString(c.id)}`),
        utf8Hex(reason),
      );
    });
  });
});
