// The run summary the status bar keeps ("4 steps, 3 findings, stopped: CRITICAL on close-wait-owner")
// and the cell status bar's words for a step and a check.
import assert from 'node:assert/strict';
import { checkLabel, runLabel, stepLabels } from '../../src/extension/cellLabels';
import { progressionSummary, stepSummary } from '../../src/extension/runSummary';
import type { ProgressionResult } from '../../src/engine/progression';
import type { StepRun } from '../../src/engine/runStep';
import { parseRunbook } from '../../src/runbook/parse';

const runbook = parseRunbook(
  `# T

\`\`\`sh {id=listeners title="Listening sockets" timeout=10s}
ss -tln
\`\`\`

\`\`\`check
parse: numbers
options: { names: [count, max] }
findings:
  - when: count > max
    severity: critical
    message: too many
next: close-wait-owner
\`\`\`

\`\`\`sh {id=close-wait-owner hosts=web-1,web-2}
ss -tanp state close-wait
\`\`\`

\`\`\`sh {id=restart title="Restart the service" confirm}
systemctl restart app
\`\`\`
`,
  't.runbook.md',
);
const [listeners, owner, restart] = runbook.steps;
const finding = (severity: 'info' | 'warning' | 'critical') => ({ severity, message: severity, rule: 0 }) as never;
const stepRun = (step: typeof listeners): StepRun => ({ step, hostRuns: [], decision: { why: 'x' }, routes: [] });

function result(reason: ProgressionResult['reason'], stoppedAt = restart): ProgressionResult {
  return {
    steps: [stepRun(listeners), stepRun(listeners), stepRun(listeners), stepRun(owner)],
    hosts: [],
    reason,
    explanation: `stopped (${reason})`,
    stoppedAt,
    findings: [finding('warning'), finding('info'), finding('critical')],
    verdicts: ['Suspected cause (unconfirmed): close-wait leak'],
  };
}

describe('extension/runSummary: one line per run', () => {
  it('says steps, findings and where it stopped; reveals the step with the critical finding', () => {
    const s = progressionSummary(result('critical'));
    assert.equal(s.text, '4 steps, 3 findings, stopped: CRITICAL on close-wait-owner');
    assert.equal(s.revealKey, 'close-wait-owner');
    assert.equal(s.severity, 'critical');
    assert.match(s.detail, /Suspected cause \(unconfirmed\)/);
  });

  it('before a confirm step it names that step and reveals it; an inconclusive stop is trouble', () => {
    const confirm = progressionSummary(result('confirm'));
    assert.equal(confirm.text, '4 steps, 3 findings, stopped before restart (changes the host: needs a yes)');
    assert.equal(confirm.revealKey, 'restart');
    const unsure = progressionSummary(result('inconclusive', owner));
    assert.equal(unsure.text, '4 steps, 3 findings, stopped: inconclusive on close-wait-owner');
    assert.equal(unsure.trouble, true);
    assert.equal(progressionSummary({ ...result('end'), findings: [], stoppedAt: undefined }).text, '4 steps, 0 findings, ended after close-wait-owner');
  });

  it('one step: its findings and where it leads', () => {
    const run: StepRun = { step: listeners, hostRuns: [], decision: { next: owner, why: 'the check goes to close-wait-owner' }, routes: [] };
    assert.equal(stepSummary(run).text, '1 step, 0 findings, listeners done, next: close-wait-owner');
  });
});

describe('extension/cellLabels: what a cell says in its status bar', () => {
  it('a step: title, id, timeout and hosts; a confirm step is marked as changing the host and its run button asks first', () => {
    assert.deepEqual(
      stepLabels(listeners, 60_000).map((l) => l.text),
      ['Listening sockets', 'id: listeners', '$(clock) 10s', '$(server) notebook target'],
    );
    assert.deepEqual(
      stepLabels(owner, 60_000).map((l) => l.text),
      ['id: close-wait-owner', '$(clock) 1m', '$(server) web-1, web-2'],
    );
    const marks = stepLabels(restart, 60_000);
    assert.equal(marks[0].text, '$(warning) CHANGES THE HOST');
    assert.equal(marks[0].warning, true);
    assert.equal(runLabel(restart).text, '$(warning) Run… (asks)');
    assert.equal(runLabel(listeners).text, '$(play) Run step');
  });

  it('a check in one line: parser, rules, next', () => {
    assert.equal(checkLabel(listeners)?.text, '$(checklist) parse: numbers · 1 rule · next: close-wait-owner');
    assert.equal(checkLabel(owner), undefined, 'a step without a check has no check line');
  });
});
