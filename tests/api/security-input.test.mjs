// Hostile input against every route of the table that takes a JSON body or a path parameter.
// The cases are invalid UTF-8, NUL bytes, a 10 MB body, deep nesting, duplicate keys, numbers out
// of range, SQL and HTML metacharacters in every text field, and path traversal. Each must get
// a clean 4xx JSON error and leave every table as it was, compared by CHECKSUM TABLE, or, where
// the input is legitimate text, be stored and returned exactly as sent.
//
// NOTE: the checksums cover whole tables, so they assume that no other test file writes at the
// same time; tests/run-node-suite.sh runs the files one at a time.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { freshLoopbackAddress, requestFrom } from '../lib/loopback.mjs';
import { readRouteTable } from '../lib/route-table.mjs';
import { createSecurityFixture } from '../lib/security-fixture.mjs';
import { createUser, signedInClient, sql } from '../lib/stack.mjs';
import { ROUTE_EXPECTATIONS } from './security-expectations.mjs';

// Sessions and sign-in failures change with every sign-in, whatever the input.
const VOLATILE_TABLES = new Set(['sessions', 'sign_in_failures', 'schema_migrations']);

const TEXT_PAYLOADS = [
  "'; DROP TABLE certificates; --",
  '" OR "1"="1',
  "\\'\\\"\\\\ %_ `backtick`",
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '&lt;b&gt; &amp; {{7*7}} ${7*7}',
  '../../../../etc/passwd',
  'Ωμέγα 名前 😀 عربى',
];

const { routes } = await readRouteTable();

