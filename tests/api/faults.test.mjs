// Faults, on a stack of their own (state folder MIC_VAR/faults, port MIC_PORT + 4) so the other
// tests never see them. A mic-server killed with SIGKILL during load is restarted by the supervisor
// of ./mic and leaves no partial certificate. While MariaDB is down, requests fail fast with 503
// and Retry-After, and they succeed again once it is back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const execFileAsync = promisify(execFile);
const root = process.env.MIC_ROOT;
const faultsVar = `${process.env.MIC_VAR}/faults`;
const base = `http://127.0.0.1:${Number(process.env.MIC_PORT) + 4}`;
const stack = { MIC_VAR: faultsVar, MIC_PORT: String(Number(process.env.MIC_PORT) + 4), MIC_PUBLIC_URL: base };
const sanitize = (process.env.MIC_SERVER_BIN || '').includes('build-sanitize');
// A request that has not finished after this long counts as hanging.
const REQUEST_TIMEOUT_MS = 15000;

async function mic(args) {
  try {
    const { stdout } = await execFileAsync('sh', [path.join(root, 'mic'), ...args], {
      env: { ...process.env, ...stack },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    throw new Error(`./mic ${args.join(' ')} failed: ${error.stdout}${error.stderr}`);
  }
}

async function faultsSql(query) {
  const { stdout } = await execFileAsync('mariadb', [
    '--no-defaults', `--socket=${faultsVar}/run/mysqld.sock`, '--user=root', '--batch', '--skip-column-names', 'mic', '-e', query,
  ]);
  return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

async function readPid(name) {
  return Number((await readFile(`${faultsVar}/run/${name}.pid`, 'utf8')).trim());
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition, seconds, label) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${label} did not happen within ${seconds} s`);
}

/** Sends one request; returns {status, ms, json, retryAfter}, with status 0 when no response came. */
async function timed(requestPath, init = {}) {
  const started = Date.now();
  try {
    const response = await fetch(base + requestPath, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, ms: Date.now() - started, json, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    return { status: 0, ms: Date.now() - started, error: String(error) };
  }
}

describe('faults', { skip: root && process.env.MIC_VAR ? false : 'run through ./mic test' }, () => {
  let session;
  let microcredentialId;

  before(async () => {
    await rm(faultsVar, { recursive: true, force: true });
    await mic(['__start', ...(sanitize ? ['--sanitize'] : [])]);
    const accounts = await readFile(`${faultsVar}/demo-accounts.txt`, 'utf8');
    const [, email, password] = accounts.split('\n').find((line) => line.startsWith('coordinator ')).split(' ');
    const response = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    session = { cookie: response.headers.getSetCookie()[0].split(';')[0], csrf: body.csrf_token };
    microcredentialId = Number((await faultsSql("SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1"))[0][0]);
  });

  after(async () => {
    await mic(['down']).catch(() => {});
    await rm(faultsVar, { recursive: true, force: true });
  });

  function issue(marker) {
    return timed('/api/v1/certificates', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
      body: JSON.stringify({ microcredential_id: microcredentialId, holder_name: `Fault ${marker}`, holder_email: `${marker}@example.org` }),
    });
  }

  test('backend killed during load', async (t) => {
    const killed = await readPid('backend-server');
    const results = [];
    let stop = false;
    const workers = [];
    for (let worker = 0; worker < 6; worker++) {
      workers.push((async () => {
        for (let i = 0; !stop; i++) {
          const result = await issue(`kill-${worker}-${i}`);
          results.push({ ...result, at: Date.now() });
          if (result.status === 201 && result.json?.id) {
            results[results.length - 1].id = result.json.id;
          }
        }
      })());
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(killed, 'SIGKILL');
    await waitFor(async () => {
      const pid = await readPid('backend-server').catch(() => 0);
      return pid && pid !== killed && alive(pid);
    }, 15, 'a new mic-server');
    await waitFor(async () => (await timed('/api/v1/health')).status === 200, 15, 'the restarted backend answering');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop = true;
    await Promise.all(workers);

    const failed = results.filter((result) => result.status !== 201);
    t.diagnostic(`${results.length} issue requests, ${failed.length} failed while mic-server restarted`);
    assert.ok(results.some((result) => result.status === 201), 'no certificate was issued at all');
    assert.deepEqual(failed.filter((result) => result.status === 0), [], 'requests hung or got no answer');
    assert.deepEqual([...new Set(failed.map((result) => result.status))].filter((status) => ![502, 503, 504].includes(status)), []);

    // Every 201 is durable, and no certificate exists without its audit entry or the reverse.
    for (const result of results.filter((candidate) => candidate.id)) {
      assert.equal((await faultsSql(`SELECT COUNT(*) FROM certificates WHERE id = '${result.id}'`))[0][0], '1');
    }
    const orphans = await faultsSql(
      "SELECT COUNT(*) FROM certificates c LEFT JOIN audit_log a ON a.object_type = 'certificate' AND a.object_id = c.id AND a.action = 'certificate_issued' WHERE a.id IS NULL",
    );
    assert.equal(orphans[0][0], '0', 'a certificate has no certificate_issued audit entry');
    const dangling = await faultsSql(
      "SELECT COUNT(*) FROM audit_log a LEFT JOIN certificates c ON c.id = a.object_id WHERE a.action = 'certificate_issued' AND c.id IS NULL",
    );
    assert.equal(dangling[0][0], '0', 'an audit entry names a certificate that does not exist');
  });

  test('MariaDB down then back', async () => {
    const certificate = await issue('before-restart');
    assert.equal(certificate.status, 201);
    const mariadb = await readPid('mysqld');
    process.kill(mariadb, 'SIGTERM');
    await waitFor(() => !alive(mariadb), 30, 'MariaDB stopping');

    for (const requestPath of [`/api/v1/verify/${certificate.json.id}`, '/api/v1/microcredentials', '/api/v1/health']) {
      const result = await timed(requestPath);
      assert.equal(result.status, 503, `${requestPath}: ${JSON.stringify(result)}`);
      assert.ok(Number(result.retryAfter) > 0, `${requestPath}: Retry-After is ${result.retryAfter}`);
      assert.notEqual(result.json, null, `${requestPath}: the 503 has no JSON body`);
      assert.ok(result.ms < 5000, `${requestPath} took ${result.ms} ms to fail`);
    }
    const signedIn = await timed('/api/v1/me', { headers: { Cookie: session.cookie } });
    assert.equal(signedIn.status, 503, JSON.stringify(signedIn));

    await mic(['__start', ...(sanitize ? ['--sanitize'] : [])]);
    await waitFor(async () => (await timed(`/api/v1/verify/${certificate.json.id}`)).status === 200, 15, 'verification after the restart');
    const me = await timed('/api/v1/me', { headers: { Cookie: session.cookie } });
    assert.equal(me.status, 200, 'the session did not survive the MariaDB restart');
  });
});
