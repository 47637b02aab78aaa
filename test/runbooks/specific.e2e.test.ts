// The field suite for the specific runbooks: each one, run with `--auto` over SSH on the lab fault it
// is written for, must agree with triage (the same cause, confirmed by its own read-only step, and
// it stops before any step that changes the host); on the look-alike controls it must find nothing
// to act on. As root, and as the unprivileged runbook-test user where privilege changes the answer.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startScenario, type RunningFault } from '../../src/lab';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { assertConfirmed, assertQuiet, runAuto, shown, verdict, writeSshConfig, type Verdict } from './cli';

const isRoot = process.getuid?.() === 0;
// Server addresses .81-.95 (clients +100, second clients +150), sshd on .97.
const SSHD_ADDRESS = 97;
const users = isRoot ? (['lab', 'lab-root'] as const) : (['lab'] as const);

/** Stopped at the confirmed cause or before the fix, never past a step that changes the host. */
function assertNoChange(v: Verdict, fix: string): void {
  assert.ok(!v.path.split(' → ').includes(fix), `ran ${fix}:\n${shown(v)}`);
}

describe('field suite: the specific runbooks agree with triage (over SSH)', function () {
  this.timeout(300_000);
  let sshd: TestSshd;
  let dir: string;
  let sshConfig: string;
  let fault: RunningFault | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-specific-'));
    sshd = await startTestSshd({ firstAddress: SSHD_ADDRESS });
    sshConfig = writeSshConfig(sshd, dir);
  });
  after(async () => {
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await fault?.stop();
    fault = undefined;
  });

  const start = async (name: string, n: number) =>
    (fault = await startScenario(name, { address: `127.0.0.${n}`, clientAddress: `127.0.0.${n + 100}`, otherClientAddress: `127.0.0.${n + 150}`, basePort: 0 }));
  const run = async (runbook: string, host: string, vars: Record<string, string | number>) => verdict(await runAuto(runbook, host, sshConfig, vars), host);

  it('time-wait runbook on the time-wait fault: TIME_WAIT churn confirmed', async () => {
    const f = await start('time-wait', 81);
    for (const host of users) {
      const v = await run('time-wait', host, { port: f.details.port });
      assertConfirmed(v, /closes first.*one connection per request/);
      assertNoChange(v, 'enable-tw-reuse');
    }
  });

  it('time-wait runbook on busy-server: a normal rate, nothing to act on', async () => {
    const busy = await start('busy-server', 82);
    for (const host of users) assertQuiet(await run('time-wait', host, { port: busy.details.port }));
  });

  it('close-wait runbook on the close-wait fault: the leak confirmed over 5 s, stopped before the restart', async () => {
    const f = await start('close-wait', 83);
    for (const host of users) {
      const v = await run('close-wait', host, { port: f.details.port });
      assertConfirmed(v, new RegExp(`^40 connections on port ${f.details.port} (in|stayed in) CLOSE_WAIT`));
      assertNoChange(v, 'restart-service');
    }
  });

  it('close-wait runbook on healthy: nothing to act on', async () => {
    const ok = await start('healthy', 84);
    for (const host of users) assertQuiet(await run('close-wait', host, { port: ok.details.port }));
  });

  it('open-files runbook on the open-files fault: at its limit (by pid as runbook-test, by port as root)', async () => {
    const f = await start('open-files', 85);
    const byPid = await run('open-files', 'lab', { port: f.details.port, pid: f.details.serverPid });
    assertConfirmed(byPid, /accept queue of port \d+ is full|is at its open-files limit/);
    assertNoChange(byPid, 'raise-limit');
    if (isRoot) {
      const byPort = await run('open-files', 'lab-root', { port: f.details.port });
      assertConfirmed(byPort, /accept queue of port \d+ is full|is at its open-files limit/);
      assert.ok(byPort.criticals.some((c) => c.includes(`perl (pid ${f.details.serverPid}) is at its open-files limit: 64 file descriptors open against a limit of 64`)), shown(byPort));
    }
  });

  it('open-files runbook on old-overflows: the service found and healthy, the old counter not a finding', async () => {
    const old = await start('old-overflows', 86);
    // As runbook-test the root-owned server is found by pid, as root by port.
    assertQuiet(await run('open-files', 'lab', { port: old.details.port, pid: old.details.serverPid }));
    if (isRoot) assertQuiet(await run('open-files', 'lab-root', { port: old.details.port }));
  });

  if (isRoot) {
    it("conn-cap runbook on conn-cap: confirmed by the server's log; on conn-cap-served: by the capture", async () => {
      const f = await start('conn-cap', 87);
      const byLog = await run('conn-cap', 'lab-root', { port: f.details.port, server_log: f.details.serverLog });
      assertConfirmed(byLog, /^127\.0\.0\.187 keeps the same 8 connections open|connection cap/);
      assert.ok(byLog.criticals.some((c) => c.startsWith('the server logs its connection cap (') && c.includes('cap 8)')), shown(byLog));
      assertNoChange(byLog, 'raise-cap');
      await f.stop();
      const served = await start('conn-cap-served', 88);
      const byCapture = await run('conn-cap', 'lab-root', { port: served.details.port });
      assertConfirmed(byCapture, /^127\.0\.0\.188 keeps the same 8 connections open .*\(1 other clients hold 3\)|connection cap/);
      assert.ok(byCapture.criticals.some((c) => /^the server closed \d+ of \d+ connections from 127\.0\.0\.188 right after the handshake/.test(c)), shown(byCapture));
    });

    it('conn-cap runbook on busy-server: no client held and refused, no cap', async () => {
      const busy = await start('busy-server', 89);
      for (const host of users) assertQuiet(await run('conn-cap', host, { port: busy.details.port }));
    });

    it('half-open runbook inside the namespaces: confirmed', async () => {
      fault = await startScenario('half-open');
      const d = fault.details;
      const v = await run('half-open', 'lab-root', { port: d.port, netns: d.clientNamespace, peer_netns: d.serverNamespace });
      assertConfirmed(v, /have no keepalive, and the server may no longer have them|^half-open/);
      assertNoChange(v, 'lower-keepalive-time');
    });

    it('half-open runbook on idle-client: the suspicion refuted by the server side', async () => {
      const idle = await start('idle-client', 90);
      for (const host of users) {
        const quiet = await run('half-open', host, { port: idle.details.port });
        assertQuiet(quiet);
        assert.ok(quiet.refuted.some((r) => /half-open/.test(r)), shown(quiet));
      }
    });
  }

  it('conntrack runbook on this host (table far from full): no finding to act on, never the raise step', async () => {
    for (const host of users) {
      const v = await run('conntrack', host, {});
      assertQuiet(v);
      assertNoChange(v, 'raise-conntrack-max');
      assert.doesNotMatch(v.all, /Raise nf_conntrack_max now/);
    }
  });
});
