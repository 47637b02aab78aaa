// A step's own `hosts=` overrides the run's target for that step, over real SSH; an unknown name
// in it stops the run before anything runs, naming the file and line.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];

function runbook(override: string): string {
  return `---
title: Step hosts
---

\`\`\`sh {id=where}
set -- $SSH_CONNECTION; echo "server=$3"
\`\`\`

\`\`\`sh {id=elsewhere hosts=${override}}
set -- $SSH_CONNECTION; echo "server=$3"
\`\`\`
`;
}

describe('a step with its own hosts=', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let dir: string;
  let config: string;

  before(async () => {
    sshd = await startTestSshd({ addresses: 2, firstAddress: 46 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-step-hosts-'));
    config = path.join(dir, 'ssh_config');
    const user = sshd.users.test ?? sshd.users.current;
    fs.writeFileSync(config, fs.readFileSync(sshd.sshConfigPath, 'utf8').replace(/^\s*User .*$/gm, `  User ${user}`));
  });
  after(async () => {
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (file: string) =>
    spawnSync(process.execPath, [...CLI, 'run', file, '-F', config, '--host', 'testbed-1'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('runs that step on its own host and the others on the target', () => {
    const file = path.join(dir, 'ok.runbook.md');
    fs.writeFileSync(file, runbook('testbed-2'));
    const result = run(file);
    assert.equal(result.status, 0, result.stderr);
    const servers = [...result.stdout.matchAll(/server=(\S+)/g)].map((m) => m[1]);
    assert.deepEqual(servers, [sshd.addresses[0], sshd.addresses[1]]);
  });

  it('stops before running anything when a name in hosts= is unknown', () => {
    const file = path.join(dir, 'typo.runbook.md');
    fs.writeFileSync(file, runbook('testbed-9'));
    const result = run(file);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /typo\.runbook\.md:9: step "elsewhere" has hosts=testbed-9/);
    assert.doesNotMatch(result.stdout, /server=/);
  });
});
