// Response headers that nginx adds to every kind of response, and the HSTS and security headers of
// the production configuration, checked by reading nginx/production.conf.in and by `nginx -t` on
// a copy with test certificates.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';

import {
  INSULATION_TITLE,
  Client,
  createUser,
  demoMicrocredential,
  issueCertificate,
  rawRequest,
  signedInClient,
} from '../lib/stack.mjs';

const execFileAsync = promisify(execFile);
const root = process.env.MIC_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Splits a Content-Security-Policy into a Map of directive name to its list of sources. */
function parseCsp(value) {
  const directives = new Map();
  for (const part of String(value).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** Returns the problems of a Content-Security-Policy; an empty list when it is strict enough. */
function cspProblems(value) {
  if (!value) return ['no Content-Security-Policy'];
  const csp = parseCsp(value);
  const problems = [];
  const scripts = csp.get('script-src') || csp.get('default-src');
  if (!scripts) problems.push('neither script-src nor default-src');
  else if (scripts.some((source) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:'].includes(source))) {
    problems.push(`script sources too wide: ${scripts.join(' ')}`);
  }
  const frames = csp.get('frame-ancestors');
  if (!frames || !frames.every((source) => ["'none'", "'self'"].includes(source))) {
    problems.push(`frame-ancestors is ${frames ? frames.join(' ') : 'missing'}`);
  }
  if (!csp.has('object-src') || csp.get('object-src')[0] !== "'none'") problems.push("object-src is not 'none'");
  return problems;
}

function headerOf(response, name) {
  const headers = response.headers;
  return typeof headers.get === 'function' ? headers.get(name) : headers[name.toLowerCase()];
}

function securityHeaderProblems(response) {
  const problems = cspProblems(headerOf(response, 'content-security-policy'));
  if (headerOf(response, 'x-content-type-options') !== 'nosniff') problems.push('X-Content-Type-Options is not nosniff');
  const referrer = headerOf(response, 'referrer-policy');
  const allowedReferrer = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
  if (!allowedReferrer.includes(referrer)) problems.push(`Referrer-Policy is ${referrer}`);
  if (headerOf(response, 'server') && /\d/.test(headerOf(response, 'server'))) {
    problems.push(`Server header reveals a version: ${headerOf(response, 'server')}`);
  }
  return problems;
}

describe('security headers', () => {
  let certificateId;
  let assetPath;

  before(async () => {
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    certificateId = (await issueCertificate(coordinator, { microcredential_id: microcredential.id })).id;
    const index = await new Client().get('/');
    assetPath = index.text.match(/(?:src|href)="(\/assets\/[^"]+)"/)?.[1];
  });

  test('headers on every kind of response', async () => {
    const paths = [
      '/',
      '/sign-in',
      assetPath,
      '/api/v1/microcredentials',
      '/api/v1/nothing-here',
      `/api/v1/verify/${certificateId}`,
      `/v/${certificateId}`,
      '/v/00000000000000000000',
      '/bench-static.txt',
    ];
    assert.ok(assetPath, 'index.html links no /assets/ file');
    const problems = [];
    for (const requestPath of paths) {
      const response = await new Client().get(requestPath);
      for (const problem of securityHeaderProblems(response)) problems.push(`${requestPath} (${response.status}): ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  test('headers on errors nginx makes', async () => {
    const responses = {
      'malformed path (400)': await rawRequest({ path: '/api/v1/%00' }),
      'body too large (413)': await rawRequest({
        method: 'POST',
        path: '/api/v1/session',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.alloc(2 * 1024 * 1024, 0x20),
      }),
    };
    const problems = [];
    for (const [name, response] of Object.entries(responses)) {
      assert.ok(response.status >= 400, `${name}: status ${response.status}`);
      for (const problem of securityHeaderProblems(response)) problems.push(`${name}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  test('production config sets HSTS', async () => {
    const conf = await readFile(path.join(root, 'nginx/production.conf.in'), 'utf8');
    const hsts = conf.match(/^\s*add_header\s+Strict-Transport-Security\s+"([^"]+)"\s+always\s*;/m);

    assert.ok(hsts, 'production.conf.in has no `add_header Strict-Transport-Security "..." always;`');
    const maxAge = Number(hsts[1].match(/max-age=(\d+)/)?.[1]);
    assert.ok(maxAge >= 15552000, `HSTS max-age ${maxAge} is under 180 days`);
    assert.match(hsts[1], /includeSubDomains/);
    const csp = conf.match(/^\s*add_header\s+Content-Security-Policy\s+"([^"]+)"\s+always\s*;/m);
    assert.ok(csp, 'production.conf.in has no Content-Security-Policy');
    assert.deepEqual(cspProblems(csp[1]), []);
    assert.match(conf, /^\s*add_header\s+X-Content-Type-Options\s+nosniff\s+always\s*;/m);
    assert.match(conf, /^\s*add_header\s+Referrer-Policy\s+\S+\s+always\s*;/m);
    assert.match(conf, /^\s*server_tokens\s+off\s*;/m);
    // A location with add_header of its own would drop the server's security headers.
    const serverBlock = conf.slice(conf.indexOf('listen 443'));
    const locationHeaders = [...serverBlock.matchAll(/location[^{]*\{[^}]*add_header/g)].map((m) => m[0].split('\n')[0]);
    assert.deepEqual(locationHeaders, []);
  });

  test('production config passes nginx -t', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'mic-nginx-prod-'));
    try {
      const key = path.join(folder, 'key.pem');
      const certificate = path.join(folder, 'cert.pem');
      await execFileAsync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=mic.example.org', '-keyout', key, '-out', certificate,
      ]);
      let conf = await readFile(path.join(root, 'nginx/production.conf.in'), 'utf8');
      conf = conf
        .replaceAll('@SERVER_NAME@', 'mic.example.org')
        .replaceAll('@TLS_CERTIFICATE@', certificate)
        .replaceAll('@TLS_CERTIFICATE_KEY@', key)
        .replaceAll('@WEB_ROOT@', path.join(root, 'frontend/dist'))
        // nginx -t opens the log files and checks the user; keep both inside the temporary folder.
        .replaceAll('/var/log/nginx/', `${folder}/`)
        .replace(/^pid .*$/m, `pid ${folder}/nginx.pid;`)
        .replace(/^user .*$/m, '');
      const file = path.join(folder, 'nginx.conf');
      await writeFile(file, conf);
      const result = await execFileAsync('nginx', ['-t', '-p', `${folder}/`, '-e', `${folder}/error.log`, '-c', file], {
        env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
      }).catch((error) => error);

      assert.match(`${result.stderr}`, /test is successful/, `nginx -t failed:\n${result.stderr}`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
