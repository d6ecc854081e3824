// Session security: fixation, expiry, cookie flags, and sign-in throttling with lockout. Throttling
// tests send from their own loopback addresses (tests/lib/loopback.mjs), so the failures they
// cause never throttle the other tests.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { clearSignInFailures, freshLoopbackAddress, requestFrom } from '../lib/loopback.mjs';
import { Client, createUser, parseSetCookie, signedInClient, sql, uniqueEmail } from '../lib/stack.mjs';

/** The 10 failures per account and 50 per address of a 15-minute window, as session.c sets them. */
const ACCOUNT_LIMIT = 10;
const ADDRESS_LIMIT = 50;
const WINDOW_SECONDS = 900;

function sessionCookieOf(response) {
  const header = response.setCookies.find((value) => value.startsWith('mic_session='));
  assert.ok(header, `no mic_session cookie in ${JSON.stringify(response.setCookies)}`);
  return parseSetCookie(header);
}

function clientWithCookie(value) {
  const client = new Client();
  client.cookies.set('mic_session', value);
  return client;
}

function signInFrom(address, email, password) {
  return requestFrom(address, { method: 'POST', path: '/api/v1/session', json: { email, password } });
}

function assertThrottled(response, label) {
  assert.equal(response.status, 429, `${label}: ${response.text}`);
  assert.equal(response.json?.error?.code, 'too_many_requests', label);
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter), `${label}: Retry-After is ${response.headers['retry-after']}`);
  assert.ok(retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `${label}: Retry-After ${retryAfter}`);
  assert.equal(response.setCookies.some((header) => /^mic_session=[^;]/.test(header)), false, label);
}

describe('session security', () => {
  let learner;
  let attacker;

  before(async () => {
    learner = await createUser({ role: 'learner' });
    attacker = await createUser({ role: 'learner' });
  });

  test('pre-set cookie never adopted', async () => {
    const planted = randomBytes(32).toString('base64url');
    const client = clientWithCookie(planted);
    const response = await client.signIn(learner.email, learner.password);

    assert.equal(response.status, 200, response.text);
    assert.notEqual(sessionCookieOf(response).value, planted);
    assert.equal((await clientWithCookie(planted).get('/api/v1/me')).status, 401);
  });

  test("attacker's session not upgraded", async () => {
    // An attacker plants a session cookie of their own account in the victim's browser.
    const attackerClient = await signedInClient(attacker);
    const planted = attackerClient.cookies.get('mic_session');
    const victim = clientWithCookie(planted);
    const response = await victim.signIn(learner.email, learner.password);

    assert.equal(response.status, 200, response.text);
    assert.notEqual(sessionCookieOf(response).value, planted);
    // Sign-in ends the session that the browser presented, so the planted token either stopped
    // working or still names the attacker; it never names the victim.
    const attackerView = await clientWithCookie(planted).get('/api/v1/me');
    if (attackerView.status === 200) assert.equal(attackerView.json.user.id, attacker.id);
    else assert.equal(attackerView.status, 401);
    assert.equal((await victim.get('/api/v1/me')).json.user.id, learner.id);
  });

  test('expired session is refused', async () => {
    const client = await signedInClient(learner);
    const token = client.cookies.get('mic_session');
    assert.equal((await client.get('/api/v1/me')).status, 200);

    await sql(
      `UPDATE sessions SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = SHA2('${token}', 256)`,
    );
    const affected = await sql(`SELECT COUNT(*) FROM sessions WHERE token_hash = SHA2('${token}', 256)`);
    assert.equal(affected[0][0], '1', 'the session row is not found by the SHA-256 of its token');
    const me = await client.get('/api/v1/me');

    assert.equal(me.status, 401);
    assert.equal(me.json.error.code, 'unauthenticated');
  });

  test('expired session cannot change data', async () => {
    const client = await signedInClient(learner);
    const token = client.cookies.get('mic_session');
    await sql(`UPDATE sessions SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = SHA2('${token}', 256)`);
    const response = await client.del('/api/v1/session');

    assert.equal(response.status, 401);
  });

  test('session cookie flags', async () => {
    const client = new Client();
    const signIn = sessionCookieOf(await client.signIn(learner.email, learner.password));

    assert.equal(signIn.attributes.httponly, true);
    assert.match(String(signIn.attributes.samesite), /^(lax|strict)$/i);
    assert.equal(signIn.attributes.path, '/');
    assert.equal(signIn.attributes.domain, undefined, 'a Domain attribute would share the cookie with subdomains');

    const signOut = sessionCookieOf(await client.del('/api/v1/session'));
    assert.equal(signOut.value, '');
    assert.equal(signOut.attributes.httponly, true);
    const maxAgeZero = signOut.attributes['max-age'] === '0';
    const expiresPast = signOut.attributes.expires !== undefined && Date.parse(signOut.attributes.expires) < Date.now();
    assert.ok(maxAgeZero || expiresPast, `sign-out cookie does not expire: ${JSON.stringify(signOut.attributes)}`);
  });

  test('account lockout after failures', async () => {
    const account = await createUser({ role: 'learner' });
    const address = freshLoopbackAddress();
    await clearSignInFailures(address);

    for (let i = 1; i <= ACCOUNT_LIMIT; i++) {
      const response = await signInFrom(address, account.email, `wrong-${i}-${account.password}`);
      assert.equal(response.status, 401, `failure ${i}: ${response.text}`);
    }
    assertThrottled(await signInFrom(address, account.email, 'another-wrong-password'), 'next wrong password');
    assertThrottled(await signInFrom(address, account.email, account.password), 'right password while locked');
    // The lockout is per account and holds from every address.
    assertThrottled(await signInFrom(freshLoopbackAddress(), account.email, account.password), 'another address');
  });

  test('lockout ignores e-mail case', async () => {
    const account = await createUser({ role: 'learner' });
    const address = freshLoopbackAddress();
    await clearSignInFailures(address);

    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const email = i % 2 ? account.email.toUpperCase() : account.email;
      assert.equal((await signInFrom(address, email, `wrong-${i}`)).status, 401);
    }
    assertThrottled(await signInFrom(address, account.email, account.password), 'right password while locked');
  });

  test('lockout ends when the window passes', async () => {
    const account = await createUser({ role: 'learner' });
    const address = freshLoopbackAddress();
    await clearSignInFailures(address);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await signInFrom(address, account.email, `wrong-${i}`);
    assertThrottled(await signInFrom(address, account.email, account.password), 'locked');

    await sql(
      `UPDATE sign_in_failures SET at = UTC_TIMESTAMP(6) - INTERVAL ${WINDOW_SECONDS + 1} SECOND WHERE account_key = LOWER('${account.email}')`,
    );
    const response = await signInFrom(address, account.email, account.password);

    assert.equal(response.status, 200, response.text);
  });

  test('address throttled after failures', async () => {
    const address = freshLoopbackAddress();
    await clearSignInFailures(address);
    for (let i = 1; i <= ADDRESS_LIMIT; i++) {
      const response = await signInFrom(address, uniqueEmail('guess'), 'not-the-password');
      assert.equal(response.status, 401, `failure ${i}: ${response.text}`);
    }

    assertThrottled(await signInFrom(address, learner.email, learner.password), 'valid account from that address');
    const elsewhere = await signInFrom(freshLoopbackAddress(), learner.email, learner.password);
    assert.equal(elsewhere.status, 200, `another address: ${elsewhere.text}`);
  });
});
