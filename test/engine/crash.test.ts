// Nothing that finished is lost when the program dies mid-incident: the CLI is killed (SIGKILL)
// during a step on a real sshd; the record and the journal still hold every finished run.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { journalPathFor, readJournal, restoreOutputs } from '../../src/engine/journal';
import { startIncident } from '../../src/engine/incident';
import { parseRunbook } from '../../src/runbook/parse';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const RUNBOOK = `---
title: Crash test
---

\`\`\`sh {id=first title="First step"}
echo first-output-marker
\`\`\`

\`\`\`sh {id=second title="Second step"}
echo second-output-marker
\`\`\`

\`\`\`sh {id=slow title="Slow step"}
echo started-slow; sleep 30; echo never
\`\`\`
`;

describe('a crash mid-incident', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let dir: string;

  before(async () => {
    sshd = await startTestSshd({ addresses: 1, firstAddress: 40 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-crash-'));
  });
  after(async () => {
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every finished step in the record and the journal, and marks the interrupted one', async () => {
    const template = path.join(dir, 'runbooks', 'crash.runbook.md');
    fs.mkdirSync(path.dirname(template), { recursive: true });
    fs.writeFileSync(template, RUNBOOK);
    const { recordPath } = startIncident(template, { folder: path.join(dir, 'incidents'), title: 'Crash test' });
    const user = sshd.users.test ?? sshd.users.current;
    const config = path.join(dir, 'ssh_config');
    fs.writeFileSync(config, fs.readFileSync(sshd.sshConfigPath, 'utf8').replace(/^\s*User .*$/gm, `  User ${user}`));

    const cli = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'run', recordPath, '-F', config, '--host', 'testbed-1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<void>((resolve) => cli.on('exit', () => resolve()));

    // Wait until the slow step has started on the host, then kill the CLI without warning.
    const journal = journalPathFor(recordPath);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const text = fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8') : '';
      if (/"type":"step-start".*"key":"slow"/.test(text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    cli.kill('SIGKILL');
    await exited;
    assert.match(stdout, /first-output-marker/);

    const { entries, problems } = readJournal(journal);
    assert.deepEqual(problems, []);
    const ends = entries.filter((e) => e.type === 'step-end');
    assert.equal(ends.length, 2, 'both finished steps have their end entry');
    assert.ok(
      entries.some((e) => e.type === 'step-start' && e.step.key === 'slow'),
      'the interrupted step was journaled before it started',
    );

    const record = parseRunbook(fs.readFileSync(recordPath, 'utf8'), recordPath);
    const byKey = Object.fromEntries(record.steps.map((s) => [s.key, s]));
    assert.match(byKey.first.outputs[0]?.text ?? '', /first-output-marker/);
    assert.match(byKey.second.outputs[0]?.text ?? '', /second-output-marker/);

    const restored = restoreOutputs(record, entries, recordPath);
    assert.equal(restored.get('first')?.length, 1);
    const slow = restored.get('slow') ?? [];
    assert.equal(slow.length, 1, 'the interrupted run is restored from the journal');
    assert.equal(slow[0].termination, 'connection-lost');
  });
});
