// Public verification: GET /api/v1/verify/{id} and the server-rendered page GET /v/{id}.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  ALLIANCE_NAME,
  Client,
  INSULATION_TITLE,
  baseUrl,
  brusselsDay,
  createUser,
  decodeHtmlEntities,
  demoMicrocredential,
  issueCertificate,
  rawRequest,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
  uniqueEmail,
} from '../lib/stack.mjs';

const anonymous = new Client();

/** Extracts the content of every <meta property="og:..."> tag of an HTML page, by property. */
function openGraphTags(html) {
  const tags = {};
  for (const match of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = match[0];
    const property = /\bproperty\s*=\s*"(og:[^"]+)"/i.exec(tag);
    const content = /\bcontent\s*=\s*"([^"]*)"/i.exec(tag);
    if (property && content) tags[property[1]] = decodeHtmlEntities(content[1]);
  }
  return tags;
}

/** Returns the markup inside <div id="app">, up to the first <script> after it. */
function appMarkup(html) {
  const start = html.search(/<div\b[^>]*\bid\s*=\s*"app"[^>]*>/i);
  assert.ok(start >= 0, 'the page has no <div id="app">');
  const rest = html.slice(start);
  const end = rest.search(/<script\b/i);
  return end < 0 ? rest : rest.slice(0, end);
}

/** "2026-12-04" in the form the page writes it: "4 December 2026". */
function longDate(day) {
  const [year, month, date] = day.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, date));
}

