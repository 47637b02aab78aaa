// A step marked `sudo` through the pipeline, over a real sshd with real sudo (Debian's package): the
// NOPASSWD user runs it as root without a question; the password user is asked once through the
// prompter, and the password is in no record, journal or output file.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExecutors } from '../../src/engine/executors';
import { startIncident } from '../../src/engine/incident';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import type { RunPrompter } from '../../src/pipeline/prompts';
import { readRunbookFile } from '../../src/pipeline/load';
import { createRedactor } from '../../src/redact/redactor';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { SUDO_TEST_PASSWORD, SUDO_USERS, ensureSudoUsers, isRoot } from '../../src/testbed/users';

const RUNBOOK = `# As root

\`\`\`sh {id=whoami sudo}
id -u
\`\`\`

\`\`\`check
parse: numbers
options: { names: [uid] }
findings:
  - when: uid == 0
    severity: info
    message: "ran as root"
next: end
\`\`\`
`;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('pipeline: sudo steps', function () {
  if (!isRoot()) {
    it('needs root to create the sudo test users (run the tests as root)', () => assert.ok(!isRoot()));
    return;
  }
  let sshd: TestSshd;
  let dir: string;
  let config: string;

  before(async function () {
    ensureSudoUsers();
    sshd = await startTestSshd({ firstAddress: 143 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-sudo-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'root.runbook.md'), RUNBOOK);
    // Two aliases of the same sshd, one per sudo user.
    config = path.join(dir, 'ssh_config');
    const base = fs.readFileSync(sshd.sshConfigPath, 'utf8').split('\n').slice(1).join('\n');
    fs.writeFileSync(
      config,
      [`Host nopw\n${base.replace(/User \S+/, `User ${SUDO_USERS.nopasswd}`)}`, `Host withpw\n${base.replace(/User \S+/, `User ${SUDO_USERS.password}`)}`].join(
        '\n',
      ),
    );
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function runAs(host: string, answer: string | undefined) {
    const { recordPath } = startIncident(path.join(dir, 'runbooks', 'root.runbook.md'), { folder: path.join(dir, 'incidents'), title: host });
    const asked: string[] = [];
    const prompter: RunPrompter = {
      askSecret: async (q) => (asked.push(q), answer),
      confirm: async () => false,
      askParameter: async () => undefined,
      confirmStep: async () => undefined,
    };
    const executors = createExecutors({ prompter });
    const run = await openIncidentRun({
      runbook: readRunbookFile(recordPath),
      recordPath,
      targetNames: [host],
      targetOptions: { sshConfigPath: config, trustConfig: true },
      given: {},
      prompter,
      executors,
      redactor: createRedactor(),
    });
    try {
      const [step] = (await run.steps(run.runbook.steps)).runs;
      return { hostRun: step.hostRuns[0], asked, recordPath };
    } finally {
      run.close();
      await executors.closeAll();
    }
  }

  it('NOPASSWD: runs as root and asks nothing', async () => {
    const { hostRun, asked } = await runAs('nopw', undefined);
    assert.equal(hostRun.result.stdout.text, '0\n', hostRun.result.error?.message);
    assert.deepEqual(asked, []);
  });

  it('with a password: asks once through the prompter, runs as root, and the password is in no file', async () => {
    const { hostRun, asked, recordPath } = await runAs('withpw', SUDO_TEST_PASSWORD);
    assert.equal(hostRun.result.stdout.text, '0\n', hostRun.result.error?.message);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /sudo password for runbook-sudopw on withpw/);
    for (const file of walk(path.dirname(recordPath)))
      assert.ok(!fs.readFileSync(file, 'utf8').includes(SUDO_TEST_PASSWORD), `${file} holds the sudo password`);
  });

  it('a wrong password is asked again, then the step is reported refused, not run', async () => {
    const { hostRun, asked } = await runAs('withpw', 'not the password');
    assert.equal(asked.length, 2, asked.join(' | '));
    assert.match(asked[1], /^Wrong password\./);
    assert.notEqual(hostRun.result.termination, 'exit');
    assert.match(hostRun.result.error?.message ?? '', /was not accepted/);
  });
});
