// Where Run to Next Decision starts: a step that already ran to a decision is not run again; the run
// follows the recorded decisions to the first step not yet run (the postmortem showed a step twice).
import assert from 'node:assert/strict';
import { focusedStep, nextDecisionStart } from '../../src/extension/nextDecision';
import type { SavedOutput } from '../../src/runbook/model';
import { parseRunbook } from '../../src/runbook/parse';
import type { NotebookRunbook } from '../../src/runbook/runbookOfCells';

const TEXT = `# T

\`\`\`sh {id=a}
echo a
\`\`\`

\`\`\`check
next: b
\`\`\`

\`\`\`sh {id=b}
echo b
\`\`\`

\`\`\`sh {id=c}
echo c
\`\`\`
`;

/** Cells as the serializer makes them: prose 0, a 1, check 2, b 3, c 4. */
function notebook(): NotebookRunbook {
  const runbook = parseRunbook(TEXT, 't.runbook.md');
  const [a, b, c] = runbook.steps;
  const cellOf = new Map([
    [a.key, 1],
    [b.key, 3],
    [c.key, 4],
  ]);
  return { runbook, cellOf, stepAt: new Map([...cellOf].map(([k, i]) => [i, runbook.steps.find((s) => s.key === k)!])) };
}

function ran(step: string, next: string | undefined, extra: Partial<SavedOutput> = {}): SavedOutput {
  return {
    step,
    host: 'lab',
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 5,
    exitCode: 0,
    signal: null,
    termination: 'exit',
    text: '',
    truncated: false,
    values: {},
    findings: [],
    next,
    why: next ? `the check goes to ${next}` : 'the check ends the runbook here',
    runId: `${step}-${extra.host ?? 'lab'}`,
    ...extra,
  };
}

const keyOf = (start: ReturnType<typeof nextDecisionStart>) => (start && 'from' in start ? start.from.id : start ? `nothing: ${start.nothing}` : undefined);

describe('extension/nextDecision: where Run to Next Decision starts', () => {
  it('starts at the focused step when it has not run yet; a check or prose cell belongs to the step above', () => {
    const nb = notebook();
    assert.equal(keyOf(nextDecisionStart(nb, 1)), 'a');
    assert.equal(focusedStep(nb, 2)?.id, 'a', 'the check cell is step a');
    assert.equal(focusedStep(nb, 0)?.id, 'a', 'the prose above the first step: the first step');
  });

  it('does not run a step again that already ran to a decision: it starts where that decision leads', () => {
    const nb = notebook();
    nb.runbook.steps[0].outputs.push(ran('a', 'b'));
    const start = nextDecisionStart(nb, 1);
    assert.equal(keyOf(start), 'b');
    assert.deepEqual(start && 'from' in start && start.after.map((s) => s.id), ['a']);
  });

  it('follows several recorded decisions to the first step not yet run', () => {
    const nb = notebook();
    nb.runbook.steps[0].outputs.push(ran('a', 'b'));
    nb.runbook.steps[1].outputs.push(ran('b', 'c'));
    assert.equal(keyOf(nextDecisionStart(nb, 1)), 'c');
  });

  it('runs a step again whose last run gave no decision (failed, cancelled, inconclusive)', () => {
    for (const last of [{ termination: 'timeout' as const }, { termination: 'cancelled' as const }, { evidence: 'inconclusive' as const }]) {
      const nb = notebook();
      nb.runbook.steps[0].outputs.push(ran('a', 'b'), ran('a', undefined, { startedAt: '2026-12-01T11:00:00.000Z', ...last }));
      assert.equal(keyOf(nextDecisionStart(nb, 1)), 'a', JSON.stringify(last));
    }
  });

  it('runs nothing when the recorded decision ends the runbook, and says so', () => {
    const nb = notebook();
    nb.runbook.steps[2].outputs.push(ran('c', undefined));
    assert.match(String(keyOf(nextDecisionStart(nb, 4))), /^nothing: c already ran and the runbook ends there/);
  });

  it('runs nothing when the hosts of a group went different ways (their result has a button per route)', () => {
    const nb = notebook();
    nb.runbook.steps[0].outputs.push(ran('a', 'b', { host: 'web-1' }), ran('a', 'c', { host: 'web-2' }));
    assert.match(String(keyOf(nextDecisionStart(nb, 1))), /hosts went different ways after a/);
  });

  it('a loop in the recorded decisions ends instead of running forever', () => {
    const nb = notebook();
    nb.runbook.steps[0].outputs.push(ran('a', 'b'));
    nb.runbook.steps[1].outputs.push(ran('b', 'a'));
    assert.match(String(keyOf(nextDecisionStart(nb, 1))), /loop back/);
  });
});
