// API v1 sessions: POST, GET and DELETE /api/v1/session, and GET /api/v1/me.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { Client, createUser, parseSetCookie, uniqueEmail } from '../lib/stack.mjs';

const CSRF_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function sessionCookie(response) {
  const headers = response.setCookies.filter((header) => header.startsWith('mic_session='));
  assert.equal(headers.length, 1, `expected one mic_session cookie, got ${JSON.stringify(response.setCookies)}`);
  return parseSetCookie(headers[0]);
}

/** Creates a client that sends only the given session cookie value. */
function clientWithCookie(value) {
  const client = new Client();
  client.cookies.set('mic_session', value);
  return client;
}

describe('session', () => {
  let coordinator;
  let issuer;

  before(async () => {
    coordinator = await createUser({ role: 'coordinator' });
    issuer = await createUser({ role: 'issuer', organisationShortName: 'AEICE' });
  });

  test('sign-in returns user and token', async () => {
    const client = new Client();
    const response = await client.signIn(coordinator.email, coordinator.password);

    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.equal(response.json.user.id, coordinator.id);
    assert.equal(response.json.user.email, coordinator.email);
    assert.equal(response.json.user.name, coordinator.name);
    assert.equal(response.json.user.role, 'coordinator');
    assert.equal(response.json.user.organisation, null);
    assert.match(response.json.csrf_token, CSRF_TOKEN_PATTERN);
  });

  test('sign-in of issuer names organisation', async () => {
    const response = await new Client().signIn(issuer.email, issuer.password);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.user.role, 'issuer');
    assert.equal(typeof response.json.user.organisation.id, 'number');
    assert.equal(response.json.user.organisation.name, 'Clúster de Hábitat Eficiente');
  });

  test('sign-in cookie attributes', async () => {
    const response = await new Client().signIn(coordinator.email, coordinator.password);
    const cookie = sessionCookie(response);

    assert.ok(cookie.value.length >= 32, `session token too short: ${cookie.value}`);
    assert.equal(cookie.attributes.httponly, true);
    assert.equal(String(cookie.attributes.samesite).toLowerCase(), 'lax');
    assert.equal(cookie.attributes.path, '/');
    // The test stack is served over plain http, where a Secure cookie would never be sent back.
    assert.equal(cookie.attributes.secure, undefined);
  });

  test('sign-in session token is not the CSRF token', async () => {
    const response = await new Client().signIn(coordinator.email, coordinator.password);

    assert.notEqual(sessionCookie(response).value, response.json.csrf_token);
  });

  test('wrong password and unknown e-mail alike', async () => {
    const wrongPassword = await new Client().signIn(coordinator.email, `${coordinator.password}x`);
    const unknownEmail = await new Client().signIn(uniqueEmail('nobody'), coordinator.password);

    assert.equal(wrongPassword.status, 401);
    assert.equal(wrongPassword.json.error.code, 'invalid_credentials');
    assert.equal(unknownEmail.status, 401);
    assert.equal(unknownEmail.json.error.code, 'invalid_credentials');
    assert.deepEqual(unknownEmail.json, wrongPassword.json);
    assert.equal(wrongPassword.setCookies.some((h) => /^mic_session=[^;]/.test(h)), false);
    assert.equal(unknownEmail.setCookies.some((h) => /^mic_session=[^;]/.test(h)), false);
  });

  test('empty password is rejected', async () => {
    const response = await new Client().signIn(coordinator.email, '');

    assert.ok([400, 401].includes(response.status), `status ${response.status}: ${response.text}`);
    assert.equal(response.setCookies.some((h) => /^mic_session=[^;]/.test(h)), false);
  });

  test('e-mail matched case-insensitively', async () => {
    const client = new Client();
    const response = await client.signIn(coordinator.email.toUpperCase(), coordinator.password);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.user.id, coordinator.id);
    assert.equal((await client.get('/api/v1/me')).status, 200);
  });

  test('me signed out is 401', async () => {
    const response = await new Client().get('/api/v1/me');

    assert.equal(response.status, 401);
    assert.equal(response.json.error.code, 'unauthenticated');
  });

  test('me with a made-up cookie is 401', async () => {
    const response = await clientWithCookie('A'.repeat(43)).get('/api/v1/me');

    assert.equal(response.status, 401);
    assert.equal(response.json.error.code, 'unauthenticated');
  });

  test('me signed in returns user and token', async () => {
    const client = new Client();
    const signIn = await client.signIn(coordinator.email, coordinator.password);
    const me = await client.get('/api/v1/me');

    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json.user, signIn.json.user);
    assert.equal(me.json.csrf_token, signIn.json.csrf_token);
  });

  test('session signed out is null', async () => {
    const response = await new Client().get('/api/v1/session');

    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json, { user: null, csrf_token: null });
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('session with a made-up cookie is null', async () => {
    const response = await clientWithCookie('A'.repeat(43)).get('/api/v1/session');

    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json, { user: null, csrf_token: null });
  });

  test('session signed in equals me', async () => {
    const client = new Client();
    const signIn = await client.signIn(coordinator.email, coordinator.password);
    const session = await client.get('/api/v1/session');
    const me = await client.get('/api/v1/me');

    assert.equal(session.status, 200, session.text);
    assert.deepEqual(session.json.user, signIn.json.user);
    assert.equal(session.json.csrf_token, signIn.json.csrf_token);
    assert.deepEqual(session.json, me.json);
  });

  test('session after sign-out is null', async () => {
    const client = new Client();
    await client.signIn(coordinator.email, coordinator.password);
    const cookie = client.cookieHeader();
    assert.equal((await client.del('/api/v1/session')).status, 204);

    const response = await new Client().get('/api/v1/session', { headers: { Cookie: cookie } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.user, null);
  });

  test('sign-in always makes new session', async () => {
    const client = new Client();
    const first = await client.signIn(coordinator.email, coordinator.password);
    const firstToken = sessionCookie(first).value;

    // The second sign-in sends the first cookie, as a browser would.
    const second = await client.signIn(coordinator.email, coordinator.password);
    const secondToken = sessionCookie(second).value;

    assert.notEqual(secondToken, firstToken);
    assert.notEqual(second.json.csrf_token, first.json.csrf_token);
    assert.equal((await clientWithCookie(firstToken).get('/api/v1/me')).status, 401);
    assert.equal((await clientWithCookie(secondToken).get('/api/v1/me')).status, 200);
  });

  test('sessions of two clients are separate', async () => {
    const a = new Client();
    const b = new Client();
    await a.signIn(coordinator.email, coordinator.password);
    await b.signIn(issuer.email, issuer.password);

    assert.equal((await a.get('/api/v1/me')).json.user.id, coordinator.id);
    assert.equal((await b.get('/api/v1/me')).json.user.id, issuer.id);
  });

  test('sign-out without CSRF token fails', async () => {
    const client = new Client();
    await client.signIn(coordinator.email, coordinator.password);

    const missing = await client.del('/api/v1/session', { csrf: false });
    assert.equal(missing.status, 403);
    assert.equal(missing.json.error.code, 'csrf_failed');

    const wrong = await client.del('/api/v1/session', { csrf: 'wrong' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.error.code, 'csrf_failed');

    assert.equal((await client.get('/api/v1/me')).status, 200);
  });

  test('sign-out ends the session', async () => {
    const client = new Client();
    const signIn = await client.signIn(coordinator.email, coordinator.password);
    const token = sessionCookie(signIn).value;

    const response = await client.del('/api/v1/session');

    assert.equal(response.status, 204, response.text);
    assert.equal(response.text, '');
    const cleared = sessionCookie(response);
    assert.ok(cleared.value === '' || cleared.attributes['max-age'] === '0', `cookie not cleared: ${response.setCookies}`);
    assert.equal((await clientWithCookie(token).get('/api/v1/me')).status, 401);
    assert.equal((await client.get('/api/v1/me')).status, 401);
  });

  test('sign-out when signed out is 401', async () => {
    const response = await new Client().del('/api/v1/session');

    assert.equal(response.status, 401);
    assert.equal(response.json.error.code, 'unauthenticated');
  });

  test('sign-in missing fields named', async () => {
    const cases = [
      [{}, 'email'],
      [{ password: 'whatever-password' }, 'email'],
      [{ email: coordinator.email }, 'password'],
      [{ email: null, password: 'whatever-password' }, 'email'],
    ];
    for (const [body, field] of cases) {
      const response = await new Client().request('POST', '/api/v1/session', { json: body });

      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
      assert.equal(response.json.error.code, 'missing_field', JSON.stringify(body));
      assert.equal(response.json.error.field, field, JSON.stringify(body));
    }
  });

  test('sign-in wrong types named', async () => {
    const cases = [
      [{ email: 5, password: 'whatever-password' }, 'email'],
      [{ email: [coordinator.email], password: 'whatever-password' }, 'email'],
      [{ email: { value: coordinator.email }, password: 'whatever-password' }, 'email'],
      [{ email: true, password: 'whatever-password' }, 'email'],
      [{ email: coordinator.email, password: 12345678901 }, 'password'],
      [{ email: coordinator.email, password: [] }, 'password'],
    ];
    for (const [body, field] of cases) {
      const response = await new Client().request('POST', '/api/v1/session', { json: body });

      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
      assert.equal(response.json.error.code, 'invalid_field', JSON.stringify(body));
      assert.equal(response.json.error.field, field, JSON.stringify(body));
      assert.equal(typeof response.json.error.message, 'string');
    }
  });

  test('sign-in needs JSON content type', async () => {
    const body = JSON.stringify({ email: coordinator.email, password: coordinator.password });
    const cases = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      { 'Content-Type': 'application/jsonp' },
    ];
    for (const headers of cases) {
      const response = await new Client().request('POST', '/api/v1/session', { body, headers });

      assert.equal(response.status, 415, `${headers['Content-Type']}: ${response.text}`);
      assert.equal(response.json.error.code, 'unsupported_media_type');
      assert.equal(response.setCookies.some((h) => /^mic_session=[^;]/.test(h)), false);
    }
  });

  test('sign-in without content type is 415', async () => {
    const body = Buffer.from(JSON.stringify({ email: coordinator.email, password: coordinator.password }));
    const response = await new Client().request('POST', '/api/v1/session', { body });

    assert.equal(response.status, 415, response.text);
    assert.equal(response.json.error.code, 'unsupported_media_type');
  });

  test('sign-in accepts JSON with charset', async () => {
    const body = JSON.stringify({ email: coordinator.email, password: coordinator.password });
    const response = await new Client().request('POST', '/api/v1/session', {
      body,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });

    assert.equal(response.status, 200, response.text);
  });
});
