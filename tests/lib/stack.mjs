// Access to the running test stack for the API and end-to-end suites: its base URL, accounts made
// with `mic-server create-user`, direct SQL through the mariadb client, and an HTTP client that
// keeps one session cookie and its CSRF token.
//
// Every value comes from the environment that `./mic test` exports (MIC_TEST_BASE_URL,
// MIC_SERVER_BIN, MIC_DB_SOCKET, MIC_DB_NAME, MIC_DB_USER, MIC_DB_PASSWORD).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suites through \`./mic test\`, which exports it`);
  }
  return value;
}

/** Base URL of the stack under test, without a trailing slash. */
export const baseUrl = requireEnv('MIC_TEST_BASE_URL').replace(/\/+$/, '');

/** Name of the issuing body that every micro-credential and certificate names. */
export const ALLIANCE_NAME = 'Habitat Sector Skills Certification Alliance';

/** A certificate id: 20 characters of lower-case Crockford base32 (no i, l, o or u). */
export const CERTIFICATE_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{20}$/;

/** The points of the alliance's quality checklist, one item each in a reviewer's checklist. */
export const QUALITY_CRITERIA = [
  'learning_outcomes_defined',
  'assessment_transparent',
  'eqf_level_indicated',
  'workload_defined',
  'esco_linked',
  'european_approach_aligned',
];

/** Returns random lower-case letters and digits, for unique e-mail addresses and markers. */
export function randomToken(length = 12) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Returns an e-mail address that no other test uses. */
export function uniqueEmail(prefix = 'test') {
  return `${prefix}-${randomToken()}@example.org`;
}

/** Returns the calendar day (YYYY-MM-DD) of an ISO 8601 time in Europe/Brussels. */
export function brusselsDay(isoTime) {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Brussels',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return format.format(new Date(isoTime));
}

// ---------------------------------------------------------------------------------------------
// SQL

