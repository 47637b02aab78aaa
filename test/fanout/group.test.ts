// One step on a fleet of 20 loopback hosts served by real sshds (16 addresses per sshd at most): 20 results, a dead host and a
// black-holing host that fail alone with their kind, and the host with a real TIME_WAIT pile-up
// flagged as the outlier, through the engine API and through `runbook run --group`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createExecutors } from '../../src/engine/executors';
import { analyzeGroup, toGroupResultView } from '../../src/engine/groupView';
import { runStep } from '../../src/engine/runStep';
import { ValueStore } from '../../src/engine/scope';
import { resolveTarget } from '../../src/hosts/targets';
import { startScenario, type RunningFault } from '../../src/lab';
import { parseRunbook } from '../../src/runbook/parse';
import { noPrompter, startFleet, type Fleet } from './fleet';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];
// Addresses of this test only: TIME_WAIT outlives the test by 60 s.
const FIRST = 100;
const PILED = 5; // h06 = 127.0.0.105

const RUNBOOK = `---
title: TIME_WAIT per host
---

# Which host piles up TIME_WAIT?

The server address of the SSH session is the 3rd field of $SSH_CONNECTION: the address this host answers on.

\`\`\`sh {id=timewait title="TIME_WAIT on this host's address" timeout=20s}
set -- $SSH_CONNECTION; ss -Htan state time-wait src "$3" | wc -l
\`\`\`

\`\`\`check
parse: numbers
options: { names: [timewait] }
findings:
  - when: timewait > 1000
    severity: warning
    message: "{{timewait}} sockets in TIME_WAIT"
    next: many
next: few
\`\`\`

\`\`\`sh {id=many}
echo many
\`\`\`

\`\`\`check
next: end
\`\`\`

\`\`\`sh {id=few}
echo few
\`\`\`
`;

describe('fan-out to a group of 20 loopback hosts', function () {
  this.timeout(90_000);
  let fleet: Fleet;
  let fault: RunningFault;
  let file: string;

  before(async () => {
    fleet = await startFleet({ count: 20, firstAddress: FIRST, connectTimeout: 2 });
    // The lab's time-wait server listens on h06's address and closes first: TIME_WAIT lands there.
    fault = await startScenario('time-wait', { address: fleet.address(PILED), clientAddress: '127.0.0.245', basePort: 0 });
    await fault.stop(); // the server goes; its TIME_WAIT sockets stay for 60 s
    file = path.join(fleet.dir, 'timewait.runbook.md');
    fs.writeFileSync(file, RUNBOOK);
  });
  after(async () => {
    await fault?.stop();
    await fleet?.stop();
  });

  const targetOptions = () => ({ workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true });

  it('returns 20 results, flags the TIME_WAIT host as the outlier, and lets hosts branch their own way (engine API)', async () => {
    const hosts = await resolveTarget('fleet', targetOptions());
    assert.equal(hosts.length, 20);
    const runbook = parseRunbook(RUNBOOK, file);
    const executors = createExecutors({ prompter: noPrompter });
    try {
      const run = await runStep({ runbook, step: runbook.steps[0], hosts, executorFor: (h) => executors.executorFor(h), values: new ValueStore({}) });
      assert.equal(run.hostRuns.length, 20);
      for (const r of run.hostRuns) assert.equal(r.result.termination, 'exit', `${r.host.name}: ${r.result.error?.message ?? r.result.stderr.text}`);
      const counts = new Map(run.hostRuns.map((r) => [r.host.name, r.outcome?.values.timewait as number]));
      assert.ok((counts.get('h06') ?? 0) > 1000, `h06 has ${counts.get('h06')} TIME_WAIT`);

      const group = analyzeGroup(run);
      assert.deepEqual(
        group.outliers.map((o) => o.host),
        ['h06'],
      );
      assert.deepEqual(group.outliers[0].reasons.sort(), ['findings', 'timewait']);
      assert.deepEqual(group.chartValues, ['timewait']);
      assert.deepEqual([...group.paths.keys()].sort(), ['few', 'many']);
      assert.deepEqual(
        group.paths.get('many')?.map((r) => r.host.name),
        ['h06'],
      );
      // Each host goes its own way: the outlier's route comes first (its finding is the most severe), and no host's decision stands for the group.
      assert.deepEqual(
        run.routes.map((r) => [r.next?.key, r.hosts.map((h) => h.host.name)]),
        [
          ['many', ['h06']],
          ['few', fleet.hosts.filter((h) => h !== 'h06')],
        ],
      );
      assert.equal(run.decision.next, undefined, 'the group has no shared next step');
      assert.match(run.decision.why, /h06 -> many/);

      const view = toGroupResultView(run);
      assert.deepEqual(
        view.hosts.filter((h) => h.outlier?.length).map((h) => h.host),
        ['h06'],
      );
      assert.deepEqual(view.chartValues, ['timewait']);
    } finally {
      await executors.closeAll();
    }
  });

  it('prints progress per host, the table with the outlier marked, a bar chart, and dead hosts failing alone (CLI --group)', () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [...CLI, 'run', file, '--group', 'fleet-and-broken', '--step', 'timewait', '--inventory', fleet.inventoryPath, '-F', fleet.sshConfigPath],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    const elapsed = Date.now() - started;
    // Exit 1: some hosts failed; the run itself went through.
    assert.equal(result.status, 1, result.stderr);
    const progress = result.stderr.split('\n').filter((l) => /^\s+\[\s*\d+\/22\]/.test(l));
    assert.equal(progress.length, 22, result.stderr);
    assert.match(result.stdout, /on 22 hosts: 20 ran, 2 failed/);

    const table = result.stdout.split('\n');
    const row = (host: string) => table.find((l) => l.startsWith(`${host} `)) ?? '';
    assert.match(row('h06'), /exit 0\s+\d{4,} ◀\s+warning/);
    assert.match(row('h01'), /exit 0\s+\d+\s+-/);
    assert.match(row('dead'), /error \(socket\)/);
    assert.match(row('blackhole'), /error \(timeout\)/);
    assert.match(result.stdout, /outlier h06: timewait, findings differ strongly from the group/);
    assert.match(result.stdout, /failed dead \[socket\] Connection refused by dead .*127\.0\.0\.120/);
    assert.match(result.stdout, /failed blackhole \[timeout\] Timed out after 2000 ms connecting to blackhole/);
    assert.match(result.stdout, /timewait per host\n(\s+h\d\d\s+.*\n){20}/);
    assert.match(result.stdout, /h06\s+█{40} \d{4,}/, 'the largest value fills the bar');
    assert.match(result.stdout, /next many \(WARNING\) ← h06\n/);
    assert.match(result.stdout, /next few ← (h\d\d, ){18}h\d\d\n/);
    // The black hole costs its connect timeout (2 s), once, not once per host.
    assert.ok(elapsed < 15_000, `the group took ${elapsed} ms`);
  });
});
