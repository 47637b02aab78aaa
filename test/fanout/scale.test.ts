// A group step at scale, over real sshds on loopback: the pipeline's progress events (counts add
// up, an ETA once hosts have ended), identical outputs merged in the CLI and the postmortem, and
// `--only-failed` re-running exactly the hosts that failed (one unreachable, one whose command fails).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createExecutors } from '../../src/engine/executors';
import type { GroupProgress } from '../../src/engine/progress';
import { readJournal, journalPathFor } from '../../src/engine/journal';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import { createRedactor } from '../../src/redact/redactor';
import { parseRunbook } from '../../src/runbook/parse';
import { noPrompter, startFleet, type Fleet } from './fleet';

// The CLI runs in the fleet's folder (records go to ./incidents): tsx is given by its path.
const CLI = ['--import', pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href, path.resolve('src/cli/main.ts')];
// Addresses of this test only (group.test.ts uses 100-121, the Ansible tests their own).
const FIRST = 170;
const COUNT = 12;
const BROKEN = 4; // h05: its command fails (exit 3)

const runbook = (brokenAddress: string) => `---
title: Fleet at scale
---

# Same everywhere, but one host

\`\`\`sh {id=probe title="Kernel release, and one broken host" timeout=20s}
set -- $SSH_CONNECTION
if [ "$3" = "${brokenAddress}" ]; then echo "no such file" >&2; exit 3; fi
echo "release 6.1"; echo "ok"
\`\`\`

\`\`\`check
parse: numbers
options: { names: [release] }
next: end
\`\`\`
`;

describe('a group step at scale: progress, identical outputs merged, --only-failed', function () {
  this.timeout(120_000);
  let fleet: Fleet;
  let file: string;

  before(async () => {
    fleet = await startFleet({ count: COUNT, firstAddress: FIRST, connectTimeout: 2, extraGroups: ['  some: ["h*", dead]'] });
    file = path.join(fleet.dir, 'scale.runbook.md');
    fs.writeFileSync(file, runbook(fleet.address(BROKEN)));
  });
  after(async () => {
    await fleet?.stop();
  });

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [...CLI, ...args, ...(args[0] === 'run' ? ['--inventory', fleet.inventoryPath, '-F', fleet.sshConfigPath] : [])], {
      encoding: 'utf8',
      cwd: fleet.dir,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });

  it('emits progress after each host: done + failed + remaining = hosts, remaining falls to 0, an ETA once a host ended', async () => {
    const events: GroupProgress[] = [];
    const executors = createExecutors({ prompter: noPrompter });
    const run = await openIncidentRun({
      runbook: parseRunbook(fs.readFileSync(file, 'utf8'), file),
      targetNames: ['some'],
      targetOptions: { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, inventoryPath: fleet.inventoryPath, trustConfig: true },
      given: {},
      prompter: { ...noPrompter, askParameter: async () => undefined, confirmStep: async () => undefined },
      executors,
      redactor: createRedactor(),
      settings: { concurrency: 4 },
      listener: { progress: (p) => events.push(p) },
    });
    try {
      const stepRun = await run.step(run.runbook.steps[0]);
      assert.ok(stepRun);
      assert.equal(events.length, COUNT + 1, 'one event per host');
      events.forEach((p, i) => {
        assert.equal(p.total, COUNT + 1);
        assert.equal(p.done + p.failed + p.remaining, p.total, `event ${i}: ${JSON.stringify(p)}`);
        assert.equal(p.remaining, COUNT - i, 'one host fewer each time');
        assert.ok(p.etaMs !== undefined && p.etaMs >= 0, `event ${i} has an ETA`);
      });
      const last = events[events.length - 1];
      assert.deepEqual([last.done, last.failed, last.remaining, last.etaMs], [COUNT - 1, 2, 0, 0], 'the dead host and the broken one failed');
    } finally {
      run.close();
      await executors.closeAll();
    }
  });

  it('merges identical outputs in the CLI and the postmortem, then --only-failed re-runs exactly the failed hosts', () => {
    const first = cli('run', file, '--group', 'some', '--step', 'probe', '--incident', 'scale');
    assert.equal(first.status, 1, first.stderr);
    const record = /Incident record: (.+)\n/.exec(first.stderr)?.[1] ?? '';
    assert.ok(fs.existsSync(record), first.stderr);
    // Progress on stderr, never on stdout.
    assert.match(first.stderr, /13\/13 hosts: 11 done, 2 failed, 0 remaining, finished in/);
    assert.doesNotMatch(first.stdout, /remaining/);
    const broken = fleet.hosts[BROKEN];
    assert.match(first.stdout, /summary 11 nothing found, 1 inconclusive, 1 failed \(socket\)/);
    assert.match(
      first.stdout,
      /11 hosts: identical output \(exit 0\) h01, h02, h03, h04, h06, h07, h08, h09, h10, h11, … and 1 more\n\s+│ release 6\.1\n\s+│ ok\n/,
    );
    assert.equal(first.stdout.match(/│ release 6\.1/g)?.length, 1, 'the shared output is printed once');
    assert.match(first.stdout, new RegExp(`2 hosts: own output (${broken}, dead|dead, ${broken})`));

    const exported = cli('export', record);
    assert.equal(exported.status, 0, exported.stderr);
    const postmortem = fs.readFileSync(record.replace(/\.runbook\.md$/, '.postmortem.md'), 'utf8');
    assert.match(postmortem, /on 13 hosts\n\nVerdicts: 11 nothing found, 1 inconclusive, 1 failed \\\(socket\\\)\./);
    assert.match(postmortem, /\*\*11 hosts: identical output\*\* \(exit 0\): `h01`, `h02`/);
    assert.equal(postmortem.match(/11 hosts: identical output/g)?.length, 1);
    assert.match(postmortem, new RegExp(`Failed, unreachable or inconclusive: (\`${broken}\`, \`dead\`|\`dead\`, \`${broken}\`)`));

    const before = readJournal(journalPathFor(record)).entries.length;
    const again = cli('run', record, '--step', 'probe', '--only-failed');
    assert.equal(again.status, 1, again.stderr);
    assert.match(again.stderr, /Re-running .* on 2 failed hosts/);
    const rerun = readJournal(journalPathFor(record))
      .entries.slice(before)
      .filter((e) => e.type === 'step-start')
      .map((e) => (e as { host: string }).host)
      .sort();
    assert.deepEqual(rerun, [broken, 'dead'].sort(), 'only the failed hosts ran again');
    assert.match(again.stdout, /on 2 hosts: 1 ran, 1 failed/);
  });

  it('--only-failed says there is nothing to re-run when every host of the last result was good, and runs nothing', () => {
    const first = cli('run', file, '--host', 'h01', '--step', 'probe', '--incident', 'good');
    assert.equal(first.status, 0, first.stderr);
    const record = /Incident record: (.+)\n/.exec(first.stderr)?.[1] ?? '';
    const before = readJournal(journalPathFor(record)).entries.length;
    const again = cli('run', record, '--step', 'probe', '--only-failed');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing to re-run/);
    assert.equal(readJournal(journalPathFor(record)).entries.filter((e, i) => i >= before && e.type === 'step-start').length, 0);
  });
});
