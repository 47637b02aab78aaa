// Steps under real sudo (Debian's package) over the real sshd, with the test bed's users: NOPASSWD, one that
// must type its password (right and wrong), one with no sudo rights; the password is seen by no process,
// output or log line; stop and cancel still end the root processes.
import assert from 'node:assert/strict';
import { LocalExecutor } from '../../src/ssh/local';
import { SshPool } from '../../src/ssh/pool';
import { sudoRefusal } from '../../src/ssh/sudo';
import type { ExecRequest, ExecResult } from '../../src/ssh/types';
import { processesRunning } from '../../src/testbed/processes';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { SUDO_TEST_PASSWORD, SUDO_USERS, TEST_USER, ensureSudoUsers, isRoot } from '../../src/testbed/users';
import { killLeftovers, leftovers, recordingPrompter, uniqueSleep } from './support';

const noPrompt = (r: ExecResult) => !/password|\[sudo\]/i.test(r.stdout.text + r.stderr.text);

describe('ssh: steps under sudo', function () {
  this.timeout(60000);
  if (!isRoot()) {
    it('needs root to create the sudo test users (run the tests as root)', () => assert.ok(!isRoot()));
    return;
  }
  let bed: TestSshd;
  let logLines: string[];
  const pools: SshPool[] = [];

  before(async () => {
    ensureSudoUsers();
    bed = await startTestSshd({ firstAddress: 50 });
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.closeAll()));
    await bed?.stop();
  });

  for (const persistentShell of [true, false]) {
    describe(`persistent shell ${persistentShell ? 'on' : 'off'}`, () => {
      let pool: SshPool;
      before(() => {
        logLines = [];
        pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 500, persistentShell, log: (l) => logLines.push(l) });
        pools.push(pool);
      });
      const run = (user: string, script: string, extra: Partial<ExecRequest> = {}) =>
        pool.executor(bed.hostConfig(bed.addresses[0]!, user)).exec({ script, timeoutMs: 10000, ...extra });

      it('NOPASSWD user: runs as root with sudo -n; exit codes, signals and streams as without sudo', async () => {
        const r = await run(SUDO_USERS.nopasswd, 'id -un; echo err >&2; cat; exit 3', { sudo: {} });
        assert.deepEqual([r.termination, r.exitCode, r.stdout.text, r.stderr.text], ['exit', 3, 'root\n', 'err\n']);
        const killed = await run(SUDO_USERS.nopasswd, 'kill -TERM $$', { sudo: {} });
        assert.deepEqual([killed.termination, killed.signal], ['signal', 'SIGTERM']);
        const without = await run(SUDO_USERS.nopasswd, 'id -un');
        assert.equal(without.stdout.text, `${SUDO_USERS.nopasswd}\n`);
      });

      it('password user without a password: an auth error that says a sudo password is needed', async () => {
        const r = await run(SUDO_USERS.password, 'id -un', { sudo: {} });
        assert.equal(r.termination, 'error');
        assert.equal(r.error?.kind, 'auth');
        assert.equal(sudoRefusal(r.error), 'password-needed');
        assert.match(r.error!.message, /sudo needs a password for runbook-sudopw on/);
        assert.equal(r.stdout.text + r.stderr.text, '');
      });

      it('password user with the right password: runs as root; no prompt, no password in output, processes or logs', async () => {
        const s = uniqueSleep();
        let seenInPs: string[] = [];
        const running = run(SUDO_USERS.password, `id -un; sleep 0.${s.replace('.', '')}; echo done >&2`, { sudo: { password: SUDO_TEST_PASSWORD } });
        const until = Date.now() + 1500;
        while (Date.now() < until) {
          seenInPs = seenInPs.concat(processesRunning(SUDO_TEST_PASSWORD).map((p) => p.args));
          await new Promise((r) => setTimeout(r, 20));
        }
        const r = await running;
        assert.deepEqual([r.termination, r.exitCode, r.stdout.text, r.stderr.text], ['exit', 0, 'root\n', 'done\n'], r.error?.message);
        assert.ok(noPrompt(r));
        assert.deepEqual(seenInPs, []);
        assert.ok(!logLines.some((l) => l.includes(SUDO_TEST_PASSWORD)));
        assert.ok(!bed.log().includes(SUDO_TEST_PASSWORD));
      });

      it('password user with a wrong password: an auth error saying it was not accepted', async () => {
        const r = await run(SUDO_USERS.password, 'id -un', { sudo: { password: 'not the password' } });
        assert.equal(r.error?.kind, 'auth');
        assert.equal(sudoRefusal(r.error), 'password-wrong');
        assert.match(r.error!.message, /sudo password for runbook-sudopw on .* was not accepted/);
        assert.ok(!r.error!.message.includes('not the password'));
      });

      it('user without sudo rights: a clear error naming the user (with a password); without one, sudo cannot tell yet', async () => {
        const r = await run(SUDO_USERS.none, 'id -un', { sudo: { password: SUDO_TEST_PASSWORD } });
        assert.equal(sudoRefusal(r.error), 'not-allowed');
        assert.match(r.error!.message, /runbook-nosudo on .* may not run commands with sudo \(sudo said: runbook-nosudo is not in the sudoers file/);
        const noLogin = await run(TEST_USER, 'id -un', { sudo: {} });
        assert.equal(sudoRefusal(noLogin.error), 'password-needed');
      });

      it('a root background job of a sudo step ends with the step', async () => {
        const s = uniqueSleep();
        try {
          const r = await run(SUDO_USERS.nopasswd, `sleep ${s} & echo started`, { sudo: {} });
          assert.equal(r.stdout.text, 'started\n');
          assert.deepEqual(await leftovers(`sleep ${s}`), []);
        } finally {
          killLeftovers(`sleep ${s}`);
        }
      });

      it('a 300 KB script goes through sudo on stdin (no argument limit)', async () => {
        const long = `x='${'b'.repeat(300_000)}'; echo \${#x} $(id -u)`;
        assert.equal((await run(SUDO_USERS.password, long, { sudo: { password: SUDO_TEST_PASSWORD } })).stdout.text, '300000 0\n');
      });

      for (const why of ['timeout', 'cancel'] as const) {
        it(`${why} of a sudo step ends its root processes too, also one that ignores TERM`, async () => {
          const s = uniqueSleep();
          const controller = new AbortController();
          try {
            const script = `sleep ${s} & sh -c "trap '' TERM; sleep ${s}" & sleep ${s}`;
            const running = run(SUDO_USERS.nopasswd, script, { sudo: {}, timeoutMs: why === 'timeout' ? 1500 : 60000, signal: controller.signal });
            await waitFor(() => processesRunning(`sleep ${s}`).length >= 3);
            if (why === 'cancel') controller.abort();
            const r = await running;
            assert.equal(r.termination, why === 'timeout' ? 'timeout' : 'cancelled');
            assert.deepEqual(await leftovers(`sleep ${s}`), []);
          } finally {
            killLeftovers(`sleep ${s}`);
          }
        });
      }
    });
  }

  it('the local executor runs a step under sudo the same way (as root: sudo -n)', async () => {
    const local = new LocalExecutor();
    const r = await local.exec({ script: 'id -u; cat', timeoutMs: 10000, sudo: {} });
    assert.deepEqual([r.termination, r.exitCode, r.stdout.text], ['exit', 0, '0\n']);
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
