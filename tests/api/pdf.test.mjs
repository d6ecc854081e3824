// API v1 PDF certificates: content read back with poppler-utils, fonts, page size, access and cache.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  otherOrganisationShortName,
  signedInClient,
  sqlString,
  sqlValue,
} from '../lib/stack.mjs';
import { decodeQrPng } from '../lib/qr.mjs';

const run = promisify(execFile);

// Latin with comma-below and double-acute letters, Greek and Cyrillic, as the fonts must cover.
const NAMES = [
  'Zoë Nuñez-Ștefănescu',
  'Ołeksandr Łukasz Ŵyn',
  'Ődön Țărână',
  'Γεώργιος Παπαδόπουλος',
  'Иван Петров',
];

let folder;
let coordinator;
let microcredential;

async function fetchPdf(client, id) {
  const response = await fetch(`${baseUrl}/api/v1/certificates/${id}/certificate.pdf`, {
    headers: client ? { Cookie: client.cookieHeader() } : {},
  });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

async function savePdf(bytes, name) {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return path;
}

/** "2026-12-04" as the PDF prints it: "4 December 2026". */
function longDate(day) {
  const [year, month, date] = day.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, date));
}

async function pdfText(path) {
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path, '-']);
  return stdout;
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mic-pdf-'));
  coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
  microcredential = await demoMicrocredential(INSULATION_TITLE);
});

after(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('certificate PDF', () => {
  test('names in every script extract exactly', async () => {
    for (const name of NAMES) {
      const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id, holder_name: name });
      const pdf = await fetchPdf(coordinator, certificate.id);
      assert.equal(pdf.status, 200);
      assert.equal(pdf.type, 'application/pdf');
      const text = await pdfText(await savePdf(pdf.bytes, `${certificate.id}.pdf`));
      assert.ok(text.includes(name), `the PDF text lacks ${name}`);
      assert.ok(text.includes(INSULATION_TITLE));
      assert.ok(text.includes('Habitat Sector Skills Certification Alliance'));
      assert.ok(text.includes(certificate.id));
      assert.ok(text.includes(longDate(certificate.issued_on)), `the PDF lacks the issue date ${longDate(certificate.issued_on)}`);
    }
  });

  test('prints the country name', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const organisation = certificate.microcredential.promoting_organisation;
    const countryName = await sqlValue(`SELECT name FROM countries WHERE code = ${sqlString(organisation.country)}`);
    const text = (await pdfText(await savePdf((await fetchPdf(coordinator, certificate.id)).bytes, 'country.pdf')))
      .replace(/\s+/g, ' ');

    assert.ok(countryName, `no country has the code ${organisation.country}`);
    assert.ok(text.includes(`${organisation.name}, ${countryName}`), `the PDF lacks "${organisation.name}, ${countryName}": ${text}`);
    assert.equal(text.includes(`${organisation.name}, ${organisation.country}`), false, 'the PDF prints the country code');
  });

  test('is A4 landscape with embedded fonts', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id, holder_name: NAMES[3] });
    const path = await savePdf((await fetchPdf(coordinator, certificate.id)).bytes, 'a4.pdf');
    const { stdout: info } = await run('pdfinfo', [path]);
    assert.match(info, /Page size:\s+841\.89 x 595\.28 pts \(A4\)/);
    const { stdout: fonts } = await run('pdffonts', [path]);
    const rows = fonts.trim().split('\n').slice(2);
    assert.ok(rows.length > 0, 'the PDF names no fonts');
    for (const row of rows) {
      const columns = row.trim().split(/\s+/);
      // name type [type...] encoding emb sub uni object generation: emb is fifth from the end.
      assert.equal(columns[columns.length - 5], 'yes', `font not embedded: ${row}`);
    }
  });

  test('holds every learning outcome', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const text = (await pdfText(await savePdf((await fetchPdf(coordinator, certificate.id)).bytes, 'lo.pdf')))
      .replace(/\s+/g, ' ');
    assert.ok(certificate.microcredential.learning_outcomes.length > 0);
    for (const outcome of certificate.microcredential.learning_outcomes) {
      assert.ok(text.includes(outcome.statement.replace(/\s+/g, ' ')), `missing outcome: ${outcome.statement}`);
    }
  });

  test('QR code is vector and decodes', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const path = await savePdf((await fetchPdf(coordinator, certificate.id)).bytes, 'qr.pdf');
    const { stdout: images } = await run('pdfimages', ['-list', path]);
    assert.equal(images.trim().split('\n').length, 2, `the PDF embeds raster images:\n${images}`);
    await run('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', path, join(folder, 'qr-page')]);
    const png = await readFile(join(folder, 'qr-page-1.png'));
    assert.equal(decodeQrPng(png), certificate.verify_url);
  });

  test('revoked certificate is marked', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const before = await fetchPdf(coordinator, certificate.id);
    const revoked = await coordinator.post(`/api/v1/certificates/${certificate.id}/revoke`, { reason: 'Issued to the wrong learner' });
    assert.equal(revoked.status, 200);
    const after = await fetchPdf(coordinator, certificate.id);
    assert.notDeepEqual(after.bytes, before.bytes);
    const text = await pdfText(await savePdf(after.bytes, 'revoked.pdf'));
    assert.ok(text.includes(`Revoked on ${longDate(revoked.json.revoked_on)}`));
    assert.ok(text.includes('Issued to the wrong learner'));
  });

  test('second download is the cached file', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const first = await fetchPdf(coordinator, certificate.id);
    const second = await fetchPdf(coordinator, certificate.id);
    assert.equal(first.status, 200);
    assert.deepEqual(second.bytes, first.bytes);
  });

  test('access by role and organisation', async () => {
    const certificate = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const ownIssuer = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: microcredential.organisationShortName }),
    );
    const otherIssuer = await signedInClient(
      await createUser({ role: 'issuer', organisationShortName: otherOrganisationShortName(microcredential) }),
    );
    const learner = await signedInClient(await createUser({ role: 'learner' }));
    assert.equal((await fetchPdf(ownIssuer, certificate.id)).status, 200);
    assert.equal((await fetchPdf(otherIssuer, certificate.id)).status, 403);
    assert.equal((await fetchPdf(learner, certificate.id)).status, 403);
    assert.equal((await fetchPdf(new Client(), certificate.id)).status, 401);
    assert.equal((await fetchPdf(coordinator, '0000000000000000000a')).status, 404);
    assert.equal((await fetchPdf(coordinator, 'not-an-id')).status, 404);
  });
});
