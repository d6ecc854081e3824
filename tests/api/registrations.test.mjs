// API v1 self-registration of learners: the e-mailed confirmation link, sign-in before and after
// confirming, and registrations of an address that already has an account.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Client, baseUrl, createUser, sql, sqlString, sqlValue, uniqueEmail } from '../lib/stack.mjs';

const PASSWORD = 'correct horse battery';

/** Returns the e-mails queued for an address, oldest first, as {kind, subject, body}. */
async function mailsTo(email) {
  const rows = await sql(`SELECT kind, subject, HEX(body) FROM email_outbox WHERE recipient = ${sqlString(email)} ORDER BY id`);
  return rows.map(([kind, subject, hex]) => ({ kind, subject, body: Buffer.from(hex, 'hex').toString('utf8') }));
}

/** Returns the token of the last confirmation link e-mailed to an address. */
async function confirmationToken(email) {
  const mails = (await mailsTo(email)).filter((mail) => mail.kind === 'registration');
  assert.ok(mails.length > 0, `no registration e-mail to ${email}`);
  const match = mails.at(-1).body.match(/(\S+)\/register\/confirm\?token=([A-Za-z0-9_-]+)/);
  assert.ok(match, mails.at(-1).body);
  assert.equal(match[1], baseUrl);
  return match[2];
}

function register(fields) {
  return new Client().post('/api/v1/registrations', fields, { csrf: false });
}