/** Quotes a value as an SQL string literal for the mariadb client. */
export function sqlString(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/**
 * Runs SQL on the test database through the mariadb client and returns the rows of the last
 * statement as arrays of strings. The client prints SQL NULL as the string "NULL", and escapes
 * tabs, newlines and backslashes inside values, so select HEX(column) to compare bytes.
 */
export async function sql(query) {
  const args = [
    '--no-defaults',
    `--socket=${requireEnv('MIC_DB_SOCKET')}`,
    `--user=${process.env.MIC_DB_USER || 'root'}`,
    '--batch',
    '--skip-column-names',
    '--default-character-set=utf8mb4',
    requireEnv('MIC_DB_NAME'),
    '-e',
    query,
  ];
  const env = { ...process.env };
  if (process.env.MIC_DB_PASSWORD) env.MYSQL_PWD = process.env.MIC_DB_PASSWORD;
  const { stdout } = await execFileAsync('mariadb', args, { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Runs a query that returns one row with one column and returns that value. */
export async function sqlValue(query) {
  const rows = await sql(query);
  if (rows.length !== 1 || rows[0].length !== 1) {
    throw new Error(`expected one value from SQL, got ${JSON.stringify(rows)}: ${query}`);
  }
  return rows[0][0];
}

/** Looks up the id of the organisation with this short_name; throws when there is none. */
export async function organisationId(shortName) {
  const rows = await sql(`SELECT id FROM organisations WHERE short_name = ${sqlString(shortName)}`);
  if (rows.length !== 1) throw new Error(`no single organisation has short_name ${shortName}`);
  return Number(rows[0][0]);
}

/** Looks up the id of the micro-credential with this exact title (any status); throws when there is none. */
export async function microcredentialId(title) {
  const rows = await sql(`SELECT id FROM microcredentials WHERE title = ${sqlString(title)}`);
  if (rows.length !== 1) throw new Error(`no single micro-credential has the title ${title}`);
  return Number(rows[0][0]);
}

/** Counts the certificate rows whose holder name or holder e-mail contains marker. */
export async function certificateRowsWith(marker) {
  const pattern = sqlString(`%${marker}%`);
  const count = await sqlValue(
    `SELECT COUNT(*) FROM certificates WHERE holder_name LIKE ${pattern} OR holder_email LIKE ${pattern}`,
  );
  return Number(count);
}

// ---------------------------------------------------------------------------------------------
// Accounts

/**
 * Creates an account with `mic-server create-user` and a random e-mail address and password.
 * organisationShortName is required for every role except coordinator and learner.
 * Returns {id, email, password, name, role}.
 */
export async function createUser({ role, organisationShortName, name } = {}) {
  if (!role) throw new Error('createUser needs a role');
  const email = uniqueEmail(role);
  const password = `pw-${randomToken(24)}`;
  const displayName = name || `Test ${role} ${randomToken(6)}`;
  const args = ['create-user', email, '--name', displayName, '--role', role];
  if (organisationShortName) {
    args.push('--organisation', String(await organisationId(organisationShortName)));
  }
  const stdout = await new Promise((resolve, reject) => {
    const child = spawn(requireEnv('MIC_SERVER_BIN'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`mic-server create-user ${email} exited with ${code}: ${err.trim()}`));
    });
    child.stdin.end(`${password}\n`);
  });
  const id = Number(stdout.trim().split('\n').pop());
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`mic-server create-user printed no user id: ${JSON.stringify(stdout)}`);
  }
  return { id, email, password, name: displayName, role };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** Parses one Set-Cookie header into {name, value, attributes} with lower-case attribute names. */
export function parseSetCookie(header) {
  const [pair, ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes = {};
  for (const part of rest) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    const key = (at < 0 ? trimmed : trimmed.slice(0, at)).toLowerCase();
    attributes[key] = at < 0 ? true : trimmed.slice(at + 1);
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

/** Wraps a fetch Response as {status, headers, setCookies, bytes, text, json}. */
async function readResponse(response) {
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let json = null;
  if ((response.headers.get('content-type') || '').includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    setCookies: response.headers.getSetCookie(),
    bytes,
    text,
    json,
  };
}

/**
 * An HTTP client for the stack that keeps the cookies it receives (the session cookie) and the
 * CSRF token of its last sign-in or GET /api/v1/me.
 */
export class Client {
  constructor() {
    this.cookies = new Map();
    this.csrfToken = null;
    this.user = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  storeCookies(setCookies) {
    for (const header of setCookies) {
      const { name, value, attributes } = parseSetCookie(header);
      if (value === '' || attributes['max-age'] === '0') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /**
   * Sends one request. `json` is serialised with Content-Type application/json; `body` is sent
   * as it is (string or Buffer) with the headers given. csrf is true (send this session's token
   * when there is one), false (send none), 'wrong' (a random token) or a token string.
   */
  async request(method, path, { json, body, headers = {}, csrf = false } = {}) {
    const sent = { ...headers };
    const cookie = this.cookieHeader();
    if (cookie) sent.Cookie = cookie;
    if (csrf === true && this.csrfToken) sent['X-CSRF-Token'] = this.csrfToken;
    else if (csrf === 'wrong') sent['X-CSRF-Token'] = randomBytes(32).toString('base64url');
    else if (typeof csrf === 'string') sent['X-CSRF-Token'] = csrf;
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      if (!Object.keys(sent).some((key) => key.toLowerCase() === 'content-type')) {
        sent['Content-Type'] = 'application/json';
      }
    }
    const response = await fetch(baseUrl + path, {
      method,
      headers: sent,
      body: payload,
      redirect: 'manual',
    });
    const result = await readResponse(response);
    this.storeCookies(result.setCookies);
    return result;
  }

  get(path, options = {}) {
    return this.request('GET', path, options);
  }

  /** POST with a JSON body; options.csrf defaults to true. */
  post(path, json, options = {}) {
    return this.request('POST', path, { json, csrf: true, ...options });
  }

  /** DELETE; options.csrf defaults to true. */
  del(path, options = {}) {
    return this.request('DELETE', path, { csrf: true, ...options });
  }

  /** Signs in and keeps the session; returns the response of POST /api/v1/session. */
  async signIn(email, password) {
    const response = await this.request('POST', '/api/v1/session', { json: { email, password } });
    if (response.status === 200 && response.json) {
      this.csrfToken = response.json.csrf_token;
      this.user = response.json.user;
    }
    return response;
  }

  /** Signs in and throws unless the sign-in succeeded. */
  async signInOrThrow(account) {
    const response = await this.signIn(account.email, account.password);
    if (response.status !== 200) {
      throw new Error(`sign-in of ${account.email} failed with ${response.status}: ${response.text}`);
    }
    return this;
  }
}

/** Creates a client signed in as account ({email, password}). */
export async function signedInClient(account) {
  return new Client().signInOrThrow(account);
}

/**
 * Sends a request with node:http so that the path goes out exactly as given (fetch would
 * normalise "../" and some escapes). The response is read even when the server stops reading
 * the body early, as nginx does for a body over its limit. Returns {status, headers, text, json}.
 */
export function rawRequest({ method = 'GET', path, headers = {}, body, chunked = false }) {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sent = { ...headers };
    if (body !== undefined && !chunked) sent['Content-Length'] = Buffer.byteLength(body);
    const request = http.request({
      host: url.hostname,
      port: url.port || 80,
      method,
      path,
      headers: sent,
    });
    let settled = false;
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
        resolve({ status: response.statusCode, headers: response.headers, text, json });
      });
    });
    request.on('error', (error) => {
      // nginx may close the connection while a large body is still being written; the
      // response, if it arrived, has already settled the promise.
      if (!settled) reject(error);
    });
    if (body !== undefined) {
      if (chunked) {
        const data = Buffer.from(body);
        const step = 64 * 1024;
        for (let offset = 0; offset < data.length; offset += step) {
          request.write(data.subarray(offset, offset + step));
        }
      } else {
        request.write(body);
      }
    }
    request.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Test data

/** Title of the published demo micro-credential that most tests issue certificates for. */
export const INSULATION_TITLE = 'Installing thermal insulation in timber-frame walls';

/**
 * Finds the demo micro-credential `title` and its promoting organisation.
 * Returns {id, organisationId, organisationShortName}.
 */
export async function demoMicrocredential(title) {
  const rows = await sql(
    'SELECT m.id, o.id, o.short_name FROM microcredentials m ' +
      'JOIN organisations o ON o.id = m.promoting_organisation_id ' +
      `WHERE m.title = ${sqlString(title)}`,
  );
  if (rows.length !== 1) throw new Error(`no single demo micro-credential has the title ${title}`);
  return { id: Number(rows[0][0]), organisationId: Number(rows[0][1]), organisationShortName: rows[0][2] };
}

/** Returns the short name of an organisation that does not promote the given micro-credential. */
export function otherOrganisationShortName(microcredential) {
  return microcredential.organisationShortName === 'AEICE' ? 'FLC' : 'AEICE';
}

/**
 * Issues a certificate through the API and throws unless it was created.
 * Returns the certificate JSON.
 */
export async function issueCertificate(client, fields) {
  const response = await client.post('/api/v1/certificates', {
    holder_name: `Test Holder ${randomToken(6)}`,
    holder_email: uniqueEmail('holder'),
    ...fields,
  });
  if (response.status !== 201) {
    throw new Error(`issuing a certificate failed with ${response.status}: ${response.text}`);
  }
  return response.json;
}

/** Decodes the HTML character references that an HTML-escaping function produces. */
export function decodeHtmlEntities(html) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return html.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, code) => {
    if (code[0] === '#') {
      const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return String.fromCodePoint(point);
    }
    return Object.hasOwn(named, code) ? named[code] : entity;
  });
}
