// Where "Run to Next Decision" starts. A step that already ran in this notebook and reached a
// decision is not run again: the run follows the recorded decisions (each host's `next`) to the
// first step not yet run, and starts there. A step whose last run gave no decision (failed,
// cancelled, inconclusive) is run again. No vscode here.

import { findStep, stepLabel } from '../engine/decide';
import type { SavedOutput, Step } from '../runbook/model';
import type { NotebookRunbook } from '../runbook/runbookOfCells';

export type NextDecisionStart =
  /** Run automatic progression from this step; `after` names the steps it skipped because they already ran. */
  | { from: Step; after: Step[] }
  /** Nothing to run: why, and the step to show. */
  | { nothing: string; at: Step; after: Step[] };

/** The step of the cell at `index`, or of the nearest step cell above it (a check or prose cell belongs to the step before). */
export function focusedStep(nb: NotebookRunbook, index: number): Step | undefined {
  let best: Step | undefined;
  let bestIndex = -1;
  for (const [cell, step] of nb.stepAt) if (cell <= index && cell > bestIndex) [best, bestIndex] = [step, cell];
  return best ?? nb.runbook.steps[0];
}

/** The latest output per host: the step's last run. */
function lastRun(outputs: SavedOutput[]): SavedOutput[] {
  const byHost = new Map<string, SavedOutput>();
  for (const o of outputs) {
    const seen = byHost.get(o.host);
    if (!seen || o.startedAt >= seen.startedAt) byHost.set(o.host, o);
  }
  return [...byHost.values()];
}

function decided(o: SavedOutput): boolean {
  return (o.termination === 'exit' || o.termination === 'signal') && o.evidence !== 'inconclusive';
}

export function nextDecisionStart(nb: NotebookRunbook, focusIndex: number): NextDecisionStart | undefined {
  let step = focusedStep(nb, focusIndex);
  if (!step) return undefined;
  const after: Step[] = [];
  const seen = new Set<string>();
  for (;;) {
    const last = lastRun(step.outputs);
    if (last.length === 0 || !last.every(decided)) return { from: step, after };
    if (seen.has(step.key)) return { nothing: `the recorded decisions loop back to ${stepLabel(step)}`, at: step, after };
    seen.add(step.key);
    const nexts = new Set(last.map((o) => o.next ?? ''));
    if (nexts.size > 1) return { nothing: `the hosts went different ways after ${stepLabel(step)}: use the buttons of its result`, at: step, after };
    const [nextKey] = nexts;
    if (!nextKey) return { nothing: `${stepLabel(step)} already ran and the runbook ends there (${last[0].why ?? 'no next step'})`, at: step, after };
    const next = findStep(nb.runbook, nextKey);
    if (!next) return { nothing: `${stepLabel(step)} leads to "${nextKey}", which this runbook does not have`, at: step, after };
    after.push(step);
    step = next;
  }
}