describe('registrations', () => {
  test('register, confirm and sign in', async () => {
    const email = uniqueEmail('learner');
    const name = 'Łucja Ñúñez-Østergård';
    const created = await register({ name, email, password: PASSWORD });
    assert.equal(created.status, 202, created.text);

    const [row] = await sql(`SELECT role, name, registered_at IS NOT NULL, email_confirmed_at IS NULL, password_hash IS NOT NULL FROM users WHERE email = ${sqlString(email)}`);
    assert.deepEqual(row, ['learner', name, '1', '1', '1']);

    const early = await new Client().signIn(email, PASSWORD);
    assert.equal(early.status, 403, early.text);
    assert.equal(early.json.error.code, 'email_unconfirmed');
    const wrong = await new Client().signIn(email, 'not the password at all');
    assert.equal(wrong.status, 401, 'a wrong password must not reveal the unconfirmed state');

    const token = await confirmationToken(email);
    const stored = await sqlValue(`SELECT COUNT(*) FROM account_tokens WHERE token_hash = SHA2(${sqlString(token)}, 256) AND purpose = 'registration'`);
    assert.equal(stored, '1');
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM account_tokens WHERE token_hash = ${sqlString(token)}`), '0');

    const confirmed = await new Client().post('/api/v1/registrations/confirm', { token }, { csrf: false });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.json.email, email);
    const reused = await new Client().post('/api/v1/registrations/confirm', { token }, { csrf: false });
    assert.equal(reused.status, 409);
    assert.equal(reused.json.error.field, 'token');

    const client = new Client();
    const signedIn = await client.signIn(email.toUpperCase(), PASSWORD);
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.equal(signedIn.json.user.role, 'learner');
    assert.equal(signedIn.json.user.name, name);
  });

  test('known address gets same answer', async () => {
    const existing = await createUser({ role: 'learner' });
    const fresh = await register({ name: 'Someone New', email: uniqueEmail('learner'), password: PASSWORD });
    const again = await register({ name: 'Someone Else', email: existing.email.toUpperCase(), password: PASSWORD });
    assert.equal(again.status, fresh.status);
    assert.deepEqual(again.json, fresh.json);
    assert.equal(await sqlValue(`SELECT name FROM users WHERE id = ${existing.id}`), existing.name);

    const mails = await mailsTo(existing.email);
    assert.equal(mails.length, 1);
    assert.equal(mails[0].kind, 'account_exists');
    assert.ok(!mails[0].body.includes('token='), 'the account-exists e-mail carries no link that changes anything');
    assert.ok(mails[0].body.includes(`${baseUrl}/sign-in`));

    const repeated = await register({ name: 'Someone Else', email: existing.email, password: PASSWORD });
    assert.equal(repeated.status, 202);
    assert.equal((await mailsTo(existing.email)).length, 1, 'a repeat within a minute sends no second e-mail');
    const signedIn = await new Client().signIn(existing.email, existing.password);
    assert.equal(signedIn.status, 200, 'the existing password still works');
  });

  test('unconfirmed address gets a new link', async () => {
    const email = uniqueEmail('learner');
    assert.equal((await register({ name: 'Twice Registered', email, password: PASSWORD })).status, 202);
    const first = await confirmationToken(email);
    await sql(`UPDATE email_outbox SET created_at = created_at - INTERVAL 2 MINUTE WHERE recipient = ${sqlString(email)}`);
    assert.equal((await register({ name: 'Twice Registered', email, password: 'another password here' })).status, 202);
    const second = await confirmationToken(email);
    assert.notEqual(second, first);
    assert.equal(await sqlValue(`SELECT COUNT(*) FROM users WHERE email_key = LOWER(${sqlString(email)})`), '1');
    const confirmed = await new Client().post('/api/v1/registrations/confirm', { token: second }, { csrf: false });
    assert.equal(confirmed.status, 200);
    assert.equal((await new Client().signIn(email, PASSWORD)).status, 200, 'the first password stays');
  });

  test('expired or unknown link is rejected', async () => {
    const email = uniqueEmail('learner');
    await register({ name: 'Late Confirmer', email, password: PASSWORD });
    const token = await confirmationToken(email);
    await sql(`UPDATE account_tokens SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = SHA2(${sqlString(token)}, 256)`);
    const expired = await new Client().post('/api/v1/registrations/confirm', { token }, { csrf: false });
    assert.equal(expired.status, 409);
    assert.match(expired.json.error.message, /expired/);
    const unknown = await new Client().post('/api/v1/registrations/confirm', { token: 'x'.repeat(43) }, { csrf: false });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error.field, 'token');
    assert.equal(await sqlValue(`SELECT email_confirmed_at IS NULL FROM users WHERE email = ${sqlString(email)}`), '1');
  });

  test('invalid fields are named', async () => {
    const cases = [
      [{ email: uniqueEmail(), password: PASSWORD }, 'name'],
      [{ name: '  ', email: uniqueEmail(), password: PASSWORD }, 'name'],
      [{ name: 'A', email: 'not-an-address', password: PASSWORD }, 'email'],
      [{ name: 'A', email: uniqueEmail(), password: 'short' }, 'password'],
      [{ name: 'A', email: uniqueEmail() }, 'password'],
    ];
    for (const [body, field] of cases) {
      const response = await register(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
      assert.equal(response.json.error.field, field);
      if (body.email) assert.equal(await sqlValue(`SELECT COUNT(*) FROM users WHERE email = ${sqlString(body.email)}`), '0');
    }
  });

  test('password reset confirms the address', async () => {
    const email = uniqueEmail('learner');
    await register({ name: 'Forgetful Learner', email, password: PASSWORD });
    assert.equal((await new Client().post('/api/v1/password-resets', { email }, { csrf: false })).status, 202);
    const [[hex]] = await sql(`SELECT HEX(body) FROM email_outbox WHERE recipient = ${sqlString(email)} AND kind = 'password_reset'`);
    const token = Buffer.from(hex, 'hex').toString('utf8').match(/token=([A-Za-z0-9_-]+)/)[1];
    const reset = await new Client().post('/api/v1/account/password', { token, password: 'a brand new password' }, { csrf: false });
    assert.equal(reset.status, 200, reset.text);
    assert.equal((await new Client().signIn(email, 'a brand new password')).status, 200);
  });
});