async function checksums() {
  const tables = await sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'");
  const names = tables.map((row) => row[0]).filter((name) => !VOLATILE_TABLES.has(name)).sort();
  return sql(`CHECKSUM TABLE ${names.map((name) => `\`${name}\``).join(', ')}`);
}

/** Checks whether value occurs as a string anywhere in a parsed JSON document. */
function containsString(document, value) {
  if (typeof document === 'string') return document === value;
  if (document && typeof document === 'object') return Object.values(document).some((item) => containsString(item, value));
  return false;
}

function assertCleanError(response, label) {
  assert.ok(response.status >= 400, `${label}: status ${response.status} ${response.text.slice(0, 200)}`);
  assert.ok(response.status < 500, `${label}: status ${response.status} ${response.text.slice(0, 200)}`);
  assert.match(String(response.headers['content-type']), /^application\/json/, label);
  assert.equal(typeof response.json?.error?.code, 'string', `${label}: ${response.text.slice(0, 200)}`);
}

describe('hostile input', () => {
  const fx = {};
  const callers = new Map();
  let address;

  before(async () => {
    address = freshLoopbackAddress();
    Object.assign(fx, await createSecurityFixture('hostile'));
  });

  /**
   * Returns {caller, client} for route: a coordinator where the role mask allows one, otherwise
   * a signed-in account of the first role it allows, of the own organisation, so that the input
   * reaches the handler instead of the role check.
   */
  async function callerFor(route) {
    const allowed = route.allowed || new Set(['coordinator']);
    const role = allowed.has('coordinator') ? 'coordinator' : [...allowed].find((name) => name !== 'anonymous');
    if (!callers.has(role)) {
      const organisation = role === 'coordinator' || role === 'learner' ? undefined : fx.organisations.own;
      const account = await createUser({ role, organisationShortName: organisation });
      callers.set(role, { caller: { role, organisation: 'own', account }, client: await signedInClient(account) });
    }
    return callers.get(role);
  }

  /** Builds a valid call of route for its caller, as the matrix would send it. */
  async function validCall(route) {
    const expectation = ROUTE_EXPECTATIONS[route.key] || {};
    const { caller } = await callerFor(route);
    return { path: route.pattern, json: {}, ...((await expectation.request?.(fx, caller)) || {}) };
  }

  /**
   * Sends a raw body to route as its caller, from this file's own loopback address. Sign-in
   * goes without the session cookie, because a sign-in attempt ends the session it is sent with.
   */
  async function send(route, path, body, headers = {}) {
    const { client } = await callerFor(route);
    const session = route.pattern === '/api/v1/session' ? {} : { Cookie: client.cookieHeader(), 'X-CSRF-Token': client.csrfToken };
    return requestFrom(address, {
      method: route.method,
      path,
      headers: { 'Content-Type': 'application/json', ...session, ...headers },
      body,
    });
  }

  /** Checks that a secret field accepted with value works: the account signs in with it. */
  async function secretStored(call, response, value) {
    const email = response.json?.email ?? call.email;
    const signIn = await requestFrom(address, {
      method: 'POST',
      path: '/api/v1/session',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: value }),
    });
    return signIn.status === 200;
  }

  const jsonRoutes = routes.filter((route) => route.json);

  test('JSON routes found', () => {
    assert.ok(jsonRoutes.length >= 3, `only ${jsonRoutes.length} routes take JSON`);
  });

  for (const route of jsonRoutes) {
    test(`malformed bodies ${route.key}`, async () => {
      const call = await validCall(route);
      const valid = JSON.stringify(call.json);
      const firstKey = Object.keys(call.json)[0];
      const bodies = {
        'invalid UTF-8': Buffer.concat([Buffer.from(valid.slice(0, -1)), Buffer.from(', "x": "\xff\xfe'), Buffer.from([0xc3, 0x28, 0x22, 0x7d])]),
        'overlong UTF-8': Buffer.concat([Buffer.from('{"x": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
        'raw NUL byte': Buffer.concat([Buffer.from(valid.slice(0, -1)), Buffer.from(', "x": "a'), Buffer.from([0]), Buffer.from('b"}')]),
        'nesting 33 deep': `{"x": ${'['.repeat(33)}${']'.repeat(33)}}`,
        'nesting 100000 deep': `{"x": ${'['.repeat(100000)}${']'.repeat(100000)}}`,
        'unclosed nesting': `{"x": ${'{"a":'.repeat(5000)}`,
        'duplicate keys': firstKey ? `{${JSON.stringify(firstKey)}: 1, ${valid.slice(1)}` : '{"a": 1, "a": 2}',
        'array body': `[${valid}]`,
        'string body': JSON.stringify(valid),
        'trailing garbage': `${valid} {}`,
      };
      for (const [name, body] of Object.entries(bodies)) {
        const before = await checksums();
        const response = await send(route, call.path, body);

        assertCleanError(response, name);
        assert.equal(response.status, 400, `${name}: ${response.text.slice(0, 200)}`);
        assert.deepEqual(await checksums(), before, `${name} changed data`);
      }
    });

    test(`NUL in text fields ${route.key}`, async () => {
      const call = await validCall(route);
      for (const [field, value] of Object.entries(call.json)) {
        if (typeof value !== 'string') continue;
        const before = await checksums();
        const response = await send(route, call.path, JSON.stringify({ ...call.json, [field]: `${value}\u0000x` }));

        assertCleanError(response, field);
        assert.deepEqual(await checksums(), before, `${field} with NUL changed data`);
      }
    });

    test(`10 MB body ${route.key}`, async () => {
      const call = await validCall(route);
      const before = await checksums();
      const padding = 'a'.repeat(10 * 1024 * 1024);
      const response = await send(route, call.path, JSON.stringify({ ...call.json, padding }));

      assert.equal(response.status, 413);
      assertCleanError(response, '10 MB body');
      assert.deepEqual(await checksums(), before);
    });

    test(`numbers out of range ${route.key}`, async () => {
      const call = await validCall(route);
      const numeric = Object.entries(call.json).filter(([, value]) => typeof value === 'number');
      for (const [field] of numeric) {
        for (const literal of ['1e400', '-1', '0', '18446744073709551616', '9223372036854775808', '1.5', '"1"', 'null', 'true']) {
          const body = JSON.stringify({ ...call.json, [field]: '@@' }).replace('"@@"', literal);
          const before = await checksums();
          const response = await send(route, call.path, body);

          assertCleanError(response, `${field}=${literal}`);
          assert.deepEqual(await checksums(), before, `${field}=${literal} changed data`);
        }
      }
    });

    test(`metacharacters in text fields ${route.key}`, async () => {
      const failures = [];
      for (const payload of TEXT_PAYLOADS) {
        const call = await validCall(route);
        for (const [field, value] of Object.entries(call.json)) {
          if (typeof value !== 'string') continue;
          const before = await checksums();
          const sent = { ...call.json, [field]: payload };
          const response = await send(route, call.path, JSON.stringify(sent));
          const label = `${field}=${JSON.stringify(payload)}`;

          if (response.status >= 500 || response.status < 200) failures.push(`${label}: status ${response.status}`);
          else if (response.status >= 400) {
            if (typeof response.json?.error?.code !== 'string') failures.push(`${label}: ${response.status} without a JSON error`);
            if (JSON.stringify(await checksums()) !== JSON.stringify(before)) failures.push(`${label}: refused but changed data`);
          } else if (ROUTE_EXPECTATIONS[route.key]?.storesNothing) {
            if (JSON.stringify(await checksums()) !== JSON.stringify(before)) failures.push(`${label}: accepted by a route that stores nothing, but changed data`);
          } else if (ROUTE_EXPECTATIONS[route.key]?.storedExactly) {
            if (!(await ROUTE_EXPECTATIONS[route.key].storedExactly(fx, sent, field, payload))) failures.push(`${label}: accepted but not stored exactly`);
          } else if (ROUTE_EXPECTATIONS[route.key]?.secretFields?.includes(field)) {
            if (!(await secretStored(call, response, payload))) failures.push(`${label}: accepted but sign-in with it failed`);
          } else if (!containsString(response.json, payload)) {
            failures.push(`${label}: accepted but not returned exactly: ${response.text.slice(0, 200)}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  test('valid_until beyond year 9999', async () => {
    // The fuzz target fuzz_time found that an offset could carry a date into the year 10000,
    // which MariaDB cannot store, and issuing answered 500.
    const route = routes.find((candidate) => candidate.key === 'POST /api/v1/certificates');
    const call = await validCall(route);
    const before = await checksums();
    const response = await send(route, call.path, JSON.stringify({ ...call.json, valid_until: '9999-12-31T23:54:00-14:00' }));

    assertCleanError(response, 'valid_until in the year 10000');
    assert.equal(response.json.error.field, 'valid_until');
    assert.deepEqual(await checksums(), before);
  });

  test('traversal in path parameters', async () => {
    const traversals = ['..%2F..%2Fetc%2Fpasswd', '..%5c..%5cwin.ini', '....%2f%2f', '%00', '%c0%af', '%ff', 'a'.repeat(300), "'%20OR%201=1--"];
    // nginx resolves a whole ".." segment before it picks a location, so "/v/.." is the SPA's "/"
    // and may be 200; it must still never reach a file outside the web root or fail.
    const dotSegments = ['..', '%2e%2e', '.'];
    const failures = [];
    // The tables are compared once per route, around all of its traversals: comparing them
    // around every request spawned over a thousand mariadb clients and took minutes.
    for (const route of routes.filter((candidate) => candidate.pattern.includes('/:'))) {
      const before = await checksums();
      for (const traversal of [...traversals, ...dotSegments]) {
        const path = route.pattern.replace(/:[A-Za-z_]+/g, traversal);
        const response = await send(route, path, route.json ? '{}' : undefined);
        const label = `${route.method} ${path}`;
        const inSegment = !dotSegments.includes(traversal);
        if ((inSegment && response.status < 400) || response.status >= 500) failures.push(`${label}: status ${response.status}`);
        if (/root:|\/bin\/(ba)?sh/.test(response.text)) failures.push(`${label}: returned a system file`);
      }
      if (JSON.stringify(await checksums()) !== JSON.stringify(before)) failures.push(`${route.method} ${route.pattern}: changed data`);
    }
    assert.deepEqual(failures, []);
  });

  test('metacharacters in query strings', async () => {
    for (const payload of TEXT_PAYLOADS) {
      const before = await checksums();
      const response = await send({ method: 'GET' }, `/api/v1/microcredentials?q=${encodeURIComponent(payload)}`);

      assert.equal(response.status, 200, `q=${payload}: ${response.text.slice(0, 200)}`);
      assert.ok(Array.isArray(response.json.items));
      assert.deepEqual(await checksums(), before);
    }
  });
});
