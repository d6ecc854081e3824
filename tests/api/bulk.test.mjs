// API v1 bulk issuing: dry runs of CSV files written as spreadsheet programs write them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  INSULATION_TITLE,
  createUser,
  demoMicrocredential,
  otherOrganisationShortName,
  randomToken,
  signedInClient,
} from '../lib/stack.mjs';

const BOM = '\ufeff';

describe('bulk issuing', () => {
  let insulation;
  let issuerClient;
  let otherIssuerClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    issuerClient = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName }),
    );
    otherIssuerClient = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: otherOrganisationShortName(insulation) }),
    );
  });

  function upload(client, csv, query = 'dry_run=true', options = {}) {
    return client.request('POST', `/api/v1/bulk-issues?microcredential_id=${insulation.id}&${query}`, {
      body: Buffer.from(csv, 'utf8'),
      headers: { 'Content-Type': 'text/csv; charset=utf-8' },
      csrf: true,
      ...options,
    });
  }

  test('dry run reads spreadsheet export', async () => {
    // A semicolon file with BOM and CRLF, a doubled quote, and a quoted line break that makes the
    // next row start two lines further down. A name must be one line, so that row is rejected.
    const csv =
      `${BOM}Holder Name;E-Mail;Issue date;External_Reference;Evidence URL\r\n` +
      'Zoë Ștefănescu;Zoe@Example.org;31/03/2026;A-1;https://example.org/e/1\r\n' +
      '"Ana ""Nita"" Silva";ana@example.org;2026-01-15;;\r\n' +
      '"Two\r\nLines";two@example.org;;;\r\n' +
      'Иван Петров;ivan@example.org;01.02.2026;A-3;\r\n';
    const response = await upload(issuerClient, csv);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.dry_run, true);
    assert.equal(response.json.total_rows, 4);
    assert.equal(response.json.invalid_rows, 1);
    const [first, second, third, fourth] = response.json.rows;
    assert.equal(first.line, 2);
    assert.equal(first.holder_name, 'Zoë Ștefănescu');
    assert.equal(first.issued_on, '31/03/2026');
    assert.equal(first.external_reference, 'A-1');
    assert.deepEqual(first.errors, []);
    assert.equal(second.line, 3);
    assert.equal(second.holder_name, 'Ana "Nita" Silva');
    assert.deepEqual(second.errors, []);
    assert.equal(third.line, 4);
    assert.deepEqual(third.errors.map((error) => error.field), ['holder_name']);
    assert.equal(fourth.line, 6);
    assert.equal(fourth.holder_name, 'Иван Петров');
    assert.deepEqual(fourth.errors, []);
  });

  test('dry run reports each bad row', async () => {
    const csv =
      'name,email,date,reference,evidence\n' +
      'Ana Silva,ana@example.org,2026-01-15,R1,\n' +
      ',missing-name@example.org,,,\n' +
      'Bad Mail,not-an-address,,,\n' +
      'Future Date,future@example.org,2999-01-01,,\n' +
      'Bad Date,bad-date@example.org,31/02/2026,,\n' +
      'Twice,ANA@example.org,,R1,\n' +
      'Bad Evidence,evidence@example.org,,,ftp://example.org/x\n';
    const response = await upload(issuerClient, csv);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.total_rows, 7);
    assert.equal(response.json.invalid_rows, 6);
    const fieldsByLine = Object.fromEntries(
      response.json.rows.map((row) => [row.line, row.errors.map((error) => error.field)]),
    );
    assert.deepEqual(fieldsByLine[2], []);
    assert.deepEqual(fieldsByLine[3], ['holder_name']);
    assert.deepEqual(fieldsByLine[4], ['holder_email']);
    assert.deepEqual(fieldsByLine[5], ['issued_on']);
    assert.deepEqual(fieldsByLine[6], ['issued_on']);
    assert.deepEqual(fieldsByLine[7], ['holder_email']);
    assert.deepEqual(fieldsByLine[8], ['evidence_url']);
    assert.match(response.json.rows[5].errors[0].message, /line 2/);
  });

  test('unknown columns give a warning', async () => {
    // A trailing separator gives a column without a header, which spreadsheets often write.
    const csv =
      'Name;E-mail;Notes;Phone number;\n' +
      'Ana Silva;ana@example.org;first cohort;+34 600 000 000;\n';
    const response = await upload(issuerClient, csv);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.invalid_rows, 0);
    assert.deepEqual(response.json.rows[0].errors, []);
    assert.equal(response.json.warnings.length, 1);
    const [warning] = response.json.warnings;
    assert.equal(warning.code, 'unknown_columns');
    assert.equal(warning.field, 'body');
    assert.deepEqual(warning.columns, ['Notes', 'Phone number']);
    assert.match(warning.message, /"Notes" and "Phone number" are not known/);
  });

  test('known columns give no warning', async () => {
    const response = await upload(issuerClient, 'Holder name,E-mail,Reference\nAna Silva,ana@example.org,R1\n');

    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json.warnings, []);
  });

  test('queued job carries the warning', async () => {
    const email = `bulk-warning-${randomToken(10)}@example.org`;
    const response = await upload(issuerClient, `Name,E-mail,Remarks\nWarned Holder,${email},late enrolment\n`, 'dry_run=false');

    assert.equal(response.status, 202, response.text);
    assert.ok(response.json.id, response.text);
    assert.equal(response.json.warnings.length, 1);
    assert.equal(response.json.warnings[0].code, 'unknown_columns');
    assert.deepEqual(response.json.warnings[0].columns, ['Remarks']);
  });

  test('missing e-mail column rejected', async () => {
    const response = await upload(issuerClient, 'Holder name,Phone\nAna,123\n');
    assert.equal(response.status, 400);
    assert.equal(response.json.error.field, 'holder_email');
  });

  test('bulk upload checks access and type', async () => {
    const csv = 'Holder name,E-mail\nAna,ana@example.org\n';
    assert.equal((await upload(otherIssuerClient, csv)).status, 403);
    assert.equal((await upload(issuerClient, csv, 'dry_run=true', { csrf: false })).status, 403);
    const json = await issuerClient.request('POST', `/api/v1/bulk-issues?microcredential_id=${insulation.id}&dry_run=true`, {
      json: { holder_name: 'Ana' },
      csrf: true,
    });
    assert.equal(json.status, 415);
    const latin1 = await issuerClient.request('POST', `/api/v1/bulk-issues?microcredential_id=${insulation.id}&dry_run=true`, {
      body: Buffer.from('Holder name,E-mail\nZo\xeb,zoe@example.org\n', 'latin1'),
      headers: { 'Content-Type': 'text/csv' },
      csrf: true,
    });
    assert.equal(latin1.status, 400);
    assert.equal(latin1.json.error.field, 'body');
  });
});
