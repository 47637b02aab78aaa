// A host change on a group through the pipeline (CLI in-process, real sshd, three hosts): a canary
// first, then batches, each batch in the journal; a failing canary stops the rest; a group larger
// than max-hosts is refused before anything is asked or run.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, type RunOptions } from '../../src/cli/run';
import { startIncident } from '../../src/engine/incident';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

async function cli(file: string, options: RunOptions): Promise<{ code: number; out: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  process.stdout.write = process.stderr.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
  try {
    return { code: await runCommand(file, options), out };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

describe('pipeline: rollout of a host change on a group', function () {
  let sshd: TestSshd;
  let dir: string;
  let inventory: string;

  before(async function () {
    sshd = await startTestSshd({ addresses: 3, firstAddress: 144 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-rollout-'));
    fs.chmodSync(dir, 0o777);
    fs.mkdirSync(path.join(dir, 'runbooks'));
    inventory = path.join(dir, 'inventory.yaml');
    const user = sshd.users.test ? `, user: ${sshd.users.test}` : '';
    fs.writeFileSync(
      inventory,
      `hosts:\n  a: { ssh: testbed-1${user} }\n  b: { ssh: testbed-2${user} }\n  c: { ssh: testbed-3${user} }\ngroups:\n  abc: [a, b, c]\n`,
    );
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const runbook = (attributes: string, failOn: string) => `# Change

\`\`\`sh {id=change confirm ${attributes}}
set -- $SSH_CONNECTION; touch ${dir}/changed-$3; [ "$3" != "${failOn}" ]
\`\`\`
`;
  const changed = () =>
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('changed-'))
      .sort();

  it('runs the canary first and stops when it fails: the other hosts are not touched; each batch is journaled', async () => {
    const template = path.join(dir, 'runbooks', 'canary.runbook.md');
    fs.writeFileSync(template, runbook('canary=1 batch=1 max-failures=0', sshd.addresses[0]));
    const { recordPath } = startIncident(template, { folder: path.join(dir, 'incidents'), title: 'canary' });
    const { out } = await cli(recordPath, { group: 'abc', step: ['change'], yes: true, inventory, sshConfig: sshd.sshConfigPath });
    assert.match(out, /Rollout: .*canary/i, 'the confirmation shows the plan');
    assert.deepEqual(changed(), [`changed-${sshd.addresses[0]}`], 'only the canary ran');
    const journal = fs.readFileSync(recordPath.replace(/\.runbook\.md$/, '.journal.jsonl'), 'utf8');
    assert.match(journal, /"change: canary 1: ok -; failed a"/);
    assert.match(journal, /rollout stopped: the canary failed on 1 of 1 hosts; not run on b, c/);
  });

  it('refuses a group larger than max-hosts before anything runs', async () => {
    for (const f of changed()) fs.rmSync(path.join(dir, f));
    const file = path.join(dir, 'runbooks', 'cap.runbook.md');
    fs.writeFileSync(file, runbook('max-hosts=2', 'none'));
    const { code, out } = await cli(file, { group: 'abc', step: ['change'], yes: true, inventory, sshConfig: sshd.sshConfigPath });
    assert.equal(code, 2, out);
    assert.match(out, /max-hosts/);
    assert.deepEqual(changed(), [], 'nothing ran');
  });
});
