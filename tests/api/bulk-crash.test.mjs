// A bulk issuing job whose backend is killed half-way, on a stack of its own (state folder
// MIC_VAR/bulk-crash, port MIC_PORT + 4) so that the other tests never see the kill. The killed
// transaction leaves no certificate, and after the supervisor restarts mic-server a worker takes
// the job over once its lease lapses and issues every row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const execFileAsync = promisify(execFile);
const root = process.env.MIC_ROOT;
const crashVar = `${process.env.MIC_VAR}/bulk-crash`;
const port = Number(process.env.MIC_PORT) + 4;
const base = `http://127.0.0.1:${port}`;
// A short lease, so that the restarted backend takes the job over within seconds.
const LEASE_SECONDS = 4;
const stack = {
  MIC_VAR: crashVar,
  MIC_PORT: String(port),
  MIC_PUBLIC_URL: base,
  MIC_BULK_LEASE_SECONDS: String(LEASE_SECONDS),
};
const sanitize = (process.env.MIC_SERVER_BIN || '').includes('build-sanitize');
const ROWS = sanitize ? 1500 : 4000;

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

async function crashSql(query) {
  const { stdout } = await execFileAsync('mariadb', [
    '--no-defaults', `--socket=${crashVar}/run/mysqld.sock`, '--user=root', '--batch', '--skip-column-names', 'mic', '-e', query,
  ]);
  return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

async function readPid(name) {
  return Number((await readFile(`${crashVar}/run/${name}.pid`, 'utf8')).trim());
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
    const value = await condition();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${label} did not happen within ${seconds} s`);
}

describe('bulk job crash', { skip: root && process.env.MIC_VAR ? false : 'run through ./mic test' }, () => {
  let session;
  let microcredentialId;

  before(async () => {
    await rm(crashVar, { recursive: true, force: true });
    await mic(['__start', ...(sanitize ? ['--sanitize'] : [])]);
    const accounts = await readFile(`${crashVar}/demo-accounts.txt`, 'utf8');
    const [, email, password] = accounts.split('\n').find((line) => line.startsWith('coordinator ')).split(' ');
    const response = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    session = { cookie: response.headers.getSetCookie()[0].split(';')[0], csrf: body.csrf_token };
    microcredentialId = Number((await crashSql("SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1"))[0][0]);
  });

  after(async () => {
    await mic(['down']).catch(() => {});
    await rm(crashVar, { recursive: true, force: true });
  });

  async function job(id) {
    const response = await fetch(`${base}/api/v1/bulk-issues/${id}`, { headers: { Cookie: session.cookie } });
    assert.equal(response.status, 200);
    return response.json();
  }

  test('killed job issues all or none', async () => {
    let csv = 'Holder name,E-mail,Reference\n';
    for (let i = 0; i < ROWS; i++) csv += `Crash Holder ${i},crash.${i}@example.org,C-${i}\n`;
    const queued = await fetch(`${base}/api/v1/bulk-issues?microcredential_id=${microcredentialId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
      body: csv,
    });
    assert.equal(queued.status, 202, await queued.clone().text());
    const { id } = await queued.json();

    const running = await waitFor(async () => {
      const current = await job(id);
      return current.done_rows >= 1 && current.done_rows < ROWS ? current : null;
    }, 60, 'progress between the first and the last row');
    assert.equal(running.status, 'running');
    // Two backend instances run; the one whose worker claimed the job ("host:pid") is killed.
    const [[owner]] = await crashSql(`SELECT claimed_by FROM bulk_jobs WHERE id = ${id}`);
    const killed = Number(owner.split(':').pop());
    const instance = (await readPid('backend-1-server')) === killed ? 'backend-1-server' : 'backend-2-server';
    assert.equal(await readPid(instance), killed, `the job's worker ${owner} is a backend instance`);
    process.kill(killed, 'SIGKILL');

    const left = Number((await crashSql(`SELECT COUNT(*) FROM certificates WHERE bulk_job_id = ${id}`))[0][0]);
    assert.equal(left, 0);
    const mails = Number((await crashSql("SELECT COUNT(*) FROM email_outbox WHERE recipient LIKE 'crash.%'"))[0][0]);
    assert.equal(mails, 0);

    await waitFor(async () => {
      const pid = await readPid(instance).catch(() => 0);
      return pid && pid !== killed && alive(pid);
    }, 20, 'a new mic-server');
    const ended = await waitFor(async () => {
      const current = await job(id).catch(() => null);
      return current && (current.status === 'succeeded' || current.status === 'failed') ? current : null;
    }, 90, 'the end of the taken-over job');

    const issued = Number((await crashSql(`SELECT COUNT(*) FROM certificates WHERE bulk_job_id = ${id}`))[0][0]);
    assert.equal(ended.status, 'succeeded', JSON.stringify({ ...ended, results: undefined }));
    assert.equal(issued, ROWS);
    assert.equal(ended.issued_count, ROWS);
    assert.equal(ended.done_rows, ROWS);
    const [[attempts, csvCleared]] = await crashSql(`SELECT attempts, csv IS NULL FROM bulk_jobs WHERE id = ${id}`);
    assert.equal(Number(attempts), 2);
    assert.equal(csvCleared, '1');
  });
});
