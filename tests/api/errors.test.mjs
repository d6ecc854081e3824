// Errors and limits shared by all of API v1: unknown routes, methods, body size and malformed JSON.
// Each malformed body must get a clean 400 JSON error, never a 500, and write nothing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  Client,
  INSULATION_TITLE,
  certificateRowsWith,
  createUser,
  demoMicrocredential,
  randomToken,
  rawRequest,
  signedInClient,
  sqlString,
  sqlValue,
} from '../lib/stack.mjs';

const ONE_MIB = 1024 * 1024;

/** Checks a JSON error body; response comes from Client (fetch Headers) or rawRequest (plain object). */
function assertErrorShape(response, label) {
  const headers = response.headers;
  const contentType = typeof headers.get === 'function' ? headers.get('content-type') : headers['content-type'];
  assert.match(String(contentType), /^application\/json/, label);
  assert.equal(typeof response.json?.error?.code, 'string', `${label}: ${response.text}`);
  assert.equal(typeof response.json.error.message, 'string', label);
}

describe('errors', () => {
  let insulation;
  let coordinator;
  let coordinatorClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    coordinator = await createUser({ role: 'coordinator' });
    coordinatorClient = await signedInClient(coordinator);
  });

  /** POSTs raw bytes to /api/v1/certificates as the coordinator with a valid CSRF token. */
  function postCertificateBody(body, headers = {}) {
    return rawRequest({
      method: 'POST',
      path: '/api/v1/certificates',
      headers: {
        'Content-Type': 'application/json',
        Cookie: coordinatorClient.cookieHeader(),
        'X-CSRF-Token': coordinatorClient.csrfToken,
        ...headers,
      },
      body,
    });
  }

  test('unknown API path is 404 JSON', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v1/', '/api/v2/microcredentials', '/api/v1/certificates/x/y/z', '/api/v1/MICROCREDENTIALS']) {
      const response = await new Client().get(path);

      assert.equal(response.status, 404, `${path}: ${response.text}`);
      assertErrorShape(response, path);
      assert.equal(response.json.error.code, 'not_found', path);
    }
  });

  test('wrong method is 405 with Allow', async () => {
    const cases = [
      ['PUT', '/api/v1/microcredentials', ['GET']],
      ['DELETE', '/api/v1/microcredentials/1', ['GET']],
      ['DELETE', '/api/v1/certificates', ['GET', 'POST']],
      ['PATCH', '/api/v1/session', ['GET', 'POST', 'DELETE']],
      ['PUT', '/api/v1/session', ['GET', 'POST', 'DELETE']],
      ['POST', '/api/v1/verify/zzzzzzzzzzzzzzzzzzzz', ['GET']],
      ['GET', '/api/v1/certificates/zzzzzzzzzzzzzzzzzzzz/revoke', ['POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const response = await new Client().request(method, path);
      const label = `${method} ${path}`;

      assert.equal(response.status, 405, `${label}: ${response.text}`);
      assert.equal(response.json.error.code, 'method_not_allowed', label);
      const allow = (response.headers.get('allow') || '').split(',').map((m) => m.trim()).filter(Boolean);
      for (const m of allowed) assert.ok(allow.includes(m), `${label}: Allow is "${response.headers.get('allow')}"`);
      assert.equal(allow.includes(method), false, `${label}: Allow lists the method itself`);
    }
  });

  test('body over 1 MiB is 413', async () => {
    const marker = `m${randomToken(16)}`;
    const body = JSON.stringify({
      microcredential_id: insulation.id,
      holder_name: `Holder ${marker}`,
      holder_email: `${marker}@example.org`,
      padding: 'x'.repeat(ONE_MIB + 16),
    });
    const response = await postCertificateBody(body);

    assert.equal(response.status, 413, response.text.slice(0, 300));
    assert.equal(response.json?.error?.code, 'payload_too_large', response.text.slice(0, 300));
    assert.equal(await certificateRowsWith(marker), 0);
  });

  test('chunked body over 1 MiB is 413', async () => {
    const marker = `m${randomToken(16)}`;
    const body = JSON.stringify({
      microcredential_id: insulation.id,
      holder_name: `Holder ${marker}`,
      holder_email: `${marker}@example.org`,
      padding: 'x'.repeat(ONE_MIB + 16),
    });
    const response = await rawRequest({
      method: 'POST',
      path: '/api/v1/certificates',
      headers: {
        'Content-Type': 'application/json',
        Cookie: coordinatorClient.cookieHeader(),
        'X-CSRF-Token': coordinatorClient.csrfToken,
        'Transfer-Encoding': 'chunked',
      },
      body,
      chunked: true,
    });

    assert.equal(response.status, 413, response.text.slice(0, 300));
    assert.equal(response.json?.error?.code, 'payload_too_large');
    assert.equal(await certificateRowsWith(marker), 0);
  });

  test('sign-in body over 1 MiB is 413', async () => {
    const body = JSON.stringify({ email: coordinator.email, password: 'p'.repeat(ONE_MIB + 16) });
    const response = await rawRequest({
      method: 'POST',
      path: '/api/v1/session',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    assert.equal(response.status, 413, response.text.slice(0, 300));
    assert.equal(response.json?.error?.code, 'payload_too_large');
  });

  test('body just under the limit is read', async () => {
    // A valid certificate padded to just under 1 MiB passes the size check. The response may
    // be 201 or a 400 about the padding field, but never 413 or 500.
    const marker = `m${randomToken(16)}`;
    const fields = { microcredential_id: insulation.id, holder_name: `Holder ${marker}`, holder_email: `${marker}@example.org` };
    const overhead = Buffer.byteLength(JSON.stringify({ ...fields, padding: '' }));
    const body = JSON.stringify({ ...fields, padding: 'x'.repeat(ONE_MIB - overhead - 1024) });
    const response = await postCertificateBody(body);

    assert.ok([201, 400].includes(response.status), `${response.status}: ${response.text.slice(0, 300)}`);
  });

  test('malformed JSON bodies are 400', async () => {
    const valid = `"microcredential_id":${insulation.id},"holder_email":"MARK@example.org"`;
    const deepObject = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    const deepArray = `${'['.repeat(40)}${']'.repeat(40)}`;
    const cases = [
      ['empty body', ''],
      ['not JSON', 'holder_name=Ana'],
      ['truncated', `{${valid},"holder_name":"Holder MARK"`],
      ['trailing comma', `{${valid},"holder_name":"Holder MARK",}`],
      ['single quotes', `{${valid},'holder_name':'Holder MARK'}`],
      ['trailing garbage', `{${valid},"holder_name":"Holder MARK"} x`],
      ['two objects', `{${valid},"holder_name":"Holder MARK"}{}`],
      ['duplicate key', `{${valid},"holder_name":"Holder MARK","holder_name":"Other MARK"}`],
      ['duplicate id key', `{${valid},"holder_name":"Holder MARK","microcredential_id":${insulation.id}}`],
      ['array', `[{${valid},"holder_name":"Holder MARK"}]`],
      ['string', '"Holder MARK"'],
      ['number', '42'],
      ['null', 'null'],
      ['nested 40 objects', `{${valid},"holder_name":"Holder MARK","x":${deepObject}}`],
      ['nested 40 arrays', `{${valid},"holder_name":"Holder MARK","x":${deepArray}}`],
      ['nested 100000 arrays', `{${valid},"holder_name":"Holder MARK","x":${'['.repeat(100000)}${']'.repeat(100000)}}`],
      ['unclosed nesting', `{${valid},"holder_name":"Holder MARK","x":${'['.repeat(5000)}}`],
      ['bad escape', `{${valid},"holder_name":"Holder MARK \\x41"}`],
      ['lone surrogate escape', `{${valid},"holder_name":"Holder MARK \\ud800"}`],
      ['raw newline in string', `{${valid},"holder_name":"Holder\nMARK"}`],
      ['NaN', `{${valid},"holder_name":"Holder MARK","x":NaN}`],
      ['comment', `{${valid},/* c */"holder_name":"Holder MARK"}`],
    ];
    for (const [label, template] of cases) {
      const marker = `m${randomToken(16)}`;
      const response = await postCertificateBody(template.replaceAll('MARK', marker));

      assert.equal(response.status, 400, `${label}: ${response.status} ${response.text.slice(0, 300)}`);
      assertErrorShape(response, label);
      assert.ok(['invalid_json', 'invalid_field'].includes(response.json.error.code), `${label}: ${response.json.error.code}`);
      assert.equal(await certificateRowsWith(marker), 0, `${label} left a row behind`);
    }
  });

  test('nesting of 32 levels is parsed', async () => {
    // 32 levels in all, counting the body object itself: the JSON is accepted and the
    // request fails only on the unknown or wrong field, if at all.
    const marker = `m${randomToken(16)}`;
    const nested = `${'['.repeat(31)}${']'.repeat(31)}`;
    const body = `{"microcredential_id":${insulation.id},"holder_email":"${marker}@example.org","holder_name":"Holder ${marker}","x":${nested}}`;
    const response = await postCertificateBody(body);

    assert.notEqual(response.status, 500, response.text);
    if (response.status === 400) assert.notEqual(response.json.error.code, 'invalid_json', response.text);
  });

  test('invalid UTF-8 is 400', async () => {
    const sequences = [
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xc3]),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.from([0x80]),
    ];
    for (const bytes of sequences) {
      const marker = `m${randomToken(16)}`;
      const body = Buffer.concat([
        Buffer.from(`{"microcredential_id":${insulation.id},"holder_email":"${marker}@example.org","holder_name":"Holder ${marker} `),
        bytes,
        Buffer.from('"}'),
      ]);
      const response = await postCertificateBody(body);
      const label = `bytes ${bytes.toString('hex')}`;

      assert.equal(response.status, 400, `${label}: ${response.status} ${response.text}`);
      assertErrorShape(response, label);
      assert.equal(await certificateRowsWith(marker), 0, label);
    }
  });

  test('invalid UTF-8 in sign-in is 400', async () => {
    const body = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff]), Buffer.from('@example.org","password":"whatever-password"}')]);
    const response = await rawRequest({ method: 'POST', path: '/api/v1/session', headers: { 'Content-Type': 'application/json' }, body });

    assert.equal(response.status, 400, response.text);
    assertErrorShape(response, 'sign-in');
  });

  test('NUL characters are 400', async () => {
    const fields = ['holder_name', 'holder_email'];
    for (const field of fields) {
      const marker = `m${randomToken(16)}`;
      const values = { holder_name: `Holder ${marker}`, holder_email: `${marker}@example.org` };
      values[field] = field === 'holder_email' ? `${marker}\u0000@example.org` : `Holder\u0000 ${marker}`;
      const body = JSON.stringify({ microcredential_id: insulation.id, ...values });
      assert.ok(body.includes('\\u0000'), 'JSON.stringify must escape NUL as \\u0000');
      const response = await postCertificateBody(body);

      assert.equal(response.status, 400, `${field}: ${response.status} ${response.text}`);
      assertErrorShape(response, field);
      if (response.json.error.code === 'invalid_field') assert.equal(response.json.error.field, field);
      else assert.equal(response.json.error.code, 'invalid_json');
      assert.equal(await certificateRowsWith(marker), 0, field);
    }
  });

  test('NUL in sign-in is 400', async () => {
    const response = await rawRequest({
      method: 'POST',
      path: '/api/v1/session',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `${coordinator.email}\u0000`, password: coordinator.password }),
    });

    assert.equal(response.status, 400, response.text);
    assertErrorShape(response, 'sign-in');
  });

  test('NUL in revocation reason is 400', async () => {
    const issued = await coordinatorClient.post('/api/v1/certificates', {
      microcredential_id: insulation.id,
      holder_name: 'NUL Reason Holder',
      holder_email: `nul-${randomToken()}@example.org`,
    });
    const response = await coordinatorClient.post(`/api/v1/certificates/${issued.json.id}/revoke`, { reason: 'before\u0000after' });

    assert.equal(response.status, 400, response.text);
    const after = await coordinatorClient.get(`/api/v1/certificates/${issued.json.id}`);
    assert.equal(after.json.status, 'valid');
  });

  test('out-of-range microcredential_id is 400', async () => {
    const literals = [
      '9223372036854775807',
      '9223372036854775808',
      '18446744073709551616',
      '-9223372036854775809',
      '1e30',
      '1e400',
      '-0',
      '1.0e0',
      '0.5',
      '123456789012345678901234567890',
    ];
    for (const literal of literals) {
      const marker = `m${randomToken(16)}`;
      const body = `{"microcredential_id":${literal},"holder_name":"Holder ${marker}","holder_email":"${marker}@example.org"}`;
      const response = await postCertificateBody(body);

      assert.equal(response.status, 400, `${literal}: ${response.status} ${response.text}`);
      assertErrorShape(response, literal);
      if (response.json.error.code !== 'invalid_json') assert.equal(response.json.error.field, 'microcredential_id', literal);
      assert.equal(await certificateRowsWith(marker), 0, literal);
    }
  });

  test('SQL metacharacters stored literally', async () => {
    const names = [
      "Robert'); DROP TABLE certificates; --",
      'Ana\\\' OR \'1\'=\'1',
      '100% _wild_ card\\',
      'Back`tick` "double" \'single\'',
      '; SELECT SLEEP(5); --',
    ];
    for (const name of names) {
      const marker = randomToken(12);
      const response = await coordinatorClient.post('/api/v1/certificates', {
        microcredential_id: insulation.id,
        holder_name: name,
        holder_email: `o'hara+${marker}@example.org`,
      });

      assert.equal(response.status, 201, `${name}: ${response.text}`);
      assert.equal(response.json.holder_name, name);
      assert.equal(response.json.holder_email, `o'hara+${marker}@example.org`);
      const fetched = await coordinatorClient.get(`/api/v1/certificates/${response.json.id}`);
      assert.equal(fetched.json.holder_name, name);
      const hex = await sqlValue(`SELECT HEX(holder_name) FROM certificates WHERE id = ${sqlString(response.json.id)}`);
      assert.equal(hex, Buffer.from(name).toString('hex').toUpperCase());
    }
    assert.ok(Number(await sqlValue('SELECT COUNT(*) FROM certificates')) > 0, 'the certificates table is gone');
  });

  test('NUL in path is a JSON error', async () => {
    // nginx rejects a percent-encoded NUL in the path before the request reaches the backend.
    for (const path of ['/api/v1/verify/%00', '/api/v1/microcredentials/%00']) {
      const response = await rawRequest({ path });

      const label = `${path}: ${response.status} ${response.headers['content-type']} ${response.text.slice(0, 80)}`;
      assert.ok([400, 404].includes(response.status), label);
      assertErrorShape(response, label);
    }
  });

  test('private responses are not cached', async () => {
    const response = await coordinatorClient.get('/api/v1/me');

    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') || '', /no-store/);
  });

  test('HEAD on a GET route has no body', async () => {
    const response = await rawRequest({ method: 'HEAD', path: '/api/v1/microcredentials' });

    assert.equal(response.status, 200);
    assert.equal(response.text, '');
  });
});
