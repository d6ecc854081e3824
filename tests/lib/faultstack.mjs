// A second stack for the fault tests, on port MIC_PORT + 4 with its own state folder under
// MIC_VAR, so that killed processes, a full log disk or a broken signing key never reach the
// stack that the other tests use. Each test file starts one with startFaultStack and stops it
// with stop().
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = process.env.MIC_ROOT;

/** A request that has not finished after this long counts as hanging. */
export const REQUEST_TIMEOUT_MS = 15000;

/** Whether the suite runs through ./mic test, which exports MIC_ROOT and MIC_VAR. */
export const runByMic = Boolean(root && process.env.MIC_VAR);

/** Options of ./mic __start: the sanitizer build when ./mic test runs that one. */
const buildOptions = (process.env.MIC_SERVER_BIN || '').includes('build-sanitize') ? ['--sanitize'] : [];

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(condition, seconds, label) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${label} did not happen within ${seconds} s`);
}

/**
 * Describes the fault stack in MIC_VAR/NAME. extraEnv is added to the environment of ./mic, and
 * so of mic-server (MIC_LOG_FILE, for example).
 */
export function faultStack(name, extraEnv = {}) {
  const varDir = `${process.env.MIC_VAR}/${name}`;
  const port = Number(process.env.MIC_PORT) + 4;
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, MIC_VAR: varDir, MIC_PORT: String(port), MIC_PUBLIC_URL: base, ...extraEnv };

  async function mic(args) {
    try {
      const { stdout } = await execFileAsync('sh', [path.join(root, 'mic'), ...args], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const failure = new Error(`./mic ${args.join(' ')} failed: ${error.stdout}${error.stderr}`);
      failure.stdout = error.stdout;
      failure.code = error.code;
      throw failure;
    }
  }

  async function sql(query) {
    const { stdout } = await execFileAsync('mariadb', [
      '--no-defaults', `--socket=${varDir}/run/mysqld.sock`, '--user=root', '--batch', '--skip-column-names', 'mic', '-e', query,
    ]);
    return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
  }

  async function readPid(file) {
    return Number((await readFile(`${varDir}/run/${file}.pid`, 'utf8')).trim());
  }

  /** Sends one request; returns {status, ms, json, text, retryAfter, requestId}, status 0 when no response came. */
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
      return {
        status: response.status,
        ms: Date.now() - started,
        json,
        text,
        retryAfter: response.headers.get('retry-after'),
        requestId: response.headers.get('x-request-id'),
      };
    } catch (error) {
      return { status: 0, ms: Date.now() - started, error: String(error) };
    }
  }

  /** Starts the stack from an empty state folder. */
  async function start() {
    await rm(varDir, { recursive: true, force: true });
    await mic(['__start', ...buildOptions]);
  }

  async function stop() {
    await mic(['down']).catch(() => {});
    await rm(varDir, { recursive: true, force: true });
  }

  /** Signs in as the demo coordinator; returns {cookie, csrf}. */
  async function signInCoordinator() {
    const accounts = await readFile(`${varDir}/demo-accounts.txt`, 'utf8');
    const [, email, password] = accounts.split('\n').find((line) => line.startsWith('coordinator ')).split(' ');
    const response = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${email} returned ${response.status}`);
    const body = await response.json();
    return { cookie: response.headers.getSetCookie()[0].split(';')[0], csrf: body.csrf_token };
  }

  /** Issues a certificate of microcredentialId to a holder named after marker. */
  function issue(session, microcredentialId, marker) {
    return timed('/api/v1/certificates', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
      body: JSON.stringify({ microcredential_id: microcredentialId, holder_name: `Fault ${marker}`, holder_email: `${marker}@example.org` }),
    });
  }

  async function publishedMicrocredentialId() {
    return Number((await sql("SELECT id FROM microcredentials WHERE status = 'published' ORDER BY id LIMIT 1"))[0][0]);
  }

  return { varDir, base, env, buildOptions, mic, sql, readPid, timed, start, stop, signInCoordinator, issue, publishedMicrocredentialId };
}
