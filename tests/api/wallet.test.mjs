// API v1 wallet: a learner's certificates, the holder's e-mail, LinkedIn links and erasure of
// the holder's personal data.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  randomToken,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
  uniqueEmail,
} from '../lib/stack.mjs';

/** Returns the address with its first letter and its domain in upper case. */
function upperCased(email) {
  const [local, domain] = email.split('@');
  return `${local[0].toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`;
}

async function walletItem(client, id) {
  const response = await client.get('/api/v1/wallet');
  assert.equal(response.status, 200, response.text);
  return response.json.items.find((item) => item.id === id);
}

/** Counts, over every text and binary column of every table, the values containing needle. */
async function rowsContaining(needle) {
  const columns = await sql(
    'SELECT table_name, column_name FROM information_schema.columns' +
      ' WHERE table_schema = DATABASE() AND data_type IN' +
      " ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json', 'blob', 'longblob')",
  );
  const parts = columns.map(
    ([table, column]) =>
      `SELECT ${sqlString(`${table}.${column}`)}, COUNT(*) FROM \`${table}\`` +
      ` WHERE LOCATE(LOWER(${sqlString(needle)}), LOWER(CONVERT(\`${column}\` USING utf8mb4))) > 0`,
  );
  const rows = await sql(parts.join(' UNION ALL '));
  return rows.filter(([, count]) => Number(count) > 0).map(([where]) => where);
}

