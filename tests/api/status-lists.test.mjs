// Bitstring Status Lists: random entry indexes, revocation of randomly placed entries, and status
// lists that cannot be fetched or are damaged, as the independent Digital Bazaar verifier and the
// "Verify a file" API report them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';

import { documentLoader, signWithStackKey, verifyIndependently } from '../lib/credentials.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
} from '../lib/stack.mjs';

const LIST_SIZE = 131072;

async function downloadCredential(id) {
  const response = await fetch(`${baseUrl}/api/v1/verify/${id}/credential.json`);
  assert.equal(response.status, 200, `credential.json of ${id}`);
  return response.json();
}

async function uploadCredential(credential) {
  const response = await fetch(`${baseUrl}/api/v1/verify-credential`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credential),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  return { status: body.status, revocation: body.checks.find((c) => c.check === 'revocation') };
}

/** Runs the independent verifier with a document loader that returns replace(url) for status list URLs. */
async function verifyWithStatusList(credential, replace) {
  const loader = async (url) => {
    if (url.startsWith(`${baseUrl}/status/`)) return { contextUrl: null, documentUrl: url, document: await replace(url) };
    return documentLoader(url);
  };
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  return vc.verifyCredential({ credential, suite, documentLoader: loader, checkStatus });
}

async function fetchStatusList(url) {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  return response.json();
}

/** Asserts that the verifier did not report the credential as verified with a checked status. */
function assertStatusNotVerified(result, what) {
  assert.equal(result.verified, false, `${what}: verified`);
  assert.notEqual(result.statusResult?.verified, true, `${what}: statusResult.verified`);
}

