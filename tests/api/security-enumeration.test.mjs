// Certificate ids cannot be enumerated: nginx limits verification lookups per client address
// (limit_req on /api/v1/verify/ and /v/, 20 requests per second with a burst of 40). An existing
// id is served neither measurably slower nor faster than an unknown one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { before, describe, test } from 'node:test';

import { freshLoopbackAddress, requestFrom } from '../lib/loopback.mjs';
import {
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  signedInClient,
} from '../lib/stack.mjs';

const BURST = 40;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Returns a well-formed certificate id that is almost surely not issued. */
function randomId() {
  let id = '';
  for (const byte of randomBytes(20)) id += CROCKFORD[byte & 31];
  return id;
}

/** Sends `count` lookups from address at once and returns their responses. */
async function burstFrom(address, pathOf, count) {
  const requests = [];
  for (let i = 0; i < count; i++) requests.push(requestFrom(address, { path: pathOf(i) }));
  return Promise.all(requests);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Times one GET over a kept-alive connection, in milliseconds. */
function timedGet(agent, path) {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const request = http.get({ host: url.hostname, port: url.port, path, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    request.on('error', reject);
  });
}

describe('verification id enumeration', () => {
  let existing;

  before(async () => {
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    existing = [];
    for (let i = 0; i < 5; i++) {
      existing.push((await issueCertificate(coordinator, { microcredential_id: microcredential.id })).id);
    }
  });

  for (const prefix of ['/api/v1/verify/', '/v/']) {
    test(`lookups limited per address ${prefix}`, async () => {
      const address = freshLoopbackAddress();
      const responses = await burstFrom(address, () => `${prefix}${randomId()}`, BURST * 2 + 20);
      const statuses = responses.map((response) => response.status);
      const limited = responses.filter((response) => response.status === 429);

      assert.ok(limited.length >= BURST / 2, `only ${limited.length} of ${statuses.length} lookups were limited`);
      assert.deepEqual([...new Set(statuses)].sort(), [404, 429]);
      for (const response of limited) {
        assert.equal(response.headers['retry-after'], '1');
        assert.match(response.headers['content-security-policy'] || '', /frame-ancestors/);
      }
      if (prefix.startsWith('/api/')) assert.equal(limited[0].json?.error?.code, 'too_many_requests');

      // Over the limit, existing ids get the same 429 as unknown ones. The bucket refills one
      // request every 50 ms, so a few of these may still pass.
      const known = await burstFrom(address, (i) => `${prefix}${existing[i % existing.length]}`, 10);
      const knownLimited = known.filter((response) => response.status === 429).length;
      assert.ok(knownLimited >= 5, `only ${knownLimited} of 10 lookups of existing ids past the limit got 429`);
      // Other addresses are not affected.
      const elsewhere = await requestFrom(freshLoopbackAddress(), { path: `${prefix}${existing[0]}` });
      assert.equal(elsewhere.status, 200);
    });
  }

  test('existing and unknown ids take alike', async (t) => {
    // From 127.0.0.1, which the local configuration leaves unlimited, over one kept-alive
    // connection. Existing and unknown ids alternate, so drift in load affects both alike.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const found = [];
    const unknown = [];
    try {
      for (let i = 0; i < 20; i++) await timedGet(agent, `/api/v1/verify/${randomId()}`);
      for (let i = 0; i < 300; i++) {
        const hit = await timedGet(agent, `/api/v1/verify/${existing[i % existing.length]}`);
        const miss = await timedGet(agent, `/api/v1/verify/${randomId()}`);
        assert.equal(hit.status, 200);
        assert.equal(miss.status, 404);
        found.push(hit.ms);
        unknown.push(miss.ms);
      }
    } finally {
      agent.destroy();
    }
    const difference = Math.abs(median(found) - median(unknown));
    t.diagnostic(`median existing ${median(found).toFixed(3)} ms, unknown ${median(unknown).toFixed(3)} ms`);

    // NOTE: the tolerance is an estimate from runs on a shared 2-core machine, where one
    // loopback lookup takes about 1 ms. A difference this small would need far more samples than
    // the rate limit above lets one address send.
    assert.ok(
      difference < 0.5,
      `median of existing ids ${median(found).toFixed(3)} ms, of unknown ids ${median(unknown).toFixed(3)} ms`,
    );
  });
});