describe('wallet', () => {
  let insulation;
  let issuerClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    const issuer = await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName });
    issuerClient = await signedInClient(issuer);
  });

  test('lists certificates whatever the e-mail case', async () => {
    const learner = await createUser({ role: 'learner' });
    const client = await signedInClient(learner);
    const cert = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_email: upperCased(learner.email),
    });

    const item = await walletItem(client, cert.id);
    assert.ok(item, `the wallet of ${learner.email} lacks the certificate issued to ${upperCased(learner.email)}`);
    assert.equal(item.status, 'valid');
    assert.equal(item.verify_url, `${baseUrl}/v/${cert.id}`);
    assert.equal(item.microcredential.title, INSULATION_TITLE);
    assert.equal(item.issued_on, cert.issued_on);
    assert.equal(item.pdf_url, `/api/v1/certificates/${cert.id}/certificate.pdf`);
    assert.equal(item.credential_url, `/api/v1/verify/${cert.id}/credential.json`);

    const other = await signedInClient(await createUser({ role: 'learner' }));
    assert.equal(await walletItem(other, cert.id), undefined);
  });

  test('wallet rejects other roles', async () => {
    assert.equal((await issuerClient.get('/api/v1/wallet')).status, 403);
    assert.equal((await new Client().get('/api/v1/wallet')).status, 401);
  });

  test('holder downloads PDF and credential', async () => {
    const learner = await createUser({ role: 'learner' });
    const client = await signedInClient(learner);
    const cert = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_email: upperCased(learner.email),
    });

    const pdf = await client.get(`/api/v1/certificates/${cert.id}/certificate.pdf`);
    assert.equal(pdf.status, 200, pdf.text.slice(0, 300));
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const credential = await client.get(`/api/v1/verify/${cert.id}/credential.json`);
    assert.equal(credential.status, 200);
    assert.equal(credential.json.id, `${baseUrl}/v/${cert.id}`);

    const stranger = await signedInClient(await createUser({ role: 'learner' }));
    const refused = await stranger.get(`/api/v1/certificates/${cert.id}/certificate.pdf`);
    assert.equal(refused.status, 403);
  });

  test('issuing queues the holder e-mail', async () => {
    const learner = await createUser({ role: 'learner' });
    const withAccount = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_email: upperCased(learner.email),
    });
    const newcomerEmail = uniqueEmail('newcomer');
    const withoutAccount = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_email: newcomerEmail,
    });

    const [known] = await sql(
      `SELECT recipient, user_id, body FROM email_outbox WHERE kind = 'certificate_issued'` +
        ` AND LOCATE(${sqlString(withAccount.id)}, body) > 0`,
    );
    assert.ok(known, 'no e-mail about the certificate of a learner with an account');
    assert.equal(known[0], upperCased(learner.email));
    assert.equal(Number(known[1]), learner.id);
    assert.match(known[2], new RegExp(`${baseUrl}/wallet`));

    const [unknown] = await sql(
      `SELECT recipient, user_id, body FROM email_outbox WHERE kind = 'certificate_issued'` +
        ` AND LOCATE(${sqlString(withoutAccount.id)}, body) > 0`,
    );
    assert.ok(unknown, 'no e-mail about the certificate of a holder without an account');
    assert.equal(unknown[1], 'NULL');
    assert.ok(
      unknown[2].includes(`${baseUrl}/register?email=${encodeURIComponent(newcomerEmail)}`),
      unknown[2],
    );
  });

  describe('LinkedIn link', () => {
    // issued_at is UTC; the expected month is the calendar month in Europe/Brussels.
    const cases = [
      { issuedAt: '2025-12-31 23:30:00', year: '2026', month: '1' },
      { issuedAt: '2025-12-31 22:30:00', year: '2025', month: '12' },
      // Summer time starts on 29 March 2026 at 01:00 UTC; 31 March is then UTC+2.
      { issuedAt: '2026-03-31 22:30:00', year: '2026', month: '4' },
      { issuedAt: '2026-03-31 21:30:00', year: '2026', month: '3' },
      { issuedAt: '2026-03-28 23:30:00', year: '2026', month: '3' },
      { issuedAt: '2026-02-28 23:30:00', year: '2026', month: '3' },
    ];

    for (const { issuedAt, year, month } of cases) {
      test(`issue month of ${issuedAt} UTC`, async () => {
        const learner = await createUser({ role: 'learner' });
        const client = await signedInClient(learner);
        const cert = await issueCertificate(issuerClient, {
          microcredential_id: insulation.id,
          holder_email: learner.email,
        });
        await sql(`UPDATE certificates SET issued_at = ${sqlString(issuedAt)} WHERE id = ${sqlString(cert.id)}`);

        const item = await walletItem(client, cert.id);
        const url = new URL(item.linkedin_url);
        assert.equal(url.origin + url.pathname, 'https://www.linkedin.com/profile/add');
        assert.equal(url.searchParams.get('startTask'), 'CERTIFICATION_NAME');
        assert.equal(url.searchParams.get('issueYear'), year);
        assert.equal(url.searchParams.get('issueMonth'), month);
        assert.equal(url.searchParams.get('name'), INSULATION_TITLE);
        assert.equal(url.searchParams.get('organizationName'), 'Habitat Sector Skills Certification Alliance');
        assert.equal(url.searchParams.get('certUrl'), `${baseUrl}/v/${cert.id}`);
        assert.equal(url.searchParams.get('certId'), cert.id);
        assert.equal(url.searchParams.get('expirationYear'), null);
        assert.ok(item.linkedin_url.includes('organizationName=Habitat%20Sector%20Skills%20Certification%20Alliance'));
      });
    }

    test('expiry month in alliance zone', async () => {
      const learner = await createUser({ role: 'learner' });
      const client = await signedInClient(learner);
      const cert = await issueCertificate(issuerClient, {
        microcredential_id: insulation.id,
        holder_email: learner.email,
        valid_until: '2030-06-30T22:30:00Z',
      });

      const url = new URL((await walletItem(client, cert.id)).linkedin_url);
      assert.equal(url.searchParams.get('expirationYear'), '2030');
      assert.equal(url.searchParams.get('expirationMonth'), '7');
    });
  });
});

