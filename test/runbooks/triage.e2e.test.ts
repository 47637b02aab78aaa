// The field suite for triage: `runbook run runbooks/triage.runbook.md --auto` over SSH to a real
// sshd on loopback, as root and as the unprivileged runbook-test user, against every lab fault
// (the matching root cause must end CONFIRMED by its read-only confirming step) and every
// look-alike control (no critical, no suspected cause, no warning left standing). Assertions are on
// what the user reads: the summary lines of the contract and the exit code (0 ok, 3 inconclusive,
// 4 critical).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startScenario, type RunningFault } from '../../src/lab';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { ensureSudoUsers } from '../../src/testbed/users';
import { assertConfirmed, assertQuiet, runAuto, shown, verdict, writeSshConfig } from './cli';

const isRoot = process.getuid?.() === 0;
// Addresses of our own, apart from the lab's tests (.31-.40), the sshd test bed (.2...) and the
// specific runbooks' suite (.100-.119). TIME_WAIT outlives a fault by 60 s: one address per case.
const SSHD_ADDRESS = 60;
const users = isRoot ? (['lab', 'lab-root'] as const) : (['lab'] as const);

describe('field suite: triage --auto on lab faults and look-alikes (over SSH)', function () {
  this.timeout(300_000);
  let sshd: TestSshd;
  let dir: string;
  let sshConfig: string;
  let fault: RunningFault | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-triage-'));
    sshd = await startTestSshd({ firstAddress: SSHD_ADDRESS });
    sshConfig = writeSshConfig(sshd, dir, isRoot ? ensureSudoUsers() : undefined);
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
    (fault = await startScenario(name, { address: `127.0.0.${n}`, clientAddress: `127.0.0.${n + 100}`, otherClientAddress: `127.0.0.${n + 160}`, basePort: 0 }));
  const triage = async (host: string, vars: Record<string, string | number>) => verdict(await runAuto('triage', host, sshConfig, vars), host);

  it('time-wait: confirms TIME_WAIT churn (the server closes first, hundreds a second)', async () => {
    const f = await start('time-wait', 61);
    for (const host of users) {
      const v = await triage(host, { port: f.details.port });
      assertConfirmed(v, /closes first.*one connection per request/);
      assert.ok(
        v.criticals.some((c) => new RegExp(`^this server closes first, about \\d+ connections a second on port ${f.details.port} \\(\\d+ of the last 3 s with 127\\.0\\.0\\.161\\)`).test(c)),
        shown(v),
      );
    }
  });

  it('close-wait: confirms the leak across samples and names the owner (as root)', async () => {
    const f = await start('close-wait', 62);
    for (const host of users) {
      const v = await triage(host, { port: f.details.port });
      assertConfirmed(v, new RegExp(`^40 connections on port ${f.details.port} (in|stayed in) CLOSE_WAIT`));
      const owner = host === 'lab-root' ? `node \\(pid ${f.details.serverPid}\\)` : 'a process runbook-test cannot see \\(run as root to name it\\)';
      assert.ok(
        v.criticals.some((c) => new RegExp(`stayed in CLOSE_WAIT for 3 s, held by ${owner}; 40 of them from 127\\.0\\.0\\.162`).test(c)),
        shown(v),
      );
    }
  });

  it('open-files: confirms the process at its nofile limit, found by port as root and by pid as runbook-test', async () => {
    const f = await start('open-files', 63);
    const pid = f.details.serverPid;
    const byPid = await triage('lab', { port: f.details.port, pid });
    assertConfirmed(byPid, /accept queue of port \d+ is full|is at its open-files limit/);
    assert.ok(byPid.criticals.some((c) => new RegExp(`^perl \\(pid ${pid}\\) is at its open-files limit: 6\\d (connections|file descriptors)`).test(c)), shown(byPid));
    if (isRoot) {
      const byPort = await triage('lab-root', { port: f.details.port });
      assertConfirmed(byPort, /accept queue of port \d+ is full|is at its open-files limit/);
      assert.ok(byPort.criticals.some((c) => new RegExp(`^perl \\(pid ${pid}\\) is at its open-files limit: 64 file descriptors open against a limit of 64`).test(c)), shown(byPort));
      // Another user's process cannot be found by port: inconclusive with the way out, never "healthy".
      const blind = await triage('lab', { port: f.details.port });
      assert.equal(blind.status, 3, shown(blind));
      assert.deepEqual(blind.rootCauses, [], shown(blind));
      assert.match(blind.all, /no process listening on port \d+ is visible to runbook-test: pass pid=PID, or run as root/);
    }
  });

  if (isRoot) {
    it('conn-cap: confirms the cap by a capture as root and as a sudoer; as runbook-test it stays suspected, with the sudo hint', async () => {
      const f = await start('conn-cap', 64);
      const root = await triage('lab-root', { port: f.details.port });
      assertConfirmed(root, /^127\.0\.0\.164 keeps the same 8 connections open.*a per-client connection cap|right after the handshake/);
      assert.ok(root.criticals.some((c) => /^the server closed \d+ of \d+ connections from 127\.0\.0\.164 right after the handshake, before any data/.test(c)), shown(root));
      const user = await triage('lab', { port: f.details.port });
      assert.equal(user.rootCauses.length, 0, shown(user));
      assert.equal(user.suspected.length, 1, shown(user));
      assert.match(user.suspected[0], /^127\.0\.0\.164 keeps the same 8 connections open/);
      assert.match(user.all, /sudo/);
      assert.equal(user.status, 3, shown(user));
      // An unprivileged login allowed to sudo: the capture runs through `sudo -n` and confirms the cap.
      const sudoer = await triage('lab-sudo', { port: f.details.port });
      assertConfirmed(sudoer, /^127\.0\.0\.164 keeps the same 8 connections open.*a per-client connection cap|right after the handshake/);
      assert.ok(sudoer.criticals.some((c) => /^the server closed \d+ of \d+ connections from 127\.0\.0\.164 right after the handshake, before any data/.test(c)), shown(sudoer));
    });

    it('conn-cap with another served client: counts per client and names the capped one (as root and as a sudoer)', async () => {
      const f = await start('conn-cap-served', 65);
      const v = await triage('lab-root', { port: f.details.port });
      assertConfirmed(v, /^127\.0\.0\.165 keeps the same 8 connections open while the server closed \d+ new ones from it within 3 s \(1 other clients hold 3\)|right after the handshake/);
      assert.doesNotMatch(v.all, /from 127\.0\.0\.225 right after/);
      const sudoer = await triage('lab-sudo', { port: f.details.port });
      assertConfirmed(sudoer, /^127\.0\.0\.165 keeps the same 8 connections open.*\(1 other clients hold 3\)|right after the handshake/);
    });

    it('half-open (namespaces): confirms client connections the server no longer has (root); inconclusive as runbook-test', async () => {
      fault = await startScenario('half-open');
      const d = fault.details;
      const v = await triage('lab-root', { port: d.port, netns: d.clientNamespace, peer_netns: d.serverNamespace });
      assertConfirmed(v, /have no keepalive, and the server may no longer have them|^half-open/);
      assert.ok(
        v.criticals.includes(
          `half-open: this host has ${d.connections} ESTABLISHED connections to port ${d.port}, the server has 0 of them; ${d.connections} of them have no keepalive, so the client never finds out`,
        ),
        shown(v),
      );
      // An unprivileged login cannot enter the namespaces: inconclusive with the reason, never "healthy".
      const user = await triage('lab', { port: d.port, netns: d.clientNamespace, peer_netns: d.serverNamespace });
      assert.equal(user.status, 3, shown(user));
      assert.deepEqual([user.rootCauses, user.criticals], [[], []], shown(user));
      assert.ok(user.inconclusive.length > 0, `no inconclusive line:\n${shown(user)}`);
      assert.doesNotMatch(user.all, /ruled out|nothing listens on port/);
    });
  }

  for (const [control, n] of [
    ['healthy', 66],
    ['busy-server', 67],
    ['idle-client', 68],
    ['old-overflows', 69],
  ] as const) {
    it(`${control} (control): no critical, no suspected cause, exit 0`, async () => {
      const f = await start(control, n);
      for (const host of users) assertQuiet(await triage(host, { port: f.details.port }));
    });
  }

  it('a failed command (a namespace that does not exist): inconclusive with the reason, exit 3, no verdict', async () => {
    const f = await start('healthy', 70);
    for (const host of users) {
      const v = await triage(host, { port: f.details.port, netns: 'rblab-no-such-namespace' });
      assert.equal(v.status, 3, shown(v));
      assert.ok(v.inconclusive.length > 0, `no inconclusive line:\n${shown(v)}`);
      assert.match(v.all, /server-sockets/);
      assert.match(v.all, /Cannot open network namespace|exit (code )?(1|255)/);
      assert.deepEqual([v.rootCauses, v.criticals], [[], []], shown(v));
      assert.doesNotMatch(v.all, /nothing listens on port/);
      assert.doesNotMatch(v.all, /ruled out/);
    }
  });
});
