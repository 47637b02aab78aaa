// The runbook a notebook holds now: edits in cells are what runs, saved outputs bring back earlier
// values, each step maps to its cell, and a notebook that cannot be mapped says so and where.
import assert from 'node:assert/strict';
import { runbookFromNotebook } from '../../src/runbook/runbookOfCells';
import { isCheckCell, toNotebook } from '../../src/runbook/cells';
import { parseRunbook } from '../../src/runbook/parse';
import { TEXT, fixtureSession } from '../engine/runbookFixture';
import { localHost } from '../../src/hosts/targets';

describe('runbook/runbookOfCells: cells back to a runbook', () => {
  it('maps every step to its cell; check cells and prose map to none', () => {
    const model = toNotebook(parseRunbook(TEXT, 'loopback.runbook.md'));
    const { runbook, cellOf, stepAt } = runbookFromNotebook(model, 'loopback.runbook.md');
    assert.deepEqual(
      runbook.steps.map((s) => s.key),
      ['count', 'states', 'fix', 'slow'],
    );
    for (const step of runbook.steps) {
      const cell = model.cells[cellOf.get(step.key) as number];
      assert.equal(cell.languageId, 'shellscript');
      assert.equal(cell.value, step.command);
      assert.equal(stepAt.get(cellOf.get(step.key) as number)?.key, step.key);
    }
    const checkCells = model.cells.map((c, i) => [c, i] as const).filter(([c]) => isCheckCell(c));
    assert.equal(checkCells.length, 2);
    for (const [, i] of checkCells) assert.equal(stepAt.get(i), undefined, 'a check cell is not a step');
  });

  it('runs what the cell says after an edit, with its attributes', () => {
    const model = toNotebook(parseRunbook(TEXT, 'loopback.runbook.md'));
    const cell = model.cells.find((c) => c.metadata.stepKey === 'count');
    assert.ok(cell);
    cell.value = 'echo 1 100';
    const { runbook } = runbookFromNotebook(model, 'loopback.runbook.md');
    assert.equal(runbook.steps[0].command, 'echo 1 100');
    assert.equal(runbook.steps[0].title, 'Count things');
    assert.ok(runbook.steps[0].check, 'the check block still belongs to the step');
  });

  it('brings back the values of a run saved in the cell, so later steps can use them', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const run = await session.run(runbook.steps[0], [localHost()]);
      const saved = await session.savedOutput(run.hostRuns[0]);
      const model = toNotebook(parseRunbook(TEXT, 'loopback.runbook.md'));
      model.cells.find((c) => c.metadata.stepKey === 'count')?.outputs.push(saved);
      const again = runbookFromNotebook(model, 'loopback.runbook.md').runbook;
      assert.equal(again.steps[0].outputs.at(-1)?.values.count, 95);
      assert.equal(again.steps[0].outputs.at(-1)?.runId, saved.runId);
    } finally {
      await close();
    }
  });

  it('refuses, naming the file, when a shell cell does not come out as a step', () => {
    const model = toNotebook(parseRunbook(TEXT, 'loopback.runbook.md'));
    // A shell cell whose fence info says another language writes back as a plain code block, not a step.
    const cell = model.cells.find((c) => c.metadata.stepKey === 'states');
    assert.ok(cell);
    cell.metadata.info = 'text {id=states}';
    assert.throws(() => runbookFromNotebook(model, 'incidents/x.runbook.md'), /incidents\/x\.runbook\.md: .*shell cells but .*steps.*text editor/);
  });
});
