// A full disk under the log folder, on a stack of its own (MIC_VAR/faults-disk, port MIC_PORT + 4).
// As root, where `mount -t tmpfs` works, the stack's log folder is a 4 MiB tmpfs that the test
// fills up and empties again. Otherwise mic-server's log file is /dev/full, where every write
// fails with ENOSPC. Either way verification keeps answering, each backend reports the failure
// once on its standard error with the file and errno, /api/v1/health and ./mic status show it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { faultStack, runByMic, waitFor } from '../lib/faultstack.mjs';

const execFileAsync = promisify(execFile);
const varDir = `${process.env.MIC_VAR}/faults-disk`;
const logDir = `${varDir}/log`;

/** Mounts a small tmpfs on the log folder; returns false when this process may not mount. */
async function mountTinyLogDisk() {
  if (process.getuid() !== 0) return false;
  await mkdir(logDir, { recursive: true });
  try {
    await execFileAsync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'mic-test-log', logDir]);
    return true;
  } catch {
    return false;
  }
}

async function unmountLogDisk() {
  await execFileAsync('umount', [logDir]).catch(() => {});
}

/** Writes zeros to a file in the log folder until the disk is full (ENOSPC). */
async function fillLogDisk(file) {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if (error.code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

async function stderrOf(instance) {
  return readFile(`${varDir}/run/backend-${instance}.stderr`, 'utf8').catch(() => '');
}

describe('full log disk', { skip: runByMic ? false : 'run through ./mic test' }, () => {
  let tmpfs = false;
  let stack;
  let certificateId;

  before(async () => {
    await unmountLogDisk();
    await rm(varDir, { recursive: true, force: true });
    tmpfs = await mountTinyLogDisk();
    stack = faultStack('faults-disk', tmpfs ? {} : { MIC_LOG_FILE: '/dev/full' });
    // start() deletes the state folder, which fails on a mount point, so the stack starts here.
    await stack.mic(['__start', ...stack.buildOptions]);
    const session = await stack.signInCoordinator();
    const issued = await stack.issue(session, await stack.publishedMicrocredentialId(), 'disk-full');
    assert.equal(issued.status, 201, issued.text);
    certificateId = issued.json.id;
  });

  after(async () => {
    await stack?.mic(['down']).catch(() => {});
    await unmountLogDisk();
    await rm(varDir, { recursive: true, force: true });
  });

  test('log disk full then freed', async (t) => {
    t.diagnostic(tmpfs ? 'log folder on a 4 MiB tmpfs, filled up' : 'log file /dev/full (no tmpfs mount)');
    const logFile = tmpfs ? `${logDir}/backend.log` : '/dev/full';
    if (tmpfs) await fillLogDisk(`${logDir}/filler`);

    // Every request writes a log line; nginx passes them to both instances in turn.
    for (let i = 0; i < 20; i++) {
      const result = await stack.timed(`/api/v1/verify/${certificateId}`);
      assert.equal(result.status, 200, `verification ${i} with a full log disk: ${result.status} ${result.text}`);
      assert.equal(result.json.status, 'valid');
    }
    for (const instance of [1, 2]) {
      const stderr = await stderrOf(instance);
      const failures = stderr.split('\n').filter((line) => line.includes('event=log_write_failed'));
      assert.equal(failures.length, 1, `backend ${instance} reported the failure ${failures.length} times: ${stderr}`);
      assert.match(failures[0], new RegExp(`file=${logFile.replace(/[/.]/g, '\\$&')} errno=28 `));
      assert.match(failures[0], /No space left on device/);
    }

    const health = await stack.timed('/api/v1/health');
    assert.equal(health.status, 200, health.text);
    assert.equal(health.json.status, 'degraded');
    assert.equal(health.json.log.status, 'failing');
    assert.equal(health.json.log.errno, 28);
    assert.ok(health.json.log.dropped_lines > 0, JSON.stringify(health.json.log));

    const status = await stack.mic(['status']);
    assert.match(status, /backend 1 warning: it cannot write its log file: .*errno=28/);
    assert.match(status, /backend 2 warning: it cannot write its log file: .*errno=28/);

    if (!tmpfs) return;
    // Once there is space again, the next line goes to the file and the recovery is reported.
    await rm(`${logDir}/filler`);
    await waitFor(async () => {
      await stack.timed(`/api/v1/verify/${certificateId}`);
      return (await stderrOf(1)).includes('event=log_write_recovered') && (await stderrOf(2)).includes('event=log_write_recovered');
    }, 15, 'both backends reporting that writing the log works again');
    const recovered = await stack.timed('/api/v1/health');
    assert.equal(recovered.json.status, 'ok', recovered.text);
    assert.match(await readFile(`${logDir}/backend.log`, 'utf8'), /event=log_write_recovered .*errno=28 .*dropped_lines=[1-9]/);
    assert.doesNotMatch(await stack.mic(['status']), /cannot write its log file/);
  });
});
