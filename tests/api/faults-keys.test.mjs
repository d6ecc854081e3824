// A broken signing key, on a stack of its own (MIC_VAR/faults-keys, port MIC_PORT + 4). The cases
// are a key file others may read, a key folder others may write to, a key file whose mode forbids
// reading, a file that is not an Ed25519 key, and another Ed25519 key under the key's name. Each
// gets 503 for issuing, with an error code and a message naming the file and the fix. Nothing is
// stored, existing certificates keep verifying, and /api/v1/health reports the code. The key is
// restored after each case, and issuing works again.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { faultStack, runByMic } from '../lib/faultstack.mjs';

const execFileAsync = promisify(execFile);
const stack = faultStack('faults-keys');
const keysDir = `${stack.varDir}/keys`;

describe('broken signing key', { skip: runByMic ? false : 'run through ./mic test' }, () => {
  let session;
  let microcredentialId;
  let certificateId;
  let keyFile;
  let keyPem;
  let otherKeyPem;

  before(async () => {
    await stack.start();
    session = await stack.signInCoordinator();
    microcredentialId = await stack.publishedMicrocredentialId();
    const issued = await stack.issue(session, microcredentialId, 'key-before');
    assert.equal(issued.status, 201, issued.text);
    certificateId = issued.json.id;
    const health = await stack.timed('/api/v1/health');
    keyFile = `${keysDir}/${health.json.signing_key.key_id}.pem`;
    keyPem = await readFile(keyFile);
    const { stdout } = await execFileAsync('openssl', ['genpkey', '-algorithm', 'ed25519']);
    otherKeyPem = stdout;
  });

  after(async () => {
    await stack.stop();
  });

  async function restoreKey() {
    await chmod(keysDir, 0o700);
    await writeFile(keyFile, keyPem);
    await chmod(keyFile, 0o600);
  }

  /** Issues once with the key broken by breakKey, checks the 503, restores the key and issues again. */
  async function assertIssuingRefused(marker, breakKey, code, fix) {
    await breakKey();
    try {
      const refused = await stack.issue(session, microcredentialId, marker);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.json.error.code, code);
      assert.ok(refused.json.error.message.includes(fix), `the message names no fix "${fix}": ${refused.json.error.message}`);
      assert.ok(Number(refused.retryAfter) > 0, `Retry-After is ${refused.retryAfter}`);
      const rows = await stack.sql(`SELECT COUNT(*) FROM certificates WHERE holder_email = '${marker}@example.org'`);
      assert.equal(rows[0][0], '0', 'a certificate was stored although issuing was refused');

      const verified = await stack.timed(`/api/v1/verify/${certificateId}`);
      assert.equal(verified.status, 200, verified.text);
      assert.equal(verified.json.status, 'valid');

      const health = await stack.timed('/api/v1/health');
      assert.equal(health.status, 200, health.text);
      assert.equal(health.json.status, 'degraded');
      assert.deepEqual(health.json.signing_key, { status: 'unusable', code });
    } finally {
      await restoreKey();
    }
    const issued = await stack.issue(session, microcredentialId, `${marker}-restored`);
    assert.equal(issued.status, 201, `issuing after the key was restored: ${issued.text}`);
    assert.equal((await stack.timed('/api/v1/health')).json.status, 'ok');
  }

  test('key file readable by others', async () => {
    await assertIssuingRefused('key-0644', () => chmod(keyFile, 0o644), 'signing_key_insecure', `chmod 600 ${keyFile}`);
  });

  test('key folder writable by others', async () => {
    await assertIssuingRefused('key-dir-0777', () => chmod(keysDir, 0o777), 'signing_key_insecure', `chmod 700 ${keysDir}`);
  });

  test('key file mode 0000', async () => {
    await assertIssuingRefused('key-0000', () => chmod(keyFile, 0o000), 'signing_key_unreadable', 'chmod 600');
  });

  test('key file not a key', async () => {
    await assertIssuingRefused('key-garbage', () => writeFile(keyFile, 'not a PEM key\n'), 'signing_key_invalid', 'mic-server rotate-key');
  });

  test('key file containing another key', async () => {
    await assertIssuingRefused('key-other', () => writeFile(keyFile, otherKeyPem), 'signing_key_invalid', keyFile);
  });
});
