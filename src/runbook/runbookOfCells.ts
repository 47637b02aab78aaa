// The runbook a notebook holds right now, edits included: its cells written back as runbook text
// and parsed again, with each step mapped to its cell. Saved outputs in the cells carry the values
// of earlier runs, so a new session starts from what the notebook shows. No vscode here.

import { parseRunbook } from './parse';
import { fromNotebook, type NotebookModel } from './cells';
import type { Runbook, Step } from './model';

export interface NotebookRunbook {
  runbook: Runbook;
  /** Step key -> index of the cell that holds the step. */
  cellOf: Map<string, number>;
  /** Cell index -> the step it holds (step cells only). */
  stepAt: Map<number, Step>;
}

export function isStepCell(cell: { kind: 'markup' | 'code'; languageId: string }): boolean {
  return cell.kind === 'code' && cell.languageId === 'shellscript';
}

export function runbookFromNotebook(model: NotebookModel, fileName: string): NotebookRunbook {
  const runbook = parseRunbook(fromNotebook(model), fileName);
  const stepCells = model.cells.map((cell, index) => (isStepCell(cell) ? index : -1)).filter((i) => i >= 0);
  if (stepCells.length !== runbook.steps.length) {
    throw new Error(
      `${fileName}: ${stepCells.length} shell cells but ${runbook.steps.length} steps after writing the notebook as a runbook; a cell's fence may be broken. Open the file with the text editor (Reopen Editor With > Text Editor) and check the fences.`,
    );
  }
  const cellOf = new Map<string, number>();
  const stepAt = new Map<number, Step>();
  runbook.steps.forEach((step, n) => {
    cellOf.set(step.key, stepCells[n]);
    stepAt.set(stepCells[n], step);
  });
  return { runbook, cellOf, stepAt };
}
