// Cell status bar items of a runbook notebook: what each step is, at a glance (cellLabels.ts), and a
// check's one-line summary (a check cell itself is drawn in one line by media/checkCell).

import * as vscode from 'vscode';
import type { Step } from '../runbook/model';
import type { NotebookRunbook } from '../runbook/runbookOfCells';
import { checkLabel, runLabel, stepLabels, type CellLabel } from './cellLabels';
import { notebookRunbook } from './openNotebook';
import { readSettings } from './settings';
import { isCheckCell } from '../runbook/cells';

export class CellStatus implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly cache = new Map<string, { version: number; nb?: NotebookRunbook }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.changed.event;

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    const nb = this.runbookOf(cell.notebook);
    if (!nb) return [];
    const step = nb.stepAt.get(cell.index);
    if (step) {
      // 60 s is the engine's default (engine/runStep.ts), not imported: activation stays light.
      const timeout = readSettings(cell.notebook.uri).defaultTimeoutMs ?? 60_000;
      const items = stepLabels(step, timeout).map((l) => item(l, vscode.NotebookCellStatusBarAlignment.Left));
      const run = item(runLabel(step), vscode.NotebookCellStatusBarAlignment.Right);
      // Kept when the cell is narrow: the run affordance matters more than the language label.
      run.priority = 1000;
      run.command = { title: 'Run Step', command: 'runbook.runStep', arguments: [cell.notebook.uri, cell.index] };
      return [...items, run];
    }
    const markup = cell.kind === vscode.NotebookCellKind.Markup;
    const isCheck = isCheckCell({ kind: markup ? 'markup' : 'code', languageId: cell.document.languageId, value: cell.document.getText() });
    const owner = isCheck ? stepAbove(nb, cell.index) : undefined;
    const label = owner && checkLabel(owner);
    return label ? [item(label, vscode.NotebookCellStatusBarAlignment.Left)] : [];
  }

  refresh(notebook: vscode.NotebookDocument): void {
    this.cache.delete(notebook.uri.toString());
    this.changed.fire();
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.cache.delete(notebook.uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }

  private runbookOf(notebook: vscode.NotebookDocument): NotebookRunbook | undefined {
    const key = notebook.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === notebook.version) return cached.nb;
    let nb: NotebookRunbook | undefined;
    try {
      nb = notebookRunbook(notebook);
    } catch {
      nb = undefined; // a broken fence: the language server says where
    }
    this.cache.set(key, { version: notebook.version, nb });
    return nb;
  }
}

function stepAbove(nb: NotebookRunbook, index: number): Step | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const step = nb.stepAt.get(i);
    if (step) return step;
  }
  return undefined;
}

function item(label: CellLabel, alignment: vscode.NotebookCellStatusBarAlignment): vscode.NotebookCellStatusBarItem {
  const it = new vscode.NotebookCellStatusBarItem(label.text, alignment);
  it.tooltip = label.tooltip;
  return it;
}