describe('status lists', () => {
  let coordinator;
  let microcredential;

  before(async () => {
    coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    microcredential = await demoMicrocredential(INSULATION_TITLE);
  });

  test('consecutive indexes are not sequential', async () => {
    const entries = [];
    for (let i = 0; i < 12; i++) {
      const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
      const status = (await downloadCredential(cert.id)).credentialStatus;
      entries.push({ list: status.statusListCredential, index: Number(status.statusListIndex) });
    }
    for (const entry of entries) {
      assert.ok(Number.isInteger(entry.index), `index ${entry.index} is an integer`);
      assert.ok(entry.index >= 0, `index ${entry.index} is not negative`);
      assert.ok(entry.index < LIST_SIZE, `index ${entry.index} is inside the list`);
    }
    const indexes = entries.map((e) => e.index);
    assert.equal(new Set(indexes).size, indexes.length, 'no index is handed out twice');
    const steps = indexes.slice(1).map((index, i) => index - indexes[i]);
    // Twelve uniform draws from 131,072 entries are next to each other with a chance below 1e-3.
    assert.ok(steps.filter((step) => Math.abs(step) <= 1).length === 0, `steps ${steps.join(', ')}`);
    assert.ok(steps.some((step) => step < 0), `indexes only grow: ${indexes.join(', ')}`);
    assert.ok(steps.some((step) => step > 0), `indexes only shrink: ${indexes.join(', ')}`);
  });

  test('usage count matches taken entries', async () => {
    // Bulk jobs reserve entries before they issue, so the register of taken entries can hold
    // more than the certificates carry (a job that failed, rows it skipped), never fewer.
    const counted = await sqlValue('SELECT COALESCE(SUM(assigned), 0) FROM status_list_usage');
    const taken = await sqlValue('SELECT COUNT(*) FROM status_list_entries');
    assert.equal(Number(counted), Number(taken));
    const unregistered = await sqlValue(`SELECT COUNT(*) FROM certificates c WHERE c.status_list IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM status_list_entries e WHERE e.status_list = c.status_list AND e.status_index = c.status_index)`);
    assert.equal(Number(unregistered), 0, 'every certificate entry is in the register');
  });

  test('revocation flips the random entry only', async () => {
    const revokedCert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const keptCert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const revoked = await downloadCredential(revokedCert.id);
    const kept = await downloadCredential(keptCert.id);
    const response = await coordinator.post(`/api/v1/certificates/${revokedCert.id}/revoke`, { reason: 'Assessment annulled' });
    assert.equal(response.status, 200);

    const revokedResult = await verifyIndependently(revoked);
    assert.equal(revokedResult.statusResult.verified, true, String(revokedResult.statusResult.error));
    assert.equal(revokedResult.statusResult.results[0].status, true, 'the revoked entry is set');
    const keptResult = await verifyIndependently(kept);
    assert.equal(keptResult.verified, true, String(keptResult.error));
    assert.equal(keptResult.statusResult.results[0].status, false, 'the other entry is not set');

    const row = await sql(`SELECT status_list, status_index FROM certificates WHERE id = ${sqlString(revokedCert.id)}`);
    assert.equal(`${baseUrl}/status/${row[0][0]}`, revoked.credentialStatus.statusListCredential);
    assert.equal(String(row[0][1]), revoked.credentialStatus.statusListIndex);
  });

  test('new list opens at half full', async () => {
    const newest = Number(await sqlValue('SELECT MAX(id) FROM status_lists'));
    const assigned = Number(await sqlValue(`SELECT COALESCE(SUM(assigned), 0) FROM status_list_usage WHERE status_list = ${newest}`));
    // A row of a shard no worker uses brings the newest list to one entry below half full.
    await sql(`INSERT INTO status_list_usage (status_list, shard, assigned) VALUES (${newest}, -99, ${LIST_SIZE / 2 - 1 - assigned})`);
    try {
      const last = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
      const first = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
      const lastStatus = (await downloadCredential(last.id)).credentialStatus;
      const firstStatus = (await downloadCredential(first.id)).credentialStatus;
      assert.equal(lastStatus.statusListCredential, `${baseUrl}/status/${newest}`);
      assert.equal(firstStatus.statusListCredential, `${baseUrl}/status/${newest + 1}`);
      const list = await fetchStatusList(firstStatus.statusListCredential);
      assert.deepEqual(list.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
      const result = await verifyIndependently(await downloadCredential(first.id));
      assert.equal(result.verified, true, String(result.error));
    } finally {
      await sql(`DELETE FROM status_list_usage WHERE shard = -99`);
    }
  });

  test('unreachable status list is not checked', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const credential = await downloadCredential(cert.id);
    const result = await verifyWithStatusList(credential, (url) => {
      throw new Error(`GET ${url} failed: connection refused`);
    });
    assertStatusNotVerified(result, 'unreachable list');

    const foreign = structuredClone(credential);
    foreign.credentialStatus.statusListCredential = 'https://status.invalid/lists/1';
    const { status, revocation } = await uploadCredential(foreign);
    assert.notEqual(status, 'valid');
    assert.equal(revocation.result, 'not_checked');
    assert.match(revocation.message, /could not be checked/);
    assert.match(revocation.message, /does not fetch status lists from other servers/);

    const missing = structuredClone(credential);
    missing.credentialStatus.statusListCredential = `${baseUrl}/status/999000`;
    const missingReport = await uploadCredential(missing);
    assert.equal(missingReport.revocation.result, 'not_checked');
    assert.match(missingReport.revocation.message, /could not be checked/);
  });

  test('list with broken signature is rejected', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const credential = await downloadCredential(cert.id);
    const result = await verifyWithStatusList(credential, async (url) => {
      const list = await fetchStatusList(url);
      list.validFrom = '2020-01-01T00:00:00Z';
      return list;
    });
    assertStatusNotVerified(result, 'list with a changed validFrom');

    const forged = await verifyWithStatusList(credential, async (url) => {
      const list = await fetchStatusList(url);
      const bits = Buffer.alloc(LIST_SIZE / 8);
      list.credentialSubject.encodedList = `u${gzipSync(bits).toString('base64url')}`;
      list.proof.proofValue = `z${'1'.repeat(86)}`;
      return list;
    });
    assertStatusNotVerified(forged, 'list with a forged proof');
  });

  test('signed list with bad encoding is rejected', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const credential = await downloadCredential(cert.id);
    const original = await fetchStatusList(credential.credentialStatus.statusListCredential);
    const encodings = {
      'not gzip': `u${Buffer.from('these bytes are not a gzip stream').toString('base64url')}`,
      'not base64url': 'u!!not*base64url!!',
      'no multibase prefix': gzipSync(Buffer.alloc(LIST_SIZE / 8)).toString('base64url'),
    };
    for (const [what, encodedList] of Object.entries(encodings)) {
      const damaged = structuredClone(original);
      damaged.credentialSubject.encodedList = encodedList;
      const signed = await signWithStackKey(damaged);
      const result = await verifyWithStatusList(credential, () => signed);
      assertStatusNotVerified(result, what);
    }

    // The same signing path with an intact list verifies, so the failures above come from the
    // encodings and not from the test's signing.
    const resigned = await signWithStackKey(original);
    const control = await verifyWithStatusList(credential, () => resigned);
    assert.equal(control.verified, true, String(control.error));
    assert.equal(control.statusResult.verified, true);
  });

  test('damaged stored list is not checked', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const credential = await downloadCredential(cert.id);
    // While it exists, this list is the newest one and would receive new certificates. The test
    // files run one after another and this test issues nothing before it deletes the list.
    const damagedList = 999001;
    await sql(`DELETE FROM status_lists WHERE id = ${damagedList}`);
    await sql(`INSERT INTO status_lists (id, size, bits) VALUES (${damagedList}, ${LIST_SIZE}, x'00ff00')`);
    try {
      credential.credentialStatus.statusListCredential = `${baseUrl}/status/${damagedList}`;
      const { status, revocation } = await uploadCredential(credential);
      assert.notEqual(status, 'valid');
      assert.equal(revocation.result, 'not_checked');
      assert.match(revocation.message, /could not be checked/);
      assert.match(revocation.message, /damaged/);
    } finally {
      await sql(`DELETE FROM status_lists WHERE id = ${damagedList}`);
    }
  });

  test('index past the list is not checked', async () => {
    const cert = await issueCertificate(coordinator, { microcredential_id: microcredential.id });
    const credential = await downloadCredential(cert.id);
    credential.credentialStatus.statusListIndex = String(LIST_SIZE + 5);
    const { status, revocation } = await uploadCredential(credential);
    assert.notEqual(status, 'valid');
    assert.equal(revocation.result, 'not_checked');
  });
});