/** Converts HTML markup to its text: tags removed, entities decoded, white space collapsed. */
function textOf(markup) {
  return decodeHtmlEntities(markup.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/* Clears the signature check that issuing remembered, so that the next view checks again. */
async function forgetSignatureCheck(id) {
  await sql(`UPDATE certificates SET checked_sha256 = NULL, checked_valid = NULL, checked_detail = NULL` +
    ` WHERE id = ${sqlString(id)}`);
}

describe('verify', () => {
  let insulation;
  let coordinatorClient;

  before(async () => {
    insulation = await demoMicrocredential(INSULATION_TITLE);
    coordinatorClient = await signedInClient(await createUser({ role: 'coordinator' }));
  });

  async function issue(fields = {}) {
    return issueCertificate(coordinatorClient, { microcredential_id: insulation.id, ...fields });
  }

  describe('api', () => {
    test('valid certificate', async () => {
      const email = uniqueEmail('verify');
      const c = await issue({ holder_name: 'Maria Verified Santos', holder_email: email });
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);

      assert.equal(response.status, 200, response.text);
      const v = response.json;
      assert.equal(v.status, 'valid');
      assert.equal(v.id, c.id);
      assert.equal(v.verify_url, `${baseUrl}/v/${c.id}`);
      assert.equal(v.holder.name, 'Maria Verified Santos');
      assert.equal(v.microcredential.title, INSULATION_TITLE);
      assert.equal(v.microcredential.eqf_level, 3);
      assert.equal(v.microcredential.workload_hours, 40);
      assert.equal(v.microcredential.learning_outcomes.length, 6);
      assert.match(v.microcredential.learning_outcomes[0].statement, /^Compare mineral wool/);
      assert.equal(v.issuer.name, ALLIANCE_NAME);
      assert.equal(v.promoting_organisation.name, 'Fundación Laboral de la Construcción');
      assert.equal(v.promoting_organisation.country, 'ES');
      assert.equal(v.issued_at, c.issued_at);
      assert.equal(v.issued_on, brusselsDay(v.issued_at));
      assert.equal(v.valid_until, null);
      assert.equal(v.revoked_at, null);
      assert.equal(v.revoked_on, null);
      assert.equal(v.revocation_reason, null);
    });

    test('verify never shows holder e-mail', async () => {
      const email = uniqueEmail('private');
      const c = await issue({ holder_email: email });
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);

      assert.equal(response.status, 200);
      assert.equal(response.text.includes(email), false);
      assert.equal(response.text.includes(email.split('@')[0]), false);
      assert.equal(Object.hasOwn(response.json, 'holder_email'), false);
      assert.equal(Object.hasOwn(response.json.holder, 'email'), false);
      assert.equal(Object.hasOwn(response.json, 'issued_by'), false);
    });

    test('verify works signed in too', async () => {
      const c = await issue();
      const response = await coordinatorClient.get(`/api/v1/verify/${c.id}`);

      assert.equal(response.status, 200);
      assert.equal(response.json.status, 'valid');
      assert.equal(response.text.includes(c.holder_email), false);
    });

    test('revoked certificate', async () => {
      const c = await issue();
      const reason = 'Assessment evidence withdrawn by the promoting organisation';
      const revoked = await coordinatorClient.post(`/api/v1/certificates/${c.id}/revoke`, { reason });
      assert.equal(revoked.status, 200, revoked.text);

      const response = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.status, 'revoked');
      assert.equal(response.json.revoked_at, revoked.json.revoked_at);
      assert.equal(response.json.revoked_on, brusselsDay(revoked.json.revoked_at));
      assert.equal(response.json.revocation_reason, reason);
      assert.equal(response.json.holder.name, c.holder_name);
    });

    test('long revocation reason stays whole', async () => {
      const c = await issue({ holder_name: '山田花子' });
      // 1000 characters of four bytes each in UTF-8: the longest reason that the API accepts.
      const reason = '\u{2000B}'.repeat(1000);
      const revoked = await coordinatorClient.post(`/api/v1/certificates/${c.id}/revoke`, { reason });
      assert.equal(revoked.status, 200, revoked.text);
      const expected = `Revoked on ${longDate(revoked.json.revoked_on)}. Reason: ${reason}`;

      // Without the check that issuing remembered, the first view checks the signature (slow
      // path) and the second reads the remembered result.
      await forgetSignatureCheck(c.id);
      for (const view of ['first', 'second']) {
        const response = await anonymous.get(`/api/v1/verify/${c.id}`);
        assert.equal(response.status, 200, `${view} view: ${response.status}`);
        assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(response.bytes),
          `${view} view is not valid UTF-8`);
        const revocation = JSON.parse(response.text).checks.find((check) => check.check === 'revocation');
        assert.equal(revocation?.result, 'failed', `${view} view: ${JSON.stringify(revocation)}`);
        assert.equal(revocation.message, expected, `${view} view`);
      }
      const page = await anonymous.get(`/v/${c.id}`);
      const check = /<li[^>]*data-check="revocation"[^>]*>(.*?)<\/li>/.exec(appMarkup(page.text));
      assert.ok(check, 'the page has no revocation check');
      assert.equal(textOf(check[1]).trim(), `Failed: ${expected}`);
    });

    test('long signature detail stays whole', async () => {
      const c = await issue();
      // A remembered check whose detail fills VARCHAR(255) with three-byte characters (765 bytes),
      // more than the 512 bytes the backend keeps: the cut must fall between characters.
      await anonymous.get(`/api/v1/verify/${c.id}`);
      await sql(`UPDATE certificates SET checked_sha256 = credential_sha256, checked_valid = 1,
        checked_detail = REPEAT('€', 255) WHERE id = ${sqlString(c.id)}`);

      const response = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(response.status, 200, response.text);
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(response.bytes),
        'the reply is not valid UTF-8');
      const signature = JSON.parse(response.text).checks.find((check) => check.check === 'signature');
      assert.equal(signature?.result, 'passed', JSON.stringify(signature));
      assert.match(signature.message, /^€+\.$/u);
      // 511 bytes hold 170 whole characters of three bytes.
      assert.equal([...signature.message].length, 171);

      const page = await anonymous.get(`/v/${c.id}`);
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(page.bytes),
        'the page is not valid UTF-8');
      const check = /<li[^>]*data-check="signature"[^>]*>(.*?)<\/li>/.exec(appMarkup(page.text));
      assert.ok(check, 'the page has no signature check');
      assert.equal(textOf(check[1]).trim(), `Passed: ${signature.message}`);
    });

    test('issuing remembers the signature check', async () => {
      const c = await issue();
      const row = `SELECT CONCAT(checked_sha256 = credential_sha256, ':', checked_valid) FROM certificates` +
        ` WHERE id = ${sqlString(c.id)}`;
      assert.equal(await sqlValue(row), '1:1');

      const response = await anonymous.get(`/api/v1/verify/${c.id}`);
      const signature = response.json.checks.find((check) => check.check === 'signature');
      assert.equal(signature.result, 'passed');
      assert.equal(signature.message,
        'The signature is valid and was made by a key of the alliance valid at issue time.');

      // A changed text no longer matches the remembered hash, so it is checked again and fails.
      await sql(`UPDATE certificates SET credential = REPLACE(credential, ${sqlString(c.id)},` +
        ` ${sqlString(c.id.replace(/.$/, (last) => (last === '0' ? '1' : '0')))}) WHERE id = ${sqlString(c.id)}`);
      const tampered = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(tampered.json.status, 'invalid', JSON.stringify(tampered.json.checks));
    });

    test('expired certificate', async () => {
      const c = await issue({ valid_until: '2099-01-01T00:00:00Z' });
      await sql(`UPDATE certificates SET valid_until = UTC_TIMESTAMP(6) - INTERVAL 1 DAY WHERE id = ${sqlString(c.id)}`);
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);

      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.status, 'expired');
      assert.notEqual(response.json.valid_until, null);
      assert.ok(Date.parse(response.json.valid_until) < Date.now());
      assert.equal(response.json.valid_until_on, brusselsDay(response.json.valid_until));
      assert.equal(response.json.revoked_at, null);

      const detail = await coordinatorClient.get(`/api/v1/certificates/${c.id}`);
      assert.equal(detail.json.status, 'expired');
    });

    test('not yet expired is valid', async () => {
      const c = await issue({ valid_until: '2099-01-01T00:00:00Z' });
      await sql(`UPDATE certificates SET valid_until = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR WHERE id = ${sqlString(c.id)}`);
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);

      assert.equal(response.json.status, 'valid');
    });

    test('unknown and malformed ids are 404', async () => {
      const c = await issue();
      const ids = [
        'zzzzzzzzzzzzzzzzzzzz',
        '00000000000000000000',
        c.id.slice(0, 19),
        `${c.id}a`,
        c.id.toUpperCase(),
        // i, l, o and u are not in the Crockford alphabet.
        `${c.id.slice(0, 19)}u`,
        'abc',
        '..%2F..%2Fapi%2Fv1%2Fme',
        '..%2Fcertificates',
        `${c.id.slice(0, 17)}..%2F`,
        '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        '%27%20OR%20%271%27%3D%271',
        '%E2%82%AC%E2%82%AC%E2%82%AC%E2%82%AC%E2%82%AC%E2%82%AC%E2%82%AC',
        '%2520%2520',
        '%2e%2e',
        '%ff%fe',
        '%c0%af',
      ];
      for (const id of ids) {
        const response = await rawRequest({ path: `/api/v1/verify/${id}` });

        assert.equal(response.status, 404, `${id}: ${response.text}`);
        assert.equal(response.json?.status, 'not_found', `${id}: ${response.text}`);
        assert.equal(response.json.error.code, 'not_found', id);
      }
    });

    test('dot segments never reach another route', async () => {
      for (const path of ['/api/v1/verify/../me', '/api/v1/verify/../microcredentials', '/api/v1/verify/./x/..']) {
        const response = await rawRequest({ path });

        assert.equal(response.status, 404, `${path}: ${response.status} ${response.text}`);
      }
    });
  });

  describe('page', () => {
    test('valid page is server-rendered', async () => {
      const email = uniqueEmail('page');
      const c = await issue({ holder_name: 'Zoë Nuñez-Ștefănescu', holder_email: email });
      const response = await anonymous.get(`/v/${c.id}`);

      assert.equal(response.status, 200, response.text.slice(0, 300));
      assert.match(response.headers.get('content-type'), /^text\/html/);
      const app = appMarkup(response.text);
      assert.match(app, /data-status="valid"/);
      const text = textOf(app);
      assert.match(text, /\bValid\b/);
      assert.ok(text.includes('Zoë Nuñez-Ștefănescu'), text);
      assert.ok(text.includes(INSULATION_TITLE), text);
      assert.ok(text.includes(ALLIANCE_NAME), text);
      assert.equal(response.text.includes(email), false);
    });

    test('page writes long dates', async () => {
      const c = await issue({ valid_until: '2099-01-05T12:00:00Z' });
      const text = textOf(appMarkup((await anonymous.get(`/v/${c.id}`)).text));

      assert.ok(text.includes(`Issue date ${longDate(c.issued_on)}`), text);
      assert.ok(text.includes(`Valid until ${longDate(c.valid_until_on)}`), text);
      assert.doesNotMatch(text, /\b\d{4}-\d{2}-\d{2}\b/, 'the page still shows an ISO date');
    });

    test('page names the country', async () => {
      const c = await issue();
      const organisation = c.microcredential.promoting_organisation;
      const countryName = await sqlValue(`SELECT name FROM countries WHERE code = ${sqlString(organisation.country)}`);
      const text = textOf(appMarkup((await anonymous.get(`/v/${c.id}`)).text));

      assert.ok(countryName, `no country has the code ${organisation.country}`);
      assert.ok(text.includes(`Promoted by ${organisation.name}, ${countryName}`), text);
      assert.equal(text.includes(`(${organisation.country})`), false, text);
    });

    test('page shows the certificate id', async () => {
      const c = await issue();
      const app = appMarkup((await anonymous.get(`/v/${c.id}`)).text);

      assert.ok(textOf(app).includes(`Certificate ID ${c.id}`), textOf(app));
      assert.doesNotMatch(app, /\sstyle\s*=/i, 'the markup has a style attribute');
      assert.doesNotMatch(app, /<script\b/i, 'the markup has an inline script');
    });

    test('page escapes the holder name', async () => {
      const name = 'O\'Brien "Danny" <b>bold</b> <script>alert(1)</script>';
      const c = await issue({ holder_name: name });
      const response = await anonymous.get(`/v/${c.id}`);

      assert.equal(response.status, 200);
      assert.equal(response.text.includes('<b>bold</b>'), false, 'the name is in the page unescaped');
      assert.equal(response.text.includes('<script>alert(1)</script>'), false, 'the name is in the page unescaped');
      assert.ok(textOf(appMarkup(response.text)).includes(name));
    });

    test('page Open Graph tags', async () => {
      const c = await issue({ holder_name: 'Open Graph Holder' });
      const response = await anonymous.get(`/v/${c.id}`);
      const tags = openGraphTags(response.text);

      assert.ok(tags['og:title'], `no og:title in ${JSON.stringify(tags)}`);
      const summary = `${tags['og:title']} ${tags['og:description'] || ''}`;
      assert.match(summary, /\bvalid\b/i);
      assert.ok(summary.includes(INSULATION_TITLE), summary);
      if (tags['og:url']) assert.equal(tags['og:url'], c.verify_url);
    });

    test('revoked page', async () => {
      const c = await issue({ holder_name: 'Revoked Page Holder' });
      const reason = 'Issued by mistake & replaced';
      const revoked = await coordinatorClient.post(`/api/v1/certificates/${c.id}/revoke`, { reason });
      const response = await anonymous.get(`/v/${c.id}`);

      assert.equal(response.status, 200);
      const app = appMarkup(response.text);
      assert.match(app, /data-status="revoked"/);
      const text = textOf(app);
      assert.match(text, /\bRevoked\b/);
      assert.ok(text.includes(reason), text);
      assert.ok(text.includes(`Revoked on ${longDate(revoked.json.revoked_on)}.`), text);
      assert.ok(text.includes('Revoked Page Holder'), text);
      assert.match(`${openGraphTags(response.text)['og:title']}`, /revoked/i);
    });

    test('expired page', async () => {
      const c = await issue({ valid_until: '2099-01-01T00:00:00Z' });
      await sql(`UPDATE certificates SET valid_until = UTC_TIMESTAMP(6) - INTERVAL 1 DAY WHERE id = ${sqlString(c.id)}`);
      const response = await anonymous.get(`/v/${c.id}`);

      assert.equal(response.status, 200);
      const app = appMarkup(response.text);
      assert.match(app, /data-status="expired"/);
      assert.match(textOf(app), /\bExpired\b/);
    });

    test('unknown page is 404', async () => {
      for (const id of ['zzzzzzzzzzzzzzzzzzzz', 'abc', 'ZZZZZZZZZZZZZZZZZZZZ', '%3Cb%3E', '%ff%fe']) {
        const response = await rawRequest({ path: `/v/${id}` });

        const label = `/v/${id}: ${response.status} ${response.headers['content-type']} ${response.text.slice(0, 120)}`;
        assert.equal(response.status, 404, label);
        assert.match(response.headers['content-type'], /^text\/html/, label);
        const app = appMarkup(response.text);
        assert.match(app, /data-status="not_found"/, `/v/${id}`);
        assert.match(textOf(app), /\bNot found\b/i, `/v/${id}`);
        assert.equal(response.text.includes('<b>'), false, `/v/${id} reflects the id unescaped`);
      }
    });

    test('slow and fast views are identical', async () => {
      // A revoked certificate with a non-Latin holder name and HTML metacharacters in the reason.
      const holder = 'Δημήτρης Παπαδόπουλος بن علي 王小明';
      const revoked = await issue({ holder_name: holder });
      const reason = 'Copied <b>answers</b> & "forged" signature, l\'évaluateur';
      const revocation = await coordinatorClient.post(`/api/v1/certificates/${revoked.id}/revoke`, { reason });
      assert.equal(revocation.status, 200, revocation.text);
      // A certificate whose snapshot writes statements and the organisation name with JSON escapes,
      // which the fast path decodes itself.
      const escaped = await issue({ holder_name: 'فاطمة الزهراء' });
      const outcomes = String.raw`[{"statement": "Caf\u00e9 \"quoted\" back\\slash \/ solidus"},
        {"statement": "Emoji \ud83d\ude00 and <tag> & \u4e2d\u6587"}, {"statement": ""}]`;
      const organisation = String.raw`{"id": 2, "name": "\u00c9cole \"Q\" & <Co> \ud83c\udfe0", "country": "ES"}`;
      await sql(
        `UPDATE certificates SET snapshot = JSON_SET(snapshot, '$.learning_outcomes', JSON_EXTRACT(${sqlString(outcomes)}, '$'),` +
          ` '$.promoting_organisation', JSON_EXTRACT(${sqlString(organisation)}, '$')) WHERE id = ${sqlString(escaped.id)}`,
      );

      const pages = {};
      for (const c of [revoked, escaped]) {
        await forgetSignatureCheck(c.id);
        const remembered = `SELECT checked_sha256 IS NOT NULL FROM certificates WHERE id = ${sqlString(c.id)}`;
        assert.equal(await sqlValue(remembered), '0', 'the signature check is remembered before the first view');
        const first = await anonymous.get(`/v/${c.id}`);
        assert.equal(await sqlValue(remembered), '1', 'the first view did not remember the signature check');
        const second = await anonymous.get(`/v/${c.id}`);

        assert.equal(first.status, 200);
        assert.equal(second.status, 200);
        assert.equal(second.text, first.text);
        assert.ok(second.bytes.equals(first.bytes), 'the two views differ in their bytes');
        pages[c.id] = first.text;
      }

      const revokedApp = appMarkup(pages[revoked.id]);
      assert.ok(textOf(revokedApp).includes(`Awarded to ${holder}`), textOf(revokedApp));
      assert.ok(revokedApp.includes('Copied &lt;b&gt;answers&lt;/b&gt; &amp; &quot;forged&quot; signature'), revokedApp);
      assert.equal(revokedApp.includes('<b>answers</b>'), false, 'the reason is in the page unescaped');
      const escapedText = textOf(appMarkup(pages[escaped.id]));
      assert.ok(escapedText.includes('Café "quoted" back\\slash / solidus'), escapedText);
      assert.ok(escapedText.includes('Emoji \u{1F600} and <tag> & 中文'), escapedText);
      assert.ok(escapedText.includes('Promoted by École "Q" & <Co> \u{1F3E0}, Spain'), escapedText);
      assert.equal((appMarkup(pages[escaped.id]).match(/<li>/g) || []).length, 3, 'the page does not list three outcomes');
    });

    test('page keeps the SPA scripts', async () => {
      const c = await issue();
      const response = await anonymous.get(`/v/${c.id}`);

      assert.match(response.text, /<script\b[^>]*\bsrc="\/assets\/[^"]+\.js"/);
    });
  });

  // Both fast paths read certificate_verifications and certificate_public_parts (migration 200),
  // which triggers on certificates keep. These tests change certificates by hand, as an operator
  // or a replicated statement might, and read the result through the API.
  describe('verification rows', () => {
    const rowOf = async (id) => {
      const rows = await sql(`SELECT parts_sha256, parts_copy, holder_name, has_credential, IFNULL(signature_valid, 'NULL')` +
        ` FROM certificate_verifications WHERE id = ${sqlString(id)}`);
      assert.equal(rows.length, 1, `certificate ${id} has ${rows.length} verification rows`);
      const [parts, copy, holder, hasCredential, signatureValid] = rows[0];
      return { parts, copy, holder, hasCredential, signatureValid };
    };

    test('one micro-credential shares public parts', async () => {
      const first = await issue({ holder_name: 'Ana Primera' });
      const second = await issue({ holder_name: 'Ana Segunda' });
      const a = await rowOf(first.id);
      const b = await rowOf(second.id);

      assert.match(a.parts, /^[0-9a-f]{64}$/);
      assert.equal(b.parts, a.parts);
      assert.equal(b.copy, a.copy);
      assert.equal(a.holder, 'Ana Primera');
      assert.equal(b.holder, 'Ana Segunda');
      assert.equal(a.hasCredential, '1');
      assert.equal(a.signatureValid, '1', 'issuing did not carry its signature check into the row');
      const title = await sqlValue(`SELECT title FROM certificate_public_parts` +
        ` WHERE sha256 = ${sqlString(a.parts)} AND copy = ${sqlString(a.copy)}`);
      assert.equal(title, INSULATION_TITLE);
    });

    test('hand edits reach verification at once', async () => {
      const c = await issue({ holder_name: 'Before Change' });
      await sql(`UPDATE certificates SET holder_name = 'Ζωή After Change', valid_until = '2020-01-31 12:00:00'` +
        ` WHERE id = ${sqlString(c.id)}`);
      const changed = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.json.status, 'expired');
      assert.equal(changed.json.holder.name, 'Ζωή After Change');
      assert.equal(changed.json.valid_until_on, '2020-01-31');

      // A new title in the snapshot makes new public parts; the old ones stay for the others.
      const before = await rowOf(c.id);
      await sql(`UPDATE certificates SET snapshot = JSON_SET(snapshot, '$.title', 'Título cambiado à la main')` +
        ` WHERE id = ${sqlString(c.id)}`);
      const after = await rowOf(c.id);
      assert.notEqual(after.parts, before.parts);
      const retitled = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(retitled.json.microcredential.title, 'Título cambiado à la main');
      const page = await anonymous.get(`/v/${c.id}`);
      assert.ok(page.text.includes('Título cambiado à la main'), 'the page shows the old title');
      const other = await issue();
      assert.equal((await anonymous.get(`/api/v1/verify/${other.id}`)).json.microcredential.title, INSULATION_TITLE);

      // A changed credential text no longer matches the remembered check: the next view checks it.
      await sql(`UPDATE certificates SET credential = REPLACE(credential, 'Before Change', 'Forged Name')` +
        ` WHERE id = ${sqlString(c.id)}`);
      assert.equal((await rowOf(c.id)).signatureValid, 'NULL');
      const forged = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(forged.json.status, 'invalid', forged.text);

      await sql(`DELETE FROM certificates WHERE id = ${sqlString(c.id)}`);
      assert.equal((await sql(`SELECT id FROM certificate_verifications WHERE id = ${sqlString(c.id)}`)).length, 0);
      assert.equal((await anonymous.get(`/api/v1/verify/${c.id}`)).status, 404);
      assert.equal((await anonymous.get(`/v/${c.id}`)).status, 404);
    });

    test('NUL escape in a snapshot', async () => {
      // The API rejects \u0000 in request bodies, but MariaDB's JSON functions accept it in a row
      // edited by hand. Both paths return 200 and keep the title up to the NUL character.
      const c = await issue();
      await sql(`UPDATE certificates SET snapshot = REPLACE(snapshot, '"title":"Installing thermal',` +
        ` '"title":"Installing\\\\u0000thermal') WHERE id = ${sqlString(c.id)}`);
      const nulAt = `SELECT LOCATE(CHAR(0), JSON_VALUE(snapshot, '$.title')) FROM certificates WHERE id = ${sqlString(c.id)}`;
      assert.equal(await sqlValue(nulAt), '11', 'the snapshot title has no NUL character after "Installing"');
      for (const path of ['fast', 'slow']) {
        if (path === 'slow') await forgetSignatureCheck(c.id);
        const json = await anonymous.get(`/api/v1/verify/${c.id}`);
        assert.equal(json.status, 200, `${path}: ${json.text}`);
        assert.equal(json.json.microcredential.title, `Installing\u0000thermal insulation in timber-frame walls`);
        if (path === 'slow') await forgetSignatureCheck(c.id);
        const page = await anonymous.get(`/v/${c.id}`);
        assert.equal(page.status, 200, path);
        assert.match(page.text, /<h1 class="verify__title"[^>]*>Installing<\/h1>/);
      }
    });

    test('new parts never wait for others', async () => {
      // Another transaction writes the same new content and keeps it uncommitted, as a bulk job of
      // a new version does. This change must not wait for it, and keeps a copy of its own.
      const blocker = await issue();
      const c = await issue();
      const title = `Lock test ${c.id}`;
      const retitle = (id) => `UPDATE certificates SET snapshot = JSON_SET(snapshot, '$.title', ${sqlString(title)})` +
        ` WHERE id = ${sqlString(id)}`;
      const holding = sql(`BEGIN; ${retitle(blocker.id)}; DO SLEEP(4); ROLLBACK;`);
      // Waits until the other transaction has made its change and sleeps with it uncommitted.
      const sleeping = `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE info = 'DO SLEEP(4)'`;
      for (let tries = 0; (await sqlValue(sleeping)) === '0'; tries++) {
        assert.ok(tries < 60, 'the other transaction never started');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = Date.now();
      await sql(retitle(c.id));
      const waited = Date.now() - started;
      await holding;

      assert.ok(waited < 2500, `the change waited ${waited} ms for the other transaction`);
      const row = await rowOf(c.id);
      assert.equal(row.copy, c.id);
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.microcredential.title, title);
      const rolledBack = await anonymous.get(`/api/v1/verify/${blocker.id}`);
      assert.equal(rolledBack.json.microcredential.title, INSULATION_TITLE);
      // The next certificate with this content shares the committed copy.
      const d = await issue();
      await sql(retitle(d.id));
      assert.equal((await rowOf(d.id)).copy, c.id);
    });

    test('missing parts written again', async () => {
      // Public parts that are gone, as after a changed verify_* expression, come back at the
      // certificate's next update, so its row never keeps pointing at nothing.
      const c = await issue();
      const title = `Parts test ${c.id}`;
      await sql(`UPDATE certificates SET snapshot = JSON_SET(snapshot, '$.title', ${sqlString(title)})` +
        ` WHERE id = ${sqlString(c.id)}`);
      const before = await rowOf(c.id);
      assert.equal(before.copy, c.id);
      await sql(`DELETE FROM certificate_public_parts WHERE sha256 = ${sqlString(before.parts)}`);
      assert.equal((await anonymous.get(`/api/v1/verify/${c.id}`)).status, 404);

      const revoked = await coordinatorClient.post(`/api/v1/certificates/${c.id}/revoke`, { reason: 'Parts test' });
      assert.equal(revoked.status, 200, revoked.text);
      const after = await rowOf(c.id);
      assert.equal(after.parts, before.parts);
      const response = await anonymous.get(`/api/v1/verify/${c.id}`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.status, 'revoked');
      assert.equal(response.json.microcredential.title, title);
    });
  });
});
