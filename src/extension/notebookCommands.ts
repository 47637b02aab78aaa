// The notebook's own commands: Run Step (also from a cell's status bar), Run to Next Decision (from
// where the recorded decisions lead, see nextDecision.ts), Set Parameter, Show Where the Run Stopped,
// Go to Step.

import * as vscode from 'vscode';
import type { NotebookRunbook } from '../runbook/runbookOfCells';
import { notebookRunbook } from './openNotebook';
import { askParameterChange } from './parameterPrompts';
import type { RunStatus } from './runStatus';
import { refuseUntrusted, revealCell, type NotebookRunner } from './runner';
import { NOTEBOOK_TYPE } from './serializer';

export interface NotebookCommandParts {
  runner: NotebookRunner;
  status: RunStatus;
  register: (id: string, run: (...args: never[]) => unknown) => void;
}

export function registerNotebookCommands({ runner, status, register }: NotebookCommandParts): void {
  // From the cell toolbar or a cell's status bar the cell comes as an argument; from the palette, the selection.
  register('runbook.runStep', async (uri?: vscode.Uri, index?: number) => {
    const editor = editorFor(uri);
    if (!editor || !(await trusted())) return;
    const at = typeof index === 'number' ? index : (editor.selections[0]?.start ?? 0);
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: at, end: at + 1 }], document: editor.notebook.uri });
  });

  register('runbook.runToNextDecision', async (arg?: unknown) => {
    const editor = editorFor(arg instanceof vscode.Uri ? arg : (arg as { notebook?: vscode.NotebookDocument } | undefined)?.notebook?.uri);
    if (!editor || !(await trusted())) return;
    const index = cellIndexOf(arg) ?? editor.selections[0]?.start ?? 0;
    const { nextDecisionStart } = await import('./nextDecision');
    const nb = runbookOrError(editor);
    if (!nb) return;
    const start = nextDecisionStart(nb, index);
    if (!start) return;
    if ('nothing' in start) {
      const at = nb.cellOf.get(start.at.key);
      if (at !== undefined) await revealCell(editor.notebook, at);
      void vscode.window.showInformationMessage(`Nothing to run: ${start.nothing}.`);
      return;
    }
    const from = nb.cellOf.get(start.from.key);
    if (from === undefined) return;
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: from, end: editor.notebook.cellCount }], document: editor.notebook.uri });
  });

  register('runbook.setParameter', async () => {
    const editor = editorFor(undefined);
    if (!editor) return;
    const runbook = notebookRunbook(editor.notebook).runbook;
    const change = await askParameterChange(runbook, runner.parametersOf(editor.notebook));
    if (!change) return;
    runner.setParameter(editor.notebook, change.name, change.value);
    const secret = runbook.frontMatter?.parameters.find((p) => p.name === change.name)?.secret;
    if (runbook.frontMatter?.incident && !secret) await recordParameter(editor.notebook, change.name, change.value);
  });

  register('runbook.goToStep', async () => {
    const editor = editorFor(undefined);
    const nb = editor && runbookOrError(editor);
    if (!editor || !nb) return;
    const { goToStep } = await import('./goToStep');
    await goToStep(editor, nb);
  });

  register('runbook.showRunStop', async () => {
    const editor = editorFor(undefined);
    if (!editor) return;
    const key = status.summaryOf(editor.notebook)?.revealKey;
    const index = key ? notebookRunbook(editor.notebook).cellOf.get(key) : undefined;
    if (index === undefined) {
      void vscode.window.showInformationMessage('No run in this notebook yet.');
      return;
    }
    await revealCell(editor.notebook, index);
  });
}

/** In a record, the new value goes into its front matter cell (and the file), as the runs that use it do. */
async function recordParameter(notebook: vscode.NotebookDocument, name: string, value: string): Promise<void> {
  const cell = notebook.getCells().find((c) => (c.metadata as { role?: string } | undefined)?.role === 'front-matter');
  const { withRecordedParameter } = await import('./recordParameters');
  const text = cell && withRecordedParameter(cell.document.getText(), name, value);
  if (!cell || text === undefined) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(cell.document.uri, new vscode.Range(0, 0, cell.document.lineCount, 0), text);
  if ((await vscode.workspace.applyEdit(edit)) && notebook.uri.scheme === 'file') await notebook.save();
}

/** The cell toolbar passes the cell (a NotebookCell); the status bar passes [uri, index]. */
function cellIndexOf(arg: unknown): number | undefined {
  const cell = arg as { index?: unknown; notebook?: unknown } | undefined;
  return cell && typeof cell.index === 'number' && cell.notebook ? cell.index : undefined;
}

/** The notebook's runbook, or undefined after saying why it cannot be read (a broken fence). */
function runbookOrError(editor: vscode.NotebookEditor): NotebookRunbook | undefined {
  try {
    return notebookRunbook(editor.notebook);
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

function editorFor(uri: vscode.Uri | undefined): vscode.NotebookEditor | undefined {
  const active = vscode.window.activeNotebookEditor;
  const editor = uri ? (vscode.window.visibleNotebookEditors.find((e) => e.notebook.uri.toString() === uri.toString()) ?? active) : active;
  if (editor?.notebook.notebookType === NOTEBOOK_TYPE) return editor;
  void vscode.window.showInformationMessage('Open a runbook (a *.runbook.md file) first.');
  return undefined;
}

async function trusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  await refuseUntrusted();
  return false;
}