describe('erasure', () => {
  let insulation;
  let issuerClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    const issuer = await createUser({ role: 'issuer', organisationShortName: insulation.organisationShortName });
    issuerClient = await signedInClient(issuer);
  });

  test('erasure needs confirmation', async () => {
    const learner = await createUser({ role: 'learner' });
    const client = await signedInClient(learner);

    const response = await client.post('/api/v1/wallet/erasure', {});
    assert.equal(response.status, 400);
    assert.equal(response.json.error.field, 'confirm');
    const withoutCsrf = await client.post('/api/v1/wallet/erasure', { confirm: true }, { csrf: false });
    assert.equal(withoutCsrf.status, 403);
    assert.equal((await client.get('/api/v1/me')).status, 200);
  });

  test('account erasure leaves no trace', async () => {
    const name = `Zoë Ștefănescu-Erase ${randomToken(8)}`;
    const learner = await createUser({ role: 'learner', name });
    const client = await signedInClient(learner);
    const first = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_name: name,
      holder_email: upperCased(learner.email),
    });
    const second = await issueCertificate(issuerClient, {
      microcredential_id: insulation.id,
      holder_name: name,
      holder_email: learner.email,
    });
    for (const cert of [first, second]) {
      const pdf = await client.get(`/api/v1/certificates/${cert.id}/certificate.pdf`);
      assert.equal(pdf.status, 200);
    }
    const cacheDir = path.join(process.env.MIC_VAR, 'cache', 'pdf');
    const cachedBefore = (await readdir(cacheDir)).filter((file) => file.startsWith(first.id));
    assert.ok(cachedBefore.length > 0, 'the PDF was not cached, so the test proves nothing');
    assert.ok((await rowsContaining(learner.email)).length > 0);

    const response = await client.post('/api/v1/wallet/erasure', { confirm: true });
    assert.equal(response.status, 204, response.text);

    assert.deepEqual(await rowsContaining(learner.email), []);
    assert.deepEqual(await rowsContaining(name), []);
    const cached = (await readdir(cacheDir)).filter(
      (file) => file.startsWith(first.id) || file.startsWith(second.id),
    );
    assert.deepEqual(cached, []);

    for (const cert of [first, second]) {
      const verify = await new Client().get(`/api/v1/verify/${cert.id}`);
      assert.equal(verify.status, 200);
      assert.equal(verify.json.status, 'withdrawn');
      assert.equal(verify.json.holder, null);
      assert.match(verify.json.withdrawn_on, /^\d{4}-\d{2}-\d{2}$/);
      const page = await new Client().get(`/v/${cert.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /data-status="withdrawn"/);
      assert.match(page.text, /withdrawn on \d{1,2} [A-Z][a-z]+ \d{4} at the holder's request/i);
      assert.ok(!page.text.includes(name));
      const credential = await new Client().get(`/api/v1/verify/${cert.id}/credential.json`);
      assert.equal(credential.status, 410);
    }

    assert.equal((await client.get('/api/v1/me')).status, 401);
    const signIn = await new Client().post('/api/v1/session', { email: learner.email, password: learner.password });
    assert.equal(signIn.status, 401);

    const log = await readFile(path.join(process.env.MIC_VAR, 'log', 'backend.log'), 'utf8');
    assert.ok(!log.toLowerCase().includes(learner.email.toLowerCase()), 'the backend log contains the e-mail');
    assert.ok(!log.includes(name), 'the backend log contains the name');
  });

  test('one certificate withdrawn, others kept', async () => {
    const learner = await createUser({ role: 'learner' });
    const client = await signedInClient(learner);
    const remaining = await issueCertificate(issuerClient, { microcredential_id: insulation.id, holder_email: learner.email });
    const erased = await issueCertificate(issuerClient, { microcredential_id: insulation.id, holder_email: learner.email });

    const stranger = await signedInClient(await createUser({ role: 'learner' }));
    const refused = await stranger.post(`/api/v1/wallet/certificates/${erased.id}/erasure`, { confirm: true });
    assert.equal(refused.status, 404);

    const response = await client.post(`/api/v1/wallet/certificates/${erased.id}/erasure`, { confirm: true });
    assert.equal(response.status, 204, response.text);
    assert.equal(await walletItem(client, erased.id), undefined);
    assert.equal((await walletItem(client, remaining.id)).status, 'valid');
    assert.equal((await new Client().get(`/api/v1/verify/${erased.id}`)).json.status, 'withdrawn');
    assert.equal((await new Client().get(`/api/v1/verify/${remaining.id}`)).json.status, 'valid');
    assert.equal(
      await sqlValue(`SELECT COUNT(*) FROM certificates WHERE id = ${sqlString(erased.id)} AND holder_email = ''`),
      '1',
    );
    const revoke = await issuerClient.post(`/api/v1/certificates/${erased.id}/revoke`, { reason: 'test' });
    assert.equal(revoke.status, 409);
  });
});
