// The notebook serializer: a thin adapter between VS Code's NotebookData and the pure runbook
// notebook model (src/runbook/cells.ts), which carries all the logic and its tests.

import * as vscode from 'vscode';
import { OUTPUT_MIME, savedOutputFromJson, fromNotebook, toNotebook, type CellMetadata, type NotebookCell, type NotebookModel } from '../runbook/cells';
import { readRunbookBytes } from '../runbook/decode';
import type { Runbook, SavedOutput } from '../runbook/model';
import { savedResultView, savedRuns } from '../engine/savedResultView';
import { RESULT_MIME } from '../protocol/renderer';

import { NOTEBOOK_TYPE } from '../protocol/ids';

export { NOTEBOOK_TYPE };

export class RunbookSerializer implements vscode.NotebookSerializer {
  /** Throws (never returns an empty notebook) when the file cannot round-trip: a save would overwrite it. */
  deserializeNotebook(content: Uint8Array, _token: vscode.CancellationToken): vscode.NotebookData {
    const runbook = readRunbookBytes(content, 'This runbook');
    const model = toNotebook(runbook);
    const data = new vscode.NotebookData(model.cells.map((cell) => toCellData(cell, runbook)));
    data.metadata = { runbook: model.metadata };
    return data;
  }

  serializeNotebook(data: vscode.NotebookData, _token: vscode.CancellationToken): Uint8Array {
    const model: NotebookModel = {
      cells: data.cells.map(fromCellData),
      metadata: (data.metadata?.runbook as NotebookModel['metadata'] | undefined) ?? { eol: '\n', bom: false },
    };
    return new TextEncoder().encode(fromNotebook(model));
  }
}

function toCellData(cell: NotebookCell, runbook: Runbook): vscode.NotebookCellData {
  const kind = cell.kind === 'markup' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const data = new vscode.NotebookCellData(kind, cell.value, cell.languageId);
  data.metadata = { ...cell.metadata };
  const step = cell.metadata.stepKey ? runbook.steps.find((s) => s.key === cell.metadata.stepKey) : undefined;
  // Each saved run as the live run showed it: its verdict first, then the raw outputs. Only the raw
  // outputs carry OUTPUT_MIME, so only they are written back (fromCellData).
  data.outputs = savedRuns(cell.outputs).flatMap((run) => [...savedVerdict(runbook, step, run), ...run.map(savedOutputCell)]);
  return data;
}

function savedOutputCell(output: SavedOutput): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(output, OUTPUT_MIME), vscode.NotebookCellOutputItem.text(output.text)], {
    runId: output.runId,
  });
}

function savedVerdict(runbook: Runbook, step: Runbook['steps'][number] | undefined, run: SavedOutput[]): vscode.NotebookCellOutput[] {
  if (!step) return [];
  try {
    return [new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(savedResultView(runbook, step, run), RESULT_MIME)])];
  } catch {
    // A hand-edited record whose outputs cannot be read as a run still opens, with its raw outputs.
    return [];
  }
}

function fromCellData(cell: vscode.NotebookCellData): NotebookCell {
  const outputs: SavedOutput[] = [];
  for (const output of cell.outputs ?? []) {
    // Only saved outputs go into the file; other items (live results, errors) are not part of the record,
    // and neither are runs outside an incident record (marked transient): a template stays clean.
    if (output.metadata?.transient === true) continue;
    const item = output.items.find((i) => i.mime === OUTPUT_MIME);
    const saved = item && savedOutputFromJson(item.data);
    if (saved) outputs.push(saved);
  }
  const markup = cell.kind === vscode.NotebookCellKind.Markup;
  const metadata = (cell.metadata ?? { role: markup ? 'prose' : 'step' }) as CellMetadata;
  return { kind: markup ? 'markup' : 'code', languageId: cell.languageId, value: cell.value, metadata, outputs };
}

export function registerRunbookSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new RunbookSerializer(), { transientOutputs: false }));
}
