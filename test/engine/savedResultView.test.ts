// A reopened record shows what the live run showed: real steps run on this machine, their outputs
// saved into a record file and read back, and the view rebuilt from the file equals the live view
// (findings, evidence state with its reason, values, next step, routes, errors, samples). An old
// record (no evidence fields) still opens, and a failed command in it is not read as healthy.
import assert from 'node:assert/strict';
import { findStep } from '../../src/engine/decide';
import { toGroupResultView } from '../../src/engine/groupView';
import { savedResultView, savedRuns } from '../../src/engine/savedResultView';
import { localHost } from '../../src/hosts/targets';
import type { StepResultView } from '../../src/protocol/renderer';
import { appendOutput } from '../../src/runbook/edit';
import type { Runbook, SavedOutput, Step } from '../../src/runbook/model';
import { parseRunbook } from '../../src/runbook/parse';
import { printRunbook } from '../../src/runbook/print';
import { IncidentSession } from '../../src/engine/session';
import type { HostConfig } from '../../src/hosts/types';
import { createRedactor } from '../../src/redact/redactor';
import { LocalExecutor } from '../../src/ssh/local';
import type { Executor } from '../../src/ssh/types';
import { localGroup } from './runbookFixture';

const TEXT = `---
title: Reopen
---

# Reopen

\`\`\`sh {id=sampled samples=2 interval=200ms}
echo "close_wait=$(( 38 + $(date +%N | cut -c1) % 2 ))"
\`\`\`

\`\`\`check
parse: kv
findings:
  - when: close_wait >= 10 and delta.close_wait >= -1
    severity: critical
    message: "{{close_wait}} stayed in CLOSE_WAIT"
    confirms: close-wait-leak
    next: fix
next: end
\`\`\`

\`\`\`sh {id=failing title="A command that fails"}
echo 'Cannot open network namespace "rblab-no-such": No such file or directory' >&2; exit 1
\`\`\`

\`\`\`check
parse: ss-tan
next: end
\`\`\`

\`\`\`sh {id=group}
case "$RUNBOOK_HOST" in web-2) echo 9000 ;; *) echo 12 ;; esac
\`\`\`

\`\`\`check
parse: numbers
options: { names: [timewait] }
findings:
  - when: timewait > 1000
    severity: critical
    message: "{{timewait}} in TIME_WAIT"
    next: fix
next: end
\`\`\`

\`\`\`sh {id=slow timeout=500ms}
sleep 5
\`\`\`

\`\`\`sh {id=fix confirm}
echo changed
\`\`\`
`;

/** The record after the run: each saved output appended after its step, printed and parsed back as a reopen does. */
function reopened(runbook: Runbook, saved: SavedOutput[]): Runbook {
  let record = runbook;
  for (const output of saved) record = appendOutput(record, output.step, output);
  return parseRunbook(printRunbook(record), 'reopen.runbook.md');
}

async function liveAndReopened(stepKey: string, hosts = [localHost()]): Promise<{ live: StepResultView; again: StepResultView; saved: SavedOutput[] }> {
  const runbook = parseRunbook(TEXT, 'reopen.runbook.md');
  const local = new LocalExecutor();
  // Each "host" runs here, told its name, as real hosts differ by their own state.
  const executorFor = (h: HostConfig): Executor => ({
    host: h.name,
    exec: (req) => local.exec({ ...req, script: `RUNBOOK_HOST=${h.name}\n${req.script}` }),
    close: async () => {},
  });
  const session = new IncidentSession({ runbook, params: {}, executorFor, redactor: createRedactor() });
  try {
    const step = findStep(runbook, stepKey) as Step;
    const run = await session.run(step, hosts);
    const saved = await Promise.all(run.hostRuns.map((r) => session.savedOutput(r)));
    const record = reopened(runbook, saved);
    const recordStep = findStep(record, stepKey) as Step;
    const runs = savedRuns(recordStep.outputs);
    assert.equal(runs.length, 1);
    const again = savedResultView(record, recordStep, runs[0]);
    assert.ok(again.savedAt, 'the view says it comes from the record');
    delete again.savedAt;
    // Both travel to the renderer as JSON.
    const json = (v: StepResultView) => JSON.parse(JSON.stringify(v)) as StepResultView;
    // The live view as the notebook builds it (extension/cellOutputs.ts): with the saved outputs, whose previews it shows.
    return { live: json(toGroupResultView(run, saved)), again: json(again), saved };
  } finally {
    session.close();
    await local.close();
  }
}

