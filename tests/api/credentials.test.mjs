// Signed Open Badges 3.0 credentials: keys and their publication, the RDFC-1.0 canonical form
// made in C against jsonld's, the independent Digital Bazaar verifier, revocation through the
// Bitstring Status List, key rotation and the verification checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentLoader, jsonldCanonical, stackDid, verifyIndependently } from '../lib/credentials.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
  sql,
  sqlString,
} from '../lib/stack.mjs';

const execFileAsync = promisify(execFile);

/** Runs `mic-server canonicalize` on document and returns its N-Quads. */
async function canonicalizeInC(document) {
  const child = execFileAsync(process.env.MIC_SERVER_BIN, ['canonicalize'], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin.end(JSON.stringify(document));
  return (await child).stdout;
}

async function downloadCredential(id) {
  const response = await fetch(`${baseUrl}/api/v1/verify/${id}/credential.json`);
  assert.equal(response.status, 200, `credential.json of ${id}`);
  return response.json();
}

async function checksOf(id) {
  const response = await fetch(`${baseUrl}/api/v1/verify/${id}`);
  assert.equal(response.status, 200);
  const body = await response.json();
  return { status: body.status, checks: Object.fromEntries(body.checks.map((c) => [c.check, c])), order: body.checks.map((c) => c.check) };
}

const TEXTS = [
  'Γεώργιος Παπαδόπουλος',
  'Ștefan Țăranu și Ş (cedilla) versus Ș (comma)',
  'O\'Brien "Danny" \\ back\\slash',
  'Emoji 😀🏗️ and a U+FFFD \ufffd',
  'Control\tcharacters\u0001\u0008\u000c\u001f\u007f and \r\n line breaks',
  'Λ'.repeat(3000),
  'Combining e\u0301 versus é',
];

describe('credentials', () => {
  let coordinator;
  let microcredential;

  before(async () => {
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    microcredential = await demoMicrocredential(INSULATION_TITLE);
  });

  test('DID document and JWKS publish the key', async () => {
    const did = await (await fetch(`${baseUrl}/.well-known/did.json`)).json();
    const port = new URL(baseUrl).port;
    assert.equal(did.id, `did:web:127.0.0.1%3A${port}`);
    assert.equal(did['@context'][0], 'https://www.w3.org/ns/did/v1');
    assert.ok(did.verificationMethod.length >= 1);
    for (const method of did.verificationMethod) {
      assert.equal(method.type, 'Multikey');
      assert.equal(method.controller, did.id);
      assert.match(method.publicKeyMultibase, /^z6Mk/);
      assert.ok(did.assertionMethod.includes(method.id));
    }
    const jwks = await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json();
    assert.equal(jwks.keys.length, did.verificationMethod.length);
    for (const key of jwks.keys) {
      assert.equal(key.kty, 'OKP');
      assert.equal(key.crv, 'Ed25519');
      assert.equal(key.d, undefined);
      assert.equal(Buffer.from(key.x, 'base64url').length, 32);
    }
  });

  test('private key file has mode 0600', async () => {
    const rows = await sql('SELECT key_id FROM signing_keys ORDER BY id LIMIT 1');
    const { stdout } = await execFileAsync('stat', ['-c', '%a', `${process.env.MIC_VAR}/keys/${rows[0][0]}.pem`]);
    assert.equal(stdout.trim(), '600');
    const columns = await sql("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_NAME = 'signing_keys'");
    assert.ok(!columns.flat().some((c) => /private/i.test(c)), 'no private key column');
  });

  test('issued credential has the Open Badges fields', async () => {
    const cert = await issueCertificate(coordinator, {
      microcredential_id: microcredential.id,
      holder_name: 'Ana Popescu',
      holder_email: 'Ana.Popescu@Example.org',
    });
    const credential = await downloadCredential(cert.id);
    assert.deepEqual(credential['@context'], [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    assert.deepEqual(credential.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(credential.issuer.id, await stackDid());
    assert.equal(credential.validFrom, cert.issued_at);
    const subject = credential.credentialSubject;
    assert.equal(subject.achievement.achievementType, 'MicroCredential');
    assert.equal(subject.achievement.name, INSULATION_TITLE);
    assert.ok(subject.achievement.alignment.some((a) => a.targetUrl.startsWith('http://data.europa.eu/esco/')));
    // ESCO skills are competencies, each named once, as in the Achievement export.
    const skills = subject.achievement.alignment.filter((a) => a.targetUrl.startsWith('http://data.europa.eu/esco/skill/'));
    assert.ok(skills.length > 0);
    for (const skill of skills) assert.equal(skill.targetType, 'ceasn:Competency');
    assert.equal(new Set(skills.map((a) => a.targetUrl)).size, skills.length);
    assert.ok(subject.achievement.creator.name);
    const email = subject.identifier.find((i) => i.identityType === 'emailAddress');
    assert.equal(email.hashed, true);
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(`ana.popescu@example.org${email.salt}`).digest('hex');
    assert.equal(email.identityHash, `sha256$${expected}`);
    assert.ok(!JSON.stringify(credential).includes('Example.org'), 'the e-mail address is not in clear');
    assert.equal(credential.credentialStatus.type, 'BitstringStatusListEntry');
    assert.equal(credential.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.match(credential.proof.proofValue, /^z[1-9A-HJ-NP-Za-km-z]+$/);
  });

  test('C canonical form equals jsonld', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const template = await downloadCredential(cert.id);
    delete template.proof;
    const documents = [template];
    for (const text of TEXTS) {
      const doc = structuredClone(template);
      doc.name = text;
      doc.credentialSubject.identifier[0].identityHash = text;
      doc.credentialSubject.achievement.description = `${text} / ${text.length}`;
      doc.credentialSubject.achievement.criteria.narrative = `1. ${text}\n2. ${text}`;
      doc.credentialSubject.achievement.alignment.push(
        { type: ['Alignment'], targetName: text, targetUrl: 'http://data.europa.eu/esco/skill/x', targetFramework: 'ESCO' },
        { type: ['Alignment'], targetName: text, targetUrl: 'http://data.europa.eu/esco/skill/x', targetFramework: 'ESCO' },
      );
      doc.credentialSubject.achievement.creditsAvailable = text.length / 8;
      documents.push(doc);
    }
    documents.push({
      '@context': template['@context'],
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2026-03-29T01:30:00Z',
      verificationMethod: `${await stackDid()}#key-1`,
      proofPurpose: 'assertionMethod',
    });
    for (const [i, doc] of documents.entries()) {
      const expected = await jsonldCanonical(doc);
      const actual = await canonicalizeInC(doc);
      assert.equal(actual, expected, `document ${i} (${doc.name ?? doc.type})`);
    }
  });

  test('independent verifier accepts and rejects', async () => {
    const cert = await issueCertificate(coordinator, {
      microcredential_id: microcredential.id,
      holder_name: 'Γεώργιος "Ψ" Ștefan 😀',
      valid_until: '2031-03-30',
    });
    const credential = await downloadCredential(cert.id);
    const result = await verifyIndependently(credential);
    assert.equal(result.verified, true, String(result.error));
    assert.equal(result.statusResult.verified, true);

    const tampered = structuredClone(credential);
    tampered.credentialSubject.identifier[0].identityHash = 'Γεώργιος "Ψ" Ștefan 😁';
    assert.equal((await verifyIndependently(tampered)).verified, false);
  });

  test('tampered stored credential detected by both', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id, holder_name: 'Maria Tampered' });
    await sql(
      `UPDATE certificates SET credential = REPLACE(credential, 'Maria Tampered', 'Maria TampereD') WHERE id = ${sqlString(cert.id)}`,
    );
    const { status, checks, order } = await checksOf(cert.id);
    assert.deepEqual(order, ['record', 'signature', 'revocation', 'expiry']);
    assert.equal(checks.signature.result, 'failed');
    assert.equal(status, 'invalid');
    const page = await (await fetch(`${baseUrl}/v/${cert.id}`)).text();
    assert.match(page, /data-check="signature" data-result="failed"/);
    assert.equal((await verifyIndependently(await downloadCredential(cert.id))).verified, false);
  });

  test('revocation reported by both', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const before = await downloadCredential(cert.id);
    assert.equal((await verifyIndependently(before)).verified, true);
    const revoked = await coordinator.post(`/api/v1/certificates/${cert.id}/revoke`, { reason: 'Issued by mistake' });
    assert.equal(revoked.status, 200);

    const { status, checks } = await checksOf(cert.id);
    assert.equal(status, 'revoked');
    assert.equal(checks.revocation.result, 'failed');
    assert.match(checks.revocation.message, /Issued by mistake/);
    assert.equal(checks.signature.result, 'passed');

    // The verifier reports revocation in statusResult: verified says the signatures and the
    // status list were checked, status true says the revocation bit is set.
    const result = await verifyIndependently(await downloadCredential(cert.id));
    assert.equal(result.statusResult.verified, true, String(result.statusResult.error));
    assert.equal(result.statusResult.results[0].status, true, 'the status list bit is set');

    const list = await (await fetch(before.credentialStatus.statusListCredential)).json();
    assert.deepEqual(list.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
    assert.match(list.credentialSubject.encodedList, /^u[A-Za-z0-9_-]+$/);
    const { gunzipSync } = await import('node:zlib');
    const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    assert.equal(bits.length * 8, 131072);
    const index = Number(before.credentialStatus.statusListIndex);
    assert.equal((bits[index >> 3] >> (7 - (index & 7))) & 1, 1);
  });

  test('old certificate verifies after rotation', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const oldCredential = await downloadCredential(cert.id);
    const { stdout } = await execFileAsync(process.env.MIC_SERVER_BIN, ['rotate-key']);
    const newKey = stdout.trim();
    assert.match(newKey, /^key-[0-9a-f]{16}$/);
    assert.ok(!oldCredential.proof.verificationMethod.endsWith(`#${newKey}`));

    const did = await (await fetch(`${baseUrl}/.well-known/did.json`)).json();
    assert.ok(did.assertionMethod.includes(oldCredential.proof.verificationMethod), 'old key still published');
    assert.equal((await verifyIndependently(oldCredential)).verified, true);
    const { checks } = await checksOf(cert.id);
    assert.equal(checks.signature.result, 'passed');

    const fresh = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const freshCredential = await downloadCredential(fresh.id);
    assert.ok(freshCredential.proof.verificationMethod.endsWith(`#${newKey}`));
    assert.equal((await verifyIndependently(freshCredential)).verified, true);
  });

  test('uploaded credential is checked', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id, holder_name: 'Ioana Upload' });
    const credential = await downloadCredential(cert.id);
    const ok = await fetch(`${baseUrl}/api/v1/verify-credential`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credential),
    });
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.status, 'valid');
    assert.deepEqual(body.checks.map((c) => c.result), ['passed', 'passed', 'passed', 'passed']);
    assert.equal(body.holder.name, 'Ioana Upload');

    credential.name += '!';
    const bad = await (await fetch(`${baseUrl}/api/v1/verify-credential`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credential),
    })).json();
    assert.equal(bad.status, 'invalid');
    assert.equal(bad.checks[1].result, 'failed');

    credential.credentialStatus.statusListCredential = 'https://status.example/list/1';
    const unknownList = await (await fetch(`${baseUrl}/api/v1/verify-credential`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credential),
    })).json();
    assert.equal(unknownList.checks[2].result, 'not_checked');
    assert.match(unknownList.checks[2].message, /could not be checked/);

    const missing = await fetch(`${baseUrl}/api/v1/verify-credential`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name": "no proof"}',
    });
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).error.field, 'proof');
  });

  test('document loader stays on loopback', async () => {
    await assert.rejects(() => documentLoader('https://example.org/context.json'), /does not fetch/);
  });
});
