// API v1 bulk issuing jobs: a checked CSV file is queued, a worker thread issues every row in one
// transaction, and GET /api/v1/bulk-issues/{id} shows progress and per-row results.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { verifyIndependently } from '../lib/credentials.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  otherOrganisationShortName,
  randomToken,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
} from '../lib/stack.mjs';

const BOM = '\ufeff';
const JOB_TIMEOUT_MS = 60000;

describe('bulk issuing jobs', () => {
  let insulation;
  let issuerClient;
  let otherIssuerClient;
  let learnerClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    issuerClient = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName }),
    );
    otherIssuerClient = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: otherOrganisationShortName(insulation) }),
    );
    learnerClient = await signedInClient(await createUser({ role: 'learner' }));
  });

  function upload(client, csv, options = {}) {
    return client.request('POST', `/api/v1/bulk-issues?microcredential_id=${insulation.id}`, {
      body: Buffer.from(csv, 'utf8'),
      headers: { 'Content-Type': 'text/csv; charset=utf-8' },
      csrf: true,
      ...options,
    });
  }

  /** Polls the job until it has ended and returns its JSON. */
  async function finished(client, id) {
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const response = await client.request('GET', `/api/v1/bulk-issues/${id}`);
      assert.equal(response.status, 200, response.text);
      if (response.json.status === 'succeeded' || response.json.status === 'failed') return response.json;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`bulk job ${id} did not end within ${JOB_TIMEOUT_MS} ms`);
  }

  /**
   * A file as LibreOffice or Excel save it in a European locale: BOM, semicolons, CRLF, a quoted
   * separator, a doubled quote, and a quoted line break in a column that MIC ignores.
   */
  function europeanCsv(marker) {
    return (
      `${BOM}Holder Name;E-Mail;Issue date;External_Reference;Evidence URL;Notes\r\n` +
      `Γεώργιος Παπαδόπουλος;georgios.${marker}@example.org;31/03/2026;${marker}-1;https://example.org/e/1;\r\n` +
      `Zoë Ștefănescu;Zoe.${marker}@Example.org;01.02.2026;${marker}-2;;"first line\r\nsecond line"\r\n` +
      `"Иван ""Ваня"" Петров";ivan.${marker}@example.org;2026-01-15;${marker}-3;"https://example.org/e/3?a=1;b=2";\r\n` +
      `Ana Silva;ana.${marker}@example.org;;;;\r\n`
    );
  }

  test('european spreadsheet file issued', async () => {
    const marker = randomToken(8).toLowerCase();
    const accepted = await upload(issuerClient, europeanCsv(marker));
    assert.equal(accepted.status, 202, accepted.text);
    assert.match(accepted.headers.get('location'), /^\/api\/v1\/bulk-issues\/\d+$/);
    assert.equal(accepted.json.total_rows, 4);
    assert.ok(['queued', 'running', 'succeeded'].includes(accepted.json.status));

    const job = await finished(issuerClient, accepted.json.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.issued_count, 4);
    assert.equal(job.skipped_count, 0);
    assert.equal(job.done_rows, 4);
    assert.deepEqual(job.results.map((row) => row.line), [2, 3, 5, 6]);
    assert.deepEqual(job.results.map((row) => row.result), ['issued', 'issued', 'issued', 'issued']);
    assert.equal(await sqlValue(`SELECT csv IS NULL FROM bulk_jobs WHERE id = ${job.id}`), '1');

    const names = ['Γεώργιος Παπαδόπουλος', 'Zoë Ștefănescu', 'Иван "Ваня" Петров', 'Ana Silva'];
    for (const [index, row] of job.results.entries()) {
      const verify = await fetch(`${baseUrl}/api/v1/verify/${row.certificate_id}`);
      assert.equal(verify.status, 200);
      const body = await verify.json();
      assert.equal(body.status, 'valid');
      assert.equal(body.holder.name, names[index]);
      const stored = await sqlValue(`SELECT HEX(holder_name) FROM certificates WHERE id = ${sqlString(row.certificate_id)}`);
      assert.equal(stored, Buffer.from(names[index]).toString('hex').toUpperCase());
    }
    const emails = await sql(
      `SELECT recipient FROM email_outbox WHERE kind = 'certificate_issued' AND recipient LIKE ${sqlString(`%.${marker}@%`)} ORDER BY recipient`,
    );
    assert.deepEqual(emails.map((row) => row[0].toLowerCase()), [
      `ana.${marker}@example.org`, `georgios.${marker}@example.org`, `ivan.${marker}@example.org`, `zoe.${marker}@example.org`,
    ]);
    const evidence = await sqlValue(`SELECT evidence_url FROM certificates WHERE id = ${sqlString(job.results[2].certificate_id)}`);
    assert.equal(evidence, 'https://example.org/e/3?a=1;b=2');

    const credential = await (await fetch(`${baseUrl}/api/v1/verify/${job.results[1].certificate_id}/credential.json`)).json();
    const independent = await verifyIndependently(credential);
    assert.equal(independent.verified, true, String(independent.error));

    // A row's issue date is the day the holder earned it: awarded_on in the API, and awardedDate,
    // the start of that day in Brussels, in the signed credential. 31 March 2026 is in summer time.
    const awarded = [
      ['2026-03-31', '2026-03-30T22:00:00Z'],
      ['2026-02-01', '2026-01-31T23:00:00Z'],
      ['2026-01-15', '2026-01-14T23:00:00Z'],
      [null, undefined],
    ];
    for (const [index, row] of job.results.entries()) {
      const [day, instant] = awarded[index];
      const verify = await (await fetch(`${baseUrl}/api/v1/verify/${row.certificate_id}`)).json();
      assert.equal(verify.awarded_on, day, `verification of line ${row.line}`);
      const certificate = await issuerClient.request('GET', `/api/v1/certificates/${row.certificate_id}`);
      assert.equal(certificate.json.awarded_on, day, `certificate of line ${row.line}`);
      const signed = await (await fetch(`${baseUrl}/api/v1/verify/${row.certificate_id}/credential.json`)).json();
      assert.equal(signed.awardedDate, instant, `awardedDate of line ${row.line}`);
    }
    const first = await (await fetch(`${baseUrl}/api/v1/verify/${job.results[0].certificate_id}/credential.json`)).json();
    assert.deepEqual(first.evidence, [{ id: 'https://example.org/e/1', type: ['Evidence'] }]);
    const firstResult = await verifyIndependently(first);
    assert.equal(firstResult.verified, true, String(firstResult.error));
    const page = await (await fetch(`${baseUrl}/v/${job.results[0].certificate_id}`)).text();
    assert.match(page, /<dt>Awarded on<\/dt>\s*<dd>[^<]*2026[^<]*<\/dd>/);
    const withoutDate = await (await fetch(`${baseUrl}/v/${job.results[3].certificate_id}`)).text();
    assert.doesNotMatch(withoutDate, /Awarded on/);
  });

  // The worker issues 50 rows per set of multi-row statements and the rest one by one, so these
  // files have more than 50 rows to take both paths.
  test('same file twice issues nothing new', async () => {
    const marker = randomToken(8).toLowerCase();
    let csv = 'name,email,reference\n';
    for (let i = 1; i <= 60; i++) csv += `Holder ${i} Twice,h${i}.${marker}@example.org,${i % 2 ? `R${i}` : ''}\n`;
    const first = await finished(issuerClient, (await upload(issuerClient, csv)).json.id);
    assert.equal(first.status, 'succeeded', JSON.stringify(first));
    assert.equal(first.issued_count, 60);
    // The job's status list entries are drawn at random like those of single issues: not a run of
    // consecutive indexes, each one in the register of taken entries.
    const entries = await sql(`SELECT c.status_list, c.status_index, (SELECT COUNT(*) FROM status_list_entries e
      WHERE e.status_list = c.status_list AND e.status_index = c.status_index) FROM certificates c
      WHERE c.bulk_job_id = ${first.id} ORDER BY c.id`);
    const indexes = entries.map((row) => Number(row[1])).sort((a, b) => a - b);
    assert.equal(new Set(indexes).size, 60, 'distinct entries');
    const adjacent = indexes.filter((value, i) => i > 0 && value === indexes[i - 1] + 1).length;
    assert.ok(adjacent < 5, `${adjacent} of 59 neighbouring indexes are consecutive: ${indexes.join(' ')}`);
    assert.ok(entries.every((row) => row[2] === '1'), 'every entry is registered');

    const again = csv.replace(`h1.${marker}`, `H1.${marker}`).replace(`h55.${marker}`, `H55.${marker}`);
    const second = await finished(issuerClient, (await upload(issuerClient, again)).json.id);
    assert.equal(second.status, 'succeeded', JSON.stringify(second));
    assert.equal(second.issued_count, 0);
    assert.equal(second.skipped_count, 60);
    assert.ok(second.results.every((row) => row.result === 'skipped'));
    assert.deepEqual(second.results.map((row) => row.certificate_id), first.results.map((row) => row.certificate_id));
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE holder_email_key LIKE ${sqlString(`%.${marker}@%`)}`), '60');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM email_outbox WHERE recipient LIKE ${sqlString(`%.${marker}@%`)}`), '60');
  });

  test('failure in the middle rolls back', async () => {
    const marker = randomToken(8).toLowerCase();
    const trigger = `bulk_fail_${marker}`;
    const poison = `Poison ${marker}`;

    // The mariadb client ends a statement at each semicolon, so the trigger is sent with another delimiter.
    await sql(
      `DELIMITER //\nCREATE TRIGGER ${trigger} BEFORE INSERT ON certificates FOR EACH ROW ` +
        `IF NEW.holder_name = ${sqlString(poison)} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rejected by test'; END IF //`,
    );

    let job;
    try {
      // Row 71 (line 72) is in the second set of 50 rows.
      let csv = 'Holder name,E-mail\n';
      for (let i = 1; i <= 120; i++) {
        csv += i === 71 ? `${poison},poison.${marker}@example.org\n` : `Holder ${i} ${marker},h${i}.${marker}@example.org\n`;
      }
      const accepted = await upload(issuerClient, csv);
      assert.equal(accepted.status, 202, accepted.text);
      job = await finished(issuerClient, accepted.json.id);
    } finally {
      await sql(`DROP TRIGGER IF EXISTS ${trigger}`);
    }

    assert.equal(job.status, 'failed');
    assert.equal(job.failed_line, 72);
    assert.match(job.error, /line 72/);
    assert.equal(job.issued_count, 0);

    // Nothing of the job remains: certificates, e-mails, audit records or the uploaded file.
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE bulk_job_id = ${job.id}`), '0');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM certificates WHERE holder_email_key LIKE ${sqlString(`%.${marker}@%`)}`), '0');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM email_outbox WHERE recipient LIKE ${sqlString(`%.${marker}@%`)}`), '0');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM audit_log WHERE request_id LIKE ${sqlString(`bulk-${job.id}-%`)}`), '0');
    assert.equal(await sqlValue(`SELECT csv IS NULL FROM bulk_jobs WHERE id = ${job.id}`), '1');
  });

  test('jobs of other organisations hidden', async () => {
    const marker = randomToken(8).toLowerCase();
    const csv = `name,email\nAna Access,ana.${marker}@example.org\n`;
    const other = await upload(otherIssuerClient, csv);
    assert.equal(other.status, 403);
    assert.equal((await upload(learnerClient, csv)).status, 403);
    const anonymous = await fetch(`${baseUrl}/api/v1/bulk-issues?microcredential_id=${insulation.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: csv,
    });
    assert.equal(anonymous.status, 401);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM bulk_jobs WHERE csv LIKE ${sqlString(`%${marker}%`)}`), '0');

    const accepted = await upload(issuerClient, csv);
    assert.equal(accepted.status, 202, accepted.text);
    const path = `/api/v1/bulk-issues/${accepted.json.id}`;
    assert.equal((await otherIssuerClient.request('GET', path)).status, 403);
    assert.equal((await learnerClient.request('GET', path)).status, 403);
    assert.equal((await fetch(baseUrl + path)).status, 401);
    assert.equal((await issuerClient.request('GET', '/api/v1/bulk-issues/999999999')).status, 404);

    const own = await issuerClient.request('GET', '/api/v1/bulk-issues');
    assert.equal(own.status, 200);
    assert.ok(own.json.items.some((item) => item.id === accepted.json.id));
    const foreign = await otherIssuerClient.request('GET', '/api/v1/bulk-issues');
    assert.equal(foreign.status, 200);
    assert.ok(!foreign.json.items.some((item) => item.id === accepted.json.id));
    await finished(issuerClient, accepted.json.id);
  });

  test('job repeats its warnings', async () => {
    const marker = randomToken(8).toLowerCase();
    const accepted = await upload(issuerClient, `Name;E-mail;Remarks;Phone\nWarned ${marker};warned.${marker}@example.org;late;123\n`);
    assert.equal(accepted.status, 202, accepted.text);
    assert.equal(accepted.json.warnings.length, 1, accepted.text);
    const [warning] = accepted.json.warnings;
    assert.equal(warning.code, 'unknown_columns');
    assert.equal(warning.field, 'body');
    assert.deepEqual(warning.columns, ['Remarks', 'Phone']);
    assert.match(warning.message, /"Remarks" and "Phone" are not known/);

    // A user who opens the job later reads the same warnings, while it runs and after it has ended.
    const opened = await issuerClient.request('GET', `/api/v1/bulk-issues/${accepted.json.id}`);
    assert.equal(opened.status, 200, opened.text);
    assert.deepEqual(opened.json.warnings, accepted.json.warnings);
    const job = await finished(issuerClient, accepted.json.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.deepEqual(job.warnings, accepted.json.warnings);
    const list = await issuerClient.request('GET', '/api/v1/bulk-issues');
    assert.equal(list.status, 200, list.text);
    const item = list.json.items.find((entry) => entry.id === job.id);
    assert.ok(item, 'the job is on the first page of the list');
    assert.deepEqual(item.warnings, accepted.json.warnings);
    // The warnings stay after the file is deleted, because they contain headers and no rows of holders.
    assert.equal(await sqlValue(`SELECT csv IS NULL FROM bulk_jobs WHERE id = ${job.id}`), '1');
    const stored = await sqlValue(`SELECT HEX(warnings) FROM bulk_jobs WHERE id = ${job.id}`);
    assert.deepEqual(JSON.parse(Buffer.from(stored, 'hex').toString('utf8')), accepted.json.warnings);
  });

  test('clean job has no warnings', async () => {
    const marker = randomToken(8).toLowerCase();
    const accepted = await upload(issuerClient, `Holder name,E-mail\nClean ${marker},clean.${marker}@example.org\n`);
    assert.equal(accepted.status, 202, accepted.text);
    assert.deepEqual(accepted.json.warnings, []);
    const job = await finished(issuerClient, accepted.json.id);
    assert.deepEqual(job.warnings, []);
    const list = await issuerClient.request('GET', '/api/v1/bulk-issues');
    assert.deepEqual(list.json.items.find((entry) => entry.id === job.id)?.warnings, []);

    // A job queued before migration 190 has NULL in the column, and reads as no warnings too.
    await sql(`UPDATE bulk_jobs SET warnings = NULL WHERE id = ${job.id}`);
    const older = await issuerClient.request('GET', `/api/v1/bulk-issues/${job.id}`);
    assert.equal(older.status, 200, older.text);
    assert.deepEqual(older.json.warnings, []);
    const olderList = await issuerClient.request('GET', '/api/v1/bulk-issues');
    assert.deepEqual(olderList.json.items.find((entry) => entry.id === job.id)?.warnings, []);
  });

  test('file with a bad row starts nothing', async () => {
    const marker = randomToken(8).toLowerCase();
    const csv = `name,email\nAna Good,ana.${marker}@example.org\nBad Mail,not-an-address\n`;
    const response = await upload(issuerClient, csv);
    assert.equal(response.status, 422, response.text);
    assert.equal(response.json.error.code, 'invalid_rows');
    assert.equal(response.json.invalid_rows, 1);
    assert.equal(response.json.rows[1].line, 3);
    assert.deepEqual(response.json.rows[1].errors.map((error) => error.field), ['holder_email']);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM bulk_jobs WHERE csv LIKE ${sqlString(`%${marker}%`)}`), '0');
  });

  test('empty file rejected', async () => {
    const response = await upload(issuerClient, 'Holder name,E-mail\r\n');
    assert.equal(response.status, 400);
    assert.equal(response.json.error.field, 'body');
  });
});