describe('engine/savedResultView: a reopened record shows what the live run showed', function () {
  this.timeout(20_000);

  it('a sampled step: the confirming finding, values with delta, the next step and the sample times', async () => {
    const { live, again, saved } = await liveAndReopened('sampled');
    assert.deepEqual(again, live);
    assert.equal(live.hosts[0].findings[0].confirms, 'close-wait-leak');
    assert.equal(live.hosts[0].samples?.length, 2);
    assert.equal(saved[0].samples?.length, 2, 'the record keeps when each sample was taken');
    assert.equal(typeof (live.hosts[0].values.delta as Record<string, unknown>).close_wait, 'number');
    assert.equal(live.next?.key, 'fix');
    assert.equal(live.next?.confirm, true);
  });

  it('a failed command: inconclusive with its reason and way out, not "nothing found"', async () => {
    const { live, again } = await liveAndReopened('failing');
    assert.deepEqual(again, live);
    assert.equal(again.hosts[0].evidence, 'inconclusive');
    assert.match(again.hosts[0].inconclusive?.reason ?? '', /^the command exited 1: Cannot open network namespace/);
    assert.match(again.hosts[0].inconclusive?.hint ?? '', /Run the command by hand/);
  });

  it('a group: each host, the outlier, the chart and the routes', async () => {
    const { live, again } = await liveAndReopened('group', localGroup(['web-1', 'web-2', 'web-3']));
    assert.deepEqual(again, live);
    assert.deepEqual(
      again.routes?.map((r) => [r.next?.key ?? 'end', r.hosts]),
      [
        ['fix', ['web-2']],
        ['end', ['web-1', 'web-3']],
      ],
    );
  });

  it('a step that timed out: the error with what to do, and no decision', async () => {
    const { live, again } = await liveAndReopened('slow');
    assert.deepEqual(again, live);
    assert.equal(again.hosts[0].error?.kind, 'timeout');
    assert.equal(again.next, undefined);
  });
});

describe('engine/savedResultView: records of older versions', () => {
  // An output block as session 2 wrote it: no evidence, error or samples fields.
  const OLD = `---
title: Old
incident: { id: old, title: Old, startedAt: "2026-11-30T08:00:00.000Z" }
---

# Old

\`\`\`sh {id=server-sockets}
ip netns exec rblab-no-such ss -tan
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: count(rows) == 0
    severity: info
    message: nothing listens
next: end
\`\`\`

<!-- runbook:output {"step":"server-sockets","host":"lab","startedAt":"2026-11-30T08:01:00.000Z","durationMs":40,"exitCode":255,"signal":null,"termination":"exit","truncated":false,"values":{},"findings":[],"why":"no finding raised","runId":"r1"} -->
<details><summary>server-sockets on lab</summary>

\`\`\`\`text
Cannot open network namespace "rblab-no-such": Permission denied
\`\`\`\`

</details>

<!-- /runbook:output -->
`;

  it('opens, and a failed command saved without an evidence state is inconclusive, never healthy', () => {
    const record = parseRunbook(OLD, 'old.runbook.md');
    const step = record.steps[0];
    assert.equal(step.outputs.length, 1);
    const view = savedResultView(record, step, step.outputs);
    assert.equal(view.hosts[0].evidence, 'inconclusive');
    assert.match(view.hosts[0].inconclusive?.reason ?? '', /exited 255: Cannot open network namespace/);
    assert.match(view.hosts[0].inconclusive?.hint ?? '', /root|sudo/, 'a denial says how to get the rights');
    assert.equal(view.savedAt, '2026-11-30T08:01:00.000Z');
  });

  it('splits a step saved twice by the CLI into two runs, each shown', () => {
    const one = { step: 's', host: 'a', runId: '1' } as SavedOutput;
    const runs = savedRuns([one, { ...one, host: 'b' }, { ...one, runId: '2' }, { ...one, host: 'b', runId: '2' }]);
    assert.deepEqual(
      runs.map((r) => r.map((o) => `${o.host}${o.runId}`)),
      [
        ['a1', 'b1'],
        ['a2', 'b2'],
      ],
    );
  });
});
