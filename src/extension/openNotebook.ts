// An open NotebookDocument read as the pure cell model (src/runbook/cells.ts) and as a runbook: the same
// data the serializer writes, so the engine runs exactly what a save would put in the file.

import * as vscode from 'vscode';
import { OUTPUT_MIME, savedOutputFromJson, type CellMetadata, type NotebookModel } from '../runbook/cells';
import type { SavedOutput } from '../runbook/model';
import { runbookFromNotebook, type NotebookRunbook } from '../runbook/runbookOfCells';

export function notebookModel(notebook: vscode.NotebookDocument): NotebookModel {
  return {
    cells: notebook.getCells().map((cell) => {
      const markup = cell.kind === vscode.NotebookCellKind.Markup;
      const outputs: SavedOutput[] = [];
      for (const output of cell.outputs) {
        const item = output.items.find((i) => i.mime === OUTPUT_MIME);
        const saved = item && savedOutputFromJson(item.data);
        if (saved) outputs.push(saved);
      }
      const metadata = (Object.keys(cell.metadata ?? {}).length ? cell.metadata : { role: markup ? 'prose' : 'step' }) as CellMetadata;
      return { kind: markup ? 'markup' : 'code', languageId: cell.document.languageId, value: cell.document.getText(), metadata, outputs };
    }),
    metadata: (notebook.metadata?.runbook as NotebookModel['metadata'] | undefined) ?? { eol: '\n', bom: false },
  };
}

export function notebookRunbook(notebook: vscode.NotebookDocument): NotebookRunbook {
  return runbookFromNotebook(notebookModel(notebook), vscode.workspace.asRelativePath(notebook.uri));
}

/** A template lives in a `runbooks/` folder and is no incident record: runs there are not journaled. */
export function isTemplate(notebook: vscode.NotebookDocument, isRecord: boolean): boolean {
  return !isRecord && notebook.uri.path.split('/').includes('runbooks');
}
