// Faults, on a stack of their own (state folder MIC_VAR/faults, port MIC_PORT + 4) so the other
// tests never see them. The stack runs two mic-server instances. One killed with SIGKILL during
// load is restarted by its supervisor in ./mic, nginx sends the GET requests it failed to the
// other instance, and no write leaves a partial certificate. While MariaDB is down, requests fail
// fast with 503 and Retry-After, and they succeed again once it is back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { alive, faultStack, runByMic, waitFor } from '../lib/faultstack.mjs';

const stack = faultStack('faults');

/** Lists the results that are not the expected status, with their request ids for backend.log. */
function unexpected(results, status) {
  return results.filter((result) => result.status !== status)
    .map((result) => `${result.label}: ${result.status} req=${result.requestId} ${result.error || ''}`.trim());
}

/**
 * Checks that every certificate the results name exists once, and that no certificate exists
 * without its signed credential and certificate_issued audit entry, or the reverse.
 */
async function assertNoPartialCertificate(results) {
  for (const result of results.filter((candidate) => candidate.id)) {
    assert.equal((await stack.sql(`SELECT COUNT(*) FROM certificates WHERE id = '${result.id}'`))[0][0], '1');
  }
  const unsigned = await stack.sql("SELECT COUNT(*) FROM certificates WHERE holder_name LIKE 'Fault %' AND credential IS NULL");
  assert.equal(unsigned[0][0], '0', 'a certificate has no signed credential');
  const orphans = await stack.sql(
    "SELECT COUNT(*) FROM certificates c LEFT JOIN audit_log a ON a.object_type = 'certificate' AND a.object_id = c.id AND a.action = 'certificate_issued' WHERE a.id IS NULL",
  );
  assert.equal(orphans[0][0], '0', 'a certificate has no certificate_issued audit entry');
  const dangling = await stack.sql(
    "SELECT COUNT(*) FROM audit_log a LEFT JOIN certificates c ON c.id = a.object_id WHERE a.action = 'certificate_issued' AND c.id IS NULL",
  );
  assert.equal(dangling[0][0], '0', 'an audit entry names a certificate that does not exist');
}

/** Kills instance N of the fault stack and waits until its supervisor has started a new one. */
async function killAndAwaitRestart(instance) {
  const killed = await stack.readPid(`backend-${instance}-server`);
  process.kill(killed, 'SIGKILL');
  await waitFor(async () => {
    const pid = await stack.readPid(`backend-${instance}-server`).catch(() => 0);
    return pid && pid !== killed && alive(pid);
  }, 15, `a new mic-server for backend ${instance}`);
  return killed;
}

