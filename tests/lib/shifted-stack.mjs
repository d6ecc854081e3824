// A stack of its own (state folder MIC_VAR/NAME, port MIC_PORT + 4) whose processes, MariaDB, the
// backend and nginx alike, run under Debian's libfaketime with the clock starting at a chosen
// instant. Certificates issued there carry that instant in their signed credential, so tests of
// calendar days see real issue times without editing stored rows. The clock keeps running from
// the instant, and a later `up` of the same folder must start at a later instant, because MariaDB
// and the signing key's validity do not expect time to go back.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** Turns "2026-03-28T23:30:00Z" into libfaketime's start time "@2026-03-28 23:30:00" (UTC). */
function faketimeStart(instant) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$/.exec(instant);
  if (!match) throw new Error(`the instant ${instant} is not of the form YYYY-MM-DDTHH:MM:SSZ`);
  return `@${match[1]} ${match[2]}`;
}

export class ShiftedStack {
  /** name is the state folder under MIC_VAR; timezone, when given, is the stack's MIC_TIMEZONE. */
  constructor(name, { timezone } = {}) {
    this.root = process.env.MIC_ROOT;
    this.var = path.join(process.env.MIC_VAR, name);
    this.port = Number(process.env.MIC_PORT) + 4;
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    this.timezone = timezone;
  }

  async mic(args, extraEnv = {}) {
    const env = { ...process.env, MIC_VAR: this.var, MIC_PORT: String(this.port), MIC_PUBLIC_URL: this.baseUrl, ...extraEnv };
    delete env.MIC_TIMEZONE;
    if (this.timezone) env.MIC_TIMEZONE = this.timezone;
    try {
      const { stdout } = await execFileAsync('sh', [path.join(this.root, 'mic'), ...args], { env, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      throw new Error(`./mic ${args.join(' ')} in ${this.var} failed: ${error.stdout}${error.stderr}`);
    }
  }

  /** Starts the stack with every process's clock starting at instant (UTC, "YYYY-MM-DDTHH:MM:SSZ"). */
  async up(instant) {
    await this.mic(['up'], {
      LD_PRELOAD: FAKETIME_LIBRARY,
      FAKETIME: faketimeStart(instant),
      // libfaketime reads the start time in the zone of TZ; the backend sets its own TZ later.
      TZ: 'UTC',
      // Timeouts and waits keep using the real monotonic clock.
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    });
  }

  async down() {
    await this.mic(['down']);
  }

  /** Returns {email, password} of the demo account of role in this stack. */
  async demoAccount(role) {
    const text = await readFile(path.join(this.var, 'demo-accounts.txt'), 'utf8');
    const line = text.split('\n').find((l) => l.split(' ')[0] === role);
    if (!line) throw new Error(`the demo accounts of ${this.var} have no ${role}`);
    const [, email, password] = line.split(' ');
    return { email, password };
  }

  /** Runs one query on this stack's database; returns the rows as arrays of strings. */
  async sql(query) {
    const { stdout } = await execFileAsync('mariadb', [
      '--no-defaults', `--socket=${this.var}/run/mysqld.sock`, '--user=root', '--batch', '--skip-column-names', 'mic', '-e', query,
    ]);
    return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
  }

  /** Signs in as account; returns a function request(method, path, json) that keeps the session. */
  async session(account) {
    let cookie = '';
    let csrf = '';
    const request = async (method, requestPath, json) => {
      const headers = {};
      if (cookie) headers.Cookie = cookie;
      if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
      if (json !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(this.baseUrl + requestPath, {
        method, headers, body: json === undefined ? undefined : JSON.stringify(json), redirect: 'manual',
      });
      for (const header of response.headers.getSetCookie()) {
        const pair = header.split(';')[0];
        if (pair.includes('=') && pair.split('=')[1] !== '') cookie = pair;
      }
      const type = response.headers.get('content-type') || '';
      const body = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
      return { status: response.status, body };
    };
    const signIn = await request('POST', '/api/v1/session', account);
    if (signIn.status !== 200) throw new Error(`sign-in of ${account.email} failed with ${signIn.status}`);
    csrf = signIn.body.csrf_token;
    return request;
  }
}
