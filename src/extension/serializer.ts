// The notebook serializer: a thin adapter between VS Code's NotebookData and the pure runbook
// notebook model (src/runbook/cells.ts), which carries all the logic and its tests.

import * as vscode from 'vscode';
import { OUTPUT_MIME, savedOutputFromJson, fromNotebook, toNotebook, type CellMetadata, type NotebookCell, type NotebookModel } from '../runbook/cells';
import { readRunbookBytes } from '../runbook/decode';
import type { SavedOutput } from '../runbook/model';

import { NOTEBOOK_TYPE } from '../protocol/ids';

export { NOTEBOOK_TYPE };

export class RunbookSerializer implements vscode.NotebookSerializer {
  /** Throws (never returns an empty notebook) when the file cannot round-trip: a save would overwrite it. */
  deserializeNotebook(content: Uint8Array, _token: vscode.CancellationToken): vscode.NotebookData {
    const model = toNotebook(readRunbookBytes(content, 'This runbook'));
    const data = new vscode.NotebookData(model.cells.map(toCellData));
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

function toCellData(cell: NotebookCell): vscode.NotebookCellData {
  const kind = cell.kind === 'markup' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const data = new vscode.NotebookCellData(kind, cell.value, cell.languageId);
  data.metadata = { ...cell.metadata };
  data.outputs = cell.outputs.map(
    (output) =>
      new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(output, OUTPUT_MIME), vscode.NotebookCellOutputItem.text(output.text)], {
        runId: output.runId,
      }),
  );
  return data;
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
