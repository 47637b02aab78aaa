// A host change run by hand on a group (a cell, `--step`), after a probe whose finding on one host led
// to it: the pipeline suggests only that host, says what was found there, and the step runs only
// where the answer says (real sshd, three loopback hosts, a record with the probe's saved outputs).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExecutors } from '../../src/engine/executors';
import { startIncident } from '../../src/engine/incident';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import { fileRecordWriter, readRunbookFile } from '../../src/pipeline/load';
import type { RunPrompter, StepConfirmQuestion } from '../../src/pipeline/prompts';
import { createRedactor } from '../../src/redact/redactor';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

describe('pipeline: a host change run by hand suggests the hosts whose finding led to it', function () {
  let sshd: TestSshd;
  let dir: string;
  let inventory: string;

  before(async function () {
    sshd = await startTestSshd({ addresses: 3, firstAddress: 147 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-suggested-'));
    fs.chmodSync(dir, 0o777);
    fs.mkdirSync(path.join(dir, 'runbooks'));
    inventory = path.join(dir, 'inventory.yaml');
    const user = sshd.users.test ? `, user: ${sshd.users.test}` : '';
    fs.writeFileSync(
      inventory,
      `hosts:\n  a: { ssh: testbed-1${user} }\n  b: { ssh: testbed-2${user} }\n  c: { ssh: testbed-3${user} }\ngroups:\n  abc: [a, b, c]\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'runbooks', 'queue.runbook.md'),
      `# Queue

\`\`\`sh {id=probe}
set -- $SSH_CONNECTION; if [ "$3" = "${sshd.addresses[1]}" ]; then echo 95 100; else echo 10 100; fi
\`\`\`

\`\`\`check
parse: numbers
options: { names: [depth, max] }
findings:
  - when: depth >= max * 0.9
    severity: critical
    message: "queue {{depth}}/{{max}}"
    next: fix
next: end
\`\`\`

\`\`\`sh {id=fix confirm}
set -- $SSH_CONNECTION; touch ${dir}/fixed-$3
\`\`\`
`,
    );
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function runStep(recordPath: string, stepId: string, confirmStep: RunPrompter['confirmStep']) {
    const prompter: RunPrompter = { askSecret: async () => undefined, confirm: async () => false, askParameter: async () => undefined, confirmStep };
    const executors = createExecutors({ prompter });
    const run = await openIncidentRun({
      runbook: readRunbookFile(recordPath),
      recordPath,
      targetNames: ['abc'],
      targetOptions: { inventoryPath: inventory, sshConfigPath: sshd.sshConfigPath, trustConfig: true },
      given: {},
      prompter,
      executors,
      redactor: createRedactor(),
      writeRecord: fileRecordWriter(recordPath),
    });
    try {
      return await run.step(run.runbook.steps.find((s) => s.id === stepId)!);
    } finally {
      run.close();
      await executors.closeAll();
    }
  }

  it('after the probe, the fix suggests b alone (all three offered) and runs on b only', async () => {
    const { recordPath } = startIncident(path.join(dir, 'runbooks', 'queue.runbook.md'), { folder: path.join(dir, 'incidents'), title: 'queue' });
    const probe = await runStep(recordPath, 'probe', async () => undefined);
    assert.deepEqual(
      probe?.hostRuns.map((r) => r.outcome?.findings.length),
      [0, 1, 0],
    );

    const asked: StepConfirmQuestion[] = [];
    const fix = await runStep(recordPath, 'fix', async (q) => (asked.push(q), { hosts: q.suggested, how: 'test: the suggestion' }));
    assert.equal(asked.length, 1);
    assert.deepEqual(
      asked[0].hosts.map((h) => h.name),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      asked[0].suggested.map((h) => h.name),
      ['b'],
    );
    assert.deepEqual(asked[0].ledBy, ['b: CRITICAL queue 95/100']);
    assert.deepEqual(
      fix?.hostRuns.map((r) => r.host.name),
      ['b'],
    );
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.startsWith('fixed-')),
      [`fixed-${sshd.addresses[1]}`],
    );
  });

  it('without a finding that led there (nothing run before), every host is suggested', async () => {
    const { recordPath } = startIncident(path.join(dir, 'runbooks', 'queue.runbook.md'), { folder: path.join(dir, 'incidents'), title: 'fresh' });
    const asked: StepConfirmQuestion[] = [];
    const fix = await runStep(recordPath, 'fix', async (q) => (asked.push(q), undefined));
    assert.equal(fix, undefined, 'not confirmed: nothing ran');
    assert.deepEqual(
      asked[0].suggested.map((h) => h.name),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(asked[0].ledBy, []);
  });
});
