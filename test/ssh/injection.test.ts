// Values substituted into a step stay one literal argument whatever the user's login shell is:
// proven by printing them back over a real sshd, with a canary file that must never appear.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { buildStepScript } from '../../src/ssh/script';
import { SshPool } from '../../src/ssh/pool';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { ensureTestUser, installedShells, isRoot, loginShellOf } from '../../src/testbed/users';
import { recordingPrompter } from './support';

describe('ssh: substituted values stay literal over a real sshd', function () {
  this.timeout(60000);
  let bed: TestSshd;
  const canary = `/tmp/runbook-pwned-${process.pid}`;
  const values = [
    `x; touch ${canary}`,
    `a\ntouch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    '${IFS}cat${IFS}/etc/passwd',
    '-rf',
    `it's "quoted" \\ and 'single'`,
    `| touch ${canary} & ! ~ * ?`,
    'é€🙂 and \r carriage',
    'x'.repeat(10 * 1024) + `'; touch ${canary}; '`,
  ];

  before(async () => {
    bed = await startTestSshd();
  });
  after(async () => {
    rmSync(canary, { force: true });
    if (isRoot()) ensureTestUser('/bin/bash');
    await bed?.stop();
  });

  // As root we switch the test user's login shell; otherwise we can only test our own shell.
  const shells = isRoot() ? installedShells() : [loginShellOf(process.env.USER ?? '') ?? 'current'];
  for (const shell of shells) {
    it(`printf '%s' {{v}} returns every value byte for byte (login shell ${shell})`, async () => {
      const user = isRoot() ? ensureTestUser(shell) : bed.users.current;
      const pool = new SshPool({ prompter: recordingPrompter() });
      try {
        const ex = pool.executor(bed.hostConfig(bed.addresses[0]!, user));
        const login = await ex.exec({ script: 'getent passwd "$(id -un)" | cut -d: -f7', timeoutMs: 10000 });
        if (isRoot()) assert.equal(login.stdout.text, `${shell}\n`, login.error?.message);
        for (const v of values) {
          const r = await ex.exec({ script: buildStepScript("printf '%s' {{v}}", { v }), timeoutMs: 10000 });
          assert.equal(r.termination, 'exit', r.error?.message);
          assert.equal(r.exitCode, 0, r.stderr.text);
          assert.equal(r.stdout.text, v);
        }
        assert.equal(existsSync(canary), false, 'the canary file was created: a value was executed');
      } finally {
        await pool.closeAll();
      }
    });
  }
});