describe('faults', { skip: runByMic ? false : 'run through ./mic test' }, () => {
  let session;
  let microcredentialId;

  before(async () => {
    await stack.start();
    session = await stack.signInCoordinator();
    microcredentialId = await stack.publishedMicrocredentialId();
  });

  after(async () => {
    await stack.stop();
  });

  test('backend killed during issuing', async (t) => {
    const results = [];
    let stop = false;
    const workers = [];
    for (let worker = 0; worker < 6; worker++) {
      workers.push((async () => {
        for (let i = 0; !stop; i++) {
          const result = await stack.issue(session, microcredentialId, `kill-${worker}-${i}`);
          results.push({ ...result, label: `POST kill-${worker}-${i}`, id: result.status === 201 ? result.json?.id : undefined });
        }
      })());
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await killAndAwaitRestart(1);
    await waitFor(async () => (await stack.timed('/api/v1/health')).status === 200, 15, 'the backends answering');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop = true;
    await Promise.all(workers);

    const failed = results.filter((result) => result.status !== 201);
    t.diagnostic(`${results.length} issue requests, ${failed.length} failed while mic-server restarted: ${unexpected(results, 201).join('; ')}`);
    assert.ok(results.some((result) => result.status === 201), 'no certificate was issued at all');
    assert.deepEqual(failed.filter((result) => result.status === 0).map((result) => result.label), [], 'requests hung or got no answer');
    // A write in flight in the killed instance gets 502, because nginx does not resend it. Any
    // other status, a 500 above all, is a fault of the server.
    assert.deepEqual(failed.filter((result) => ![502, 503, 504].includes(result.status))
      .map((result) => `${result.status} req=${result.requestId}`), []);
    await assertNoPartialCertificate(results);
  });

  test('GET load survives one backend killed', async (t) => {
    const certificate = await stack.issue(session, microcredentialId, 'failover-target');
    assert.equal(certificate.status, 201, certificate.text);
    const reads = [];
    const writes = [];
    let stop = false;
    const readPaths = [`/api/v1/verify/${certificate.json.id}`, '/api/v1/microcredentials'];
    const workers = [];
    for (let worker = 0; worker < 6; worker++) {
      workers.push((async () => {
        for (let i = 0; !stop; i++) {
          const requestPath = readPaths[(worker + i) % readPaths.length];
          reads.push({ ...(await stack.timed(requestPath)), label: `GET ${requestPath}` });
        }
      })());
    }
    // One issuing client beside the readers, so that a POST is in flight when the backend dies.
    workers.push((async () => {
      for (let i = 0; !stop; i++) {
        const marker = `failover-write-${i}`;
        const result = await stack.issue(session, microcredentialId, marker);
        writes.push({ ...result, marker, label: `POST ${marker}`, id: result.status === 201 ? result.json?.id : undefined });
      }
    })());

    await new Promise((resolve) => setTimeout(resolve, 1000));
    await killAndAwaitRestart(2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await killAndAwaitRestart(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(workers);

    t.diagnostic(`${reads.length} GET requests, ${writes.length} POST requests; failed POSTs: ${unexpected(writes, 201).join('; ') || 'none'}`);
    assert.ok(reads.length > 50, `only ${reads.length} GET requests ran`);
    assert.deepEqual(unexpected(reads, 200), [], 'a GET failed although the other backend was running');

    // A POST that failed either never reached a backend or was rolled back with the process:
    // either way no certificate carries its marker. A POST that reached the commit is whole.
    for (const write of writes.filter((result) => result.status !== 201)) {
      assert.ok([502, 503, 504].includes(write.status), `${write.label}: ${write.status} req=${write.requestId}`);
      const rows = await stack.sql(`SELECT id FROM certificates WHERE holder_email = '${write.marker}@example.org'`);
      for (const [id] of rows) {
        const audit = await stack.sql(`SELECT COUNT(*) FROM audit_log WHERE object_id = '${id}' AND action = 'certificate_issued'`);
        assert.equal(audit[0][0], '1', `${write.label} left certificate ${id} without its audit entry`);
      }
    }
    await assertNoPartialCertificate(writes);
  });

  test('MariaDB down then back', async () => {
    const certificate = await stack.issue(session, microcredentialId, 'before-restart');
    assert.equal(certificate.status, 201);
    const mariadb = await stack.readPid('mysqld');
    process.kill(mariadb, 'SIGTERM');
    await waitFor(() => !alive(mariadb), 30, 'MariaDB stopping');

    for (const requestPath of [`/api/v1/verify/${certificate.json.id}`, '/api/v1/microcredentials', '/api/v1/health']) {
      const result = await stack.timed(requestPath);
      assert.equal(result.status, 503, `${requestPath}: ${JSON.stringify(result)}`);
      assert.ok(Number(result.retryAfter) > 0, `${requestPath}: Retry-After is ${result.retryAfter}`);
      assert.notEqual(result.json, null, `${requestPath}: the 503 has no JSON body`);
      assert.ok(result.ms < 5000, `${requestPath} took ${result.ms} ms to fail`);
    }
    const signedIn = await stack.timed('/api/v1/me', { headers: { Cookie: session.cookie } });
    assert.equal(signedIn.status, 503, JSON.stringify(signedIn));

    await stack.mic(['__start', ...stack.buildOptions]);
    await waitFor(async () => (await stack.timed(`/api/v1/verify/${certificate.json.id}`)).status === 200, 15, 'verification after the restart');
    const me = await stack.timed('/api/v1/me', { headers: { Cookie: session.cookie } });
    assert.equal(me.status, 200, 'the session did not survive the MariaDB restart');
  });
});
