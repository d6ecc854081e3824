// `./mic backup` and `./mic restore`. A backup of the test database is restored into a fresh state
// folder with a stack of its own on MIC_PORT + 2. There every certificate must verify exactly as in
// the original, and every account must sign in with its old password.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import {
  INSULATION_TITLE,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
  sql,
} from '../lib/stack.mjs';

const execFileAsync = promisify(execFile);
const root = process.env.MIC_ROOT;
const sourceVar = process.env.MIC_VAR;
const restoredPort = Number(process.env.MIC_PORT) + 2;
const restoredVar = `${sourceVar}/restored`;
const restoredBase = `http://127.0.0.1:${restoredPort}`;
const sanitize = (process.env.MIC_SERVER_BIN || '').includes('build-sanitize');

/** Runs ./mic with the given state folder and port; returns its output, throws with it on failure. */
async function mic(args, { variables = {} } = {}) {
  const env = { ...process.env, ...variables };
  try {
    const { stdout, stderr } = await execFileAsync('sh', [path.join(root, 'mic'), ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    throw new Error(`./mic ${args.join(' ')} failed: ${error.stdout}${error.stderr}`);
  }
}

// The restored instance keeps the public URL of the original, as a restored server would, so its
// verification URLs are the same.
const restoredStack = {
  MIC_VAR: restoredVar,
  MIC_PORT: String(restoredPort),
  MIC_PUBLIC_URL: process.env.MIC_PUBLIC_URL || process.env.MIC_TEST_BASE_URL,
};

async function fetchJson(base, requestPath, init = {}) {
  const response = await fetch(base + requestPath, init);
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : null };
}

describe('backup and restore', { skip: root && sourceVar ? false : 'run through ./mic test' }, () => {
  const accounts = [];
  let folder;
  let backupFile;

  before(async () => {
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    accounts.push(await createUser({ role: 'coordinator', name: 'Zoë Ångström-Łukasik' }));
    accounts.push(await createUser({ role: 'issuer', organisationShortName: microcredential.organisationShortName }));
    const client = await signedInClient(accounts[0]);
    const revoked = await issueCertificate(client, { microcredential_id: microcredential.id, holder_name: 'José 山田 <b>' });
    await client.post(`/api/v1/certificates/${revoked.id}/revoke`, { reason: 'Issued in error' });
    await issueCertificate(client, { microcredential_id: microcredential.id, valid_until: '2030-01-31' });

    folder = await mkdtemp(path.join(os.tmpdir(), 'mic-backup-'));
    backupFile = path.join(folder, 'mic.sql.gz');
    await mic(['backup', backupFile]);
    await rm(restoredVar, { recursive: true, force: true });
    await mic(['restore', backupFile], { variables: restoredStack });
    await mic(['__start', ...(sanitize ? ['--sanitize'] : [])], { variables: restoredStack });
  });

  after(async () => {
    await mic(['down'], { variables: restoredStack }).catch(() => {});
    await rm(restoredVar, { recursive: true, force: true });
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('backup has a checksum file', async () => {
    const checksums = await readFile(`${backupFile}.sha256`, 'utf8');

    assert.match(checksums, /^[0-9a-f]{64} {2}mic\.sql\.gz$/m);
    assert.ok((await stat(backupFile)).size > 1000);
  });

  test('restore refuses a damaged backup', async () => {
    const damaged = path.join(folder, 'damaged.sql.gz');
    const bytes = await readFile(backupFile);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(damaged, bytes);
    const checksum = (await readFile(`${backupFile}.sha256`, 'utf8')).replace('mic.sql.gz', 'damaged.sql.gz');
    await writeFile(`${damaged}.sha256`, checksum);

    await assert.rejects(mic(['restore', damaged], { variables: restoredStack }), /does not match its checksum file/);
  });

  test('restore refuses a non-empty instance', async () => {
    await assert.rejects(mic(['restore', backupFile], { variables: restoredStack }), /already contains \d+ tables/);
  });

  test('every certificate verifies alike', async () => {
    const ids = (await sql('SELECT id FROM certificates ORDER BY id')).map((row) => row[0]);
    assert.ok(ids.length >= 2);
    const differences = [];
    for (const id of ids) {
      const original = await fetchJson(process.env.MIC_TEST_BASE_URL, `/api/v1/verify/${id}`);
      const restored = await fetchJson(restoredBase, `/api/v1/verify/${id}`);
      if (restored.status !== 200 || original.status !== 200) differences.push(`${id}: ${original.status} then ${restored.status}`);
      else if (JSON.stringify(restored.json) !== JSON.stringify(original.json)) differences.push(`${id}: ${restored.text}`);
    }
    assert.deepEqual(differences, []);
  });

  test('every account signs in', async () => {
    for (const account of accounts) {
      const response = await fetchJson(restoredBase, '/api/v1/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      assert.equal(response.status, 200, `${account.email}: ${response.text}`);
      assert.equal(response.json.user.name, account.name);
    }
  });

  test('every account row restored', async () => {
    // Accounts whose password the test does not know sign in alike when their hash is unchanged.
    const query = 'SELECT id, email, name, role, organisation_id, password_hash, disabled_at FROM users ORDER BY id';
    const original = await sql(query);
    const { stdout } = await execFileAsync('mariadb', [
      '--no-defaults', `--socket=${restoredVar}/run/mysqld.sock`, '--user=root', '--batch', '--skip-column-names',
      '--default-character-set=utf8mb4', 'mic', '-e', query,
    ], { maxBuffer: 64 * 1024 * 1024 });
    const restored = stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));

    assert.ok(original.length >= accounts.length);
    assert.deepEqual(restored, original);
  });
});
