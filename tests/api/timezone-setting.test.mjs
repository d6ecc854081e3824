// MIC_TIMEZONE, the alliance's time zone, decides the calendar day of every *_on field and of the
// dates on /v/{id}. One certificate is read on a stack of its own under Pacific/Auckland and then,
// after a restart, under the default Europe/Brussels. Its issue instant is 13:00 in Brussels but
// already the next day in Auckland (tests/lib/shifted-stack.mjs starts the stack's clock there).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ShiftedStack } from '../lib/shifted-stack.mjs';
import { INSULATION_TITLE, sqlString } from '../lib/stack.mjs';

// Brussels 13:00 on 31 December 2026 (CET); Auckland 01:00 on 1 January 2027 (NZDT, UTC+13).
const ISSUED_AT = '2026-12-31T12:00:00Z';
// Brussels 14:30 on 30 June 2027 (CEST); Auckland 00:30 on 1 July 2027 (NZST, UTC+12).
const VALID_UNTIL = '2027-06-30T12:30:00Z';

describe('alliance time zone setting', { timeout: 300000 }, () => {
  const stack = new ShiftedStack('timezone-setting', { timezone: 'Pacific/Auckland' });
  let certificate;

  /** Reads the certificate's days from the public API and the server-rendered page. */
  async function daysShown() {
    const verification = await (await fetch(`${stack.baseUrl}/api/v1/verify/${certificate.id}`)).json();
    const page = await (await fetch(`${stack.baseUrl}/v/${certificate.id}`)).text();
    const fact = (label) => new RegExp(`<dt>${label}</dt><dd>([^<]*)</dd>`).exec(page)?.[1];
    return {
      issuedOn: verification.issued_on,
      validUntilOn: verification.valid_until_on,
      pageIssueDate: fact('Issue date'),
      pageValidUntil: fact('Valid until'),
    };
  }

  before(async () => {
    await stack.up(ISSUED_AT);
    const session = await stack.session(await stack.demoAccount('coordinator'));
    const [[microcredentialId]] = await stack.sql(`SELECT id FROM microcredentials WHERE title = ${sqlString(INSULATION_TITLE)}`);
    const response = await session('POST', '/api/v1/certificates', {
      microcredential_id: Number(microcredentialId),
      holder_name: 'Aroha Ngata',
      holder_email: 'aroha.ngata@example.org',
      valid_until: VALID_UNTIL,
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    certificate = response.body;
  });

  after(async () => {
    await stack.down();
  });

  test('Auckland days under Pacific/Auckland', async () => {
    assert.equal(certificate.issued_on, '2027-01-01');
    assert.equal(certificate.valid_until_on, '2027-07-01');
    const shown = await daysShown();
    assert.equal(shown.issuedOn, '2027-01-01');
    assert.equal(shown.validUntilOn, '2027-07-01');
    assert.equal(shown.pageIssueDate, '1 January 2027');
    assert.equal(shown.pageValidUntil, '1 July 2027');
  });

  test('Brussels days after restart with default', async () => {
    await stack.down();
    stack.timezone = undefined;
    // Ten minutes after the issue, so that the clock of the reused database goes forward.
    await stack.up('2026-12-31T12:10:00Z');
    const shown = await daysShown();
    assert.equal(shown.issuedOn, '2026-12-31');
    assert.equal(shown.validUntilOn, '2027-06-30');
    assert.equal(shown.pageIssueDate, '31 December 2026');
    assert.equal(shown.pageValidUntil, '30 June 2027');
  });
});
