// Authorisation matrix: every route of backend/src/routes.c called by every role, as a member of
// the organisation that owns the object and of another one, and as an anonymous client. Who is
// allowed comes from the table's role mask; what organisations change comes from
// security-expectations.mjs. Routes that need a CSRF token are also called with a missing, a wrong
// and another session's token.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { readRouteTable, countRouteRows } from '../lib/route-table.mjs';
import { createSecurityFixture } from '../lib/security-fixture.mjs';
import { Client, createUser, signedInClient } from '../lib/stack.mjs';
import { ROUTE_EXPECTATIONS } from './security-expectations.mjs';

const SCOPES = new Set(['none', 'filtered', 'organisation']);

const { roles, routes } = await readRouteTable();

/**
 * Returns the options of client.request for one call of route: the JSON body for a JSON route,
 * otherwise the raw body and headers that the expectation's request gives, if any.
 */
function requestOptions(route, request, csrf) {
  if (route.json) return { csrf, json: request.json ?? {} };
  return { csrf, body: request.body, headers: request.headers };
}

/** Returns the error code of a refusal: 'unauthenticated' for 401, else the 403 code expected. */
function refusalCode(route, expectation, caller, expected) {
  if (expected === 401) return 'unauthenticated';
  if (route.allowed.has(caller.role) && expectation.otherOrganisationCode) return expectation.otherOrganisationCode;
  return 'forbidden';
}

/** Returns the status a caller must get: 'allowed' (any 2xx), 401 or 403. */
function expectedOutcome(route, expectation, caller) {
  if (!route.allowed.has(caller.role)) return caller.role === 'anonymous' ? 401 : 403;
  if (expectation.scope === 'organisation' && caller.role !== 'coordinator' && caller.organisation === 'other') {
    return 403;
  }
  return 'allowed';
}

/**
 * The caller as the route is called: a route whose success ends the account (erasure) gets a
 * fresh account through expectation.freshAccount (null keeps the listed one), so the callers of
 * later routes keep theirs.
 */
async function callerForRoute(expectation, caller) {
  if (!caller.account || !expectation?.freshAccount) return caller;
  const account = await expectation.freshAccount(caller);
  return account ? { ...caller, account } : caller;
}

function callerLabel(caller) {
  return caller.organisation ? `${caller.role} of the ${caller.organisation} organisation` : caller.role;
}

describe('authorisation matrix', () => {
  const callers = [];
  const fx = {};

  before(async () => {
    Object.assign(fx, await createSecurityFixture('matrix'));
    const organisations = fx.organisations;

    callers.push({ role: 'anonymous', organisation: null, account: null });
    callers.push({ role: 'coordinator', organisation: null, account: await createUser({ role: 'coordinator' }) });
    for (const role of roles) {
      if (role.name === 'anonymous' || role.name === 'coordinator') continue;
      for (const organisation of ['own', 'other']) {
        const account = await createUser({ role: role.name, organisationShortName: organisations[organisation] });
        callers.push({ role: role.name, organisation, account });
      }
    }
  });

  test('route table parsed completely', async () => {
    assert.equal(routes.length, await countRouteRows(), 'a row of routes.c has a shape the parser does not read');
    assert.ok(routes.length >= 15, `only ${routes.length} routes parsed`);
    assert.deepEqual(roles.map((role) => role.name).slice(0, 1), ['anonymous']);
  });

  test('every route has an expectation', () => {
    const missing = routes.filter((route) => !Object.hasOwn(ROUTE_EXPECTATIONS, route.key)).map((route) => route.key);
    const invalid = Object.entries(ROUTE_EXPECTATIONS)
      .filter(([, expectation]) => !SCOPES.has(expectation.scope))
      .map(([key, expectation]) => `${key}: scope ${expectation.scope}`);

    assert.deepEqual(missing, [], 'add these routes to tests/api/security-expectations.mjs');
    assert.deepEqual(invalid, [], `scope must be one of ${[...SCOPES].join(', ')}`);
  });

  test('no expectation without a route', () => {
    const keys = new Set(routes.map((route) => route.key));
    const stale = Object.keys(ROUTE_EXPECTATIONS).filter((key) => !keys.has(key));

    assert.deepEqual(stale, [], 'remove these entries from tests/api/security-expectations.mjs or fix their keys');
  });

  for (const route of routes) {
    const expectation = ROUTE_EXPECTATIONS[route.key];

    test(`matrix ${route.key}`, { skip: expectation ? false : 'no expectation; see the test above' }, async () => {
      const failures = [];
      for (const listed of callers) {
        const caller = await callerForRoute(expectation, listed);
        const expected = expectedOutcome(route, expectation, caller);
        const request = { path: route.pattern, ...((await expectation.request?.(fx, caller)) || {}) };
        const before = expected === 'allowed' ? null : JSON.stringify(await expectation.unchanged?.(fx, request));
        const client = caller.account ? await signedInClient(caller.account) : new Client();
        const response = await client.request(route.method, request.path, requestOptions(route, request, route.csrf));
        const label = `${callerLabel(caller)}: ${route.method} ${request.path}`;

        if (expected === 'allowed') {
          if (response.status < 200 || response.status > 299) {
            failures.push(`${label} returned ${response.status} instead of 2xx: ${response.text.slice(0, 200)}`);
          }
          continue;
        }
        const code = refusalCode(route, expectation, caller, expected);
        if (response.status !== expected || response.json?.error?.code !== code) {
          failures.push(`${label} returned ${response.status} ${response.json?.error?.code} instead of ${expected} ${code}`);
        }
        const after = JSON.stringify(await expectation.unchanged?.(fx, request));
        if (before !== after) failures.push(`${label} was refused but changed data: ${before} became ${after}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  for (const route of routes.filter((candidate) => candidate.csrf)) {
    const expectation = ROUTE_EXPECTATIONS[route.key];

    test(`CSRF ${route.key}`, { skip: expectation ? false : 'no expectation' }, async () => {
      const listed = callers.find((candidate) => candidate.account && expectedOutcome(route, expectation, candidate) === 'allowed');
      assert.ok(listed, `no role may call ${route.key}, so its CSRF check cannot be reached`);
      const caller = await callerForRoute(expectation, listed);
      const otherSession = await signedInClient(caller.account);
      const cases = { missing: false, wrong: 'wrong', "another session's": otherSession.csrfToken };

      for (const [name, csrf] of Object.entries(cases)) {
        const client = await signedInClient(caller.account);
        const request = { path: route.pattern, ...((await expectation.request?.(fx, caller)) || {}) };
        const before = JSON.stringify(await expectation.unchanged?.(fx, request));
        const response = await client.request(route.method, request.path, requestOptions(route, request, csrf));

        assert.equal(response.status, 403, `${name} token: ${response.text}`);
        assert.equal(response.json?.error?.code, 'csrf_failed', `${name} token`);
        assert.equal(JSON.stringify(await expectation.unchanged?.(fx, request)), before, `${name} token changed data`);
        assert.equal((await client.get('/api/v1/me')).status, 200, `${name} token ended the session`);
      }
    });
  }
});
