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

  test('columns list what the server reads', async () => {
    const response = await issuerClient.request('GET', '/api/v1/bulk-issues/columns');
    assert.equal(response.status, 200, response.text);
    const { columns } = response.json;
    assert.deepEqual(
      columns.map((column) => [column.field, column.required]),
      [['holder_name', true], ['holder_email', true], ['issued_on', false], ['external_reference', false], ['evidence_url', false]],
    );
    // No header may name two columns once the server has normalised it.
    const owner = new Map();
    for (const column of columns) {
      assert.ok(column.headers.length >= 2, `${column.field} has ${column.headers.length} headers`);
      for (const header of column.headers) {
        const key = header.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
        assert.ok(key, `${column.field}: "${header}" has no letter or digit`);
        assert.ok(!owner.has(key) || owner.get(key) === column.field, `"${header}" names ${owner.get(key)} and ${column.field}`);
        owner.set(key, column.field);
      }
    }

    // A value per field, so the report shows which column each header was read as.
    const values = {
      holder_name: 'Ana Columns',
      holder_email: 'ana.columns@example.org',
      issued_on: '2026-01-15',
      external_reference: 'COL-1',
      evidence_url: 'https://example.org/evidence/1',
    };
    // Round n uses header n of each column, counted from 0 and starting over after the last. So
    // round 1 uses a non-default header of every column, and the rounds together use every header. Odd rounds write the header in
    // capitals with underscores, which the server must read the same way.
    const rounds = Math.max(...columns.map((column) => column.headers.length));
    for (let round = 1; round <= rounds; round++) {
      const headers = columns.map((column) => {
        const header = column.headers[round % column.headers.length];
        return round % 2 ? header.toUpperCase().replace(/ /g, '_') : header;
      });
      const csv = `${headers.join(';')}\n${columns.map((column) => values[column.field]).join(';')}\n`;
      const checked = await upload(issuerClient, csv);
      assert.equal(checked.status, 200, `${headers.join(';')}: ${checked.text}`);
      assert.deepEqual(checked.json.warnings, [], headers.join(';'));
      assert.equal(checked.json.invalid_rows, 0, checked.text);
      const [row] = checked.json.rows;
      for (const column of columns) assert.equal(row[column.field], values[column.field], `${column.field} of ${headers.join(';')}`);
    }

    // Headers near the listed ones but not in the list are not read.
    const near = await upload(issuerClient, 'Holder name;E-mail;Emails;Date issued;References\nAna;ana@example.org;x;2026-01-15;y\n');
    assert.equal(near.status, 200, near.text);
    assert.deepEqual(near.json.warnings[0].columns, ['Emails', 'Date issued', 'References']);
    assert.equal(near.json.rows[0].issued_on, '');
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
