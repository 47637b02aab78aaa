// Cell status bar items of a runbook notebook (what each step is, at a glance: cellLabels.ts), and
// check cells folded to their one-line summary when a notebook opens (the user can unfold them).

import * as vscode from 'vscode';
import type { Step } from '../runbook/model';
import type { NotebookRunbook } from '../runbook/runbookOfCells';
import { checkLabel, runLabel, stepLabels, type CellLabel } from './cellLabels';
import { notebookRunbook } from './openNotebook';
import { NOTEBOOK_TYPE } from './serializer';
import { readSettings } from './settings';
import { CHECK_LANGUAGE } from '../protocol/ids';

export class CellStatus implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly cache = new Map<string, { version: number; nb?: NotebookRunbook }>();
  private readonly folded = new Set<string>();
  /** Check cells whose YAML is folded (by us, or by a click on their summary). */
  private readonly foldedCells = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Counts changes of the notebook in front: a fold started for one notebook stops when another comes to the front. */
  private frontChanges = 0;
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
    const owner = cell.document.languageId === CHECK_LANGUAGE ? stepAbove(nb, cell.index) : undefined;
    const label = owner && checkLabel(owner);
    if (!label) return [];
    const check = item(label, vscode.NotebookCellStatusBarAlignment.Left);
    check.command = { title: 'Fold the check', command: 'runbook.foldCheck', arguments: [cell.notebook.uri, cell.index] };
    return [check];
  }

  constructor(private readonly log?: vscode.LogOutputChannel) {}

  /** Check cells start folded (once per notebook opened): the YAML is a click away. */
  async foldChecks(editor: vscode.NotebookEditor): Promise<void> {
    const notebook = editor.notebook;
    if (notebook.notebookType !== NOTEBOOK_TYPE || this.folded.has(notebook.uri.toString())) return;
    this.folded.add(notebook.uri.toString());
    const checks = notebook.getCells().filter((c) => c.document.languageId === CHECK_LANGUAGE);
    for (const c of checks) this.foldedCells.add(c.document.uri.toString());
    if (checks.length === 0) return;
    // A notebook editor that just became visible may not have laid out its cells yet, and folding
    // then does nothing (seen in code-server 1.139 on a busy machine): fold again a few times while it
    // settles. Only cells still meant to be folded: a check the user opened stays open.
    let foldedInFront = false;
    const front = this.frontChanges;
    for (const delay of [0, 300, 1000, 2500, 5000]) {
      await new Promise((r) => setTimeout(r, delay));
      if (notebook.isClosed) return;
      // The fold command acts on the notebook in front whatever document it is given: folding after
      // another notebook came to the front folded that one's step cells at these indexes. Stop at the
      // first change of the notebook in front.
      if (this.frontChanges !== front || vscode.window.activeNotebookEditor?.notebook !== notebook) break;
      foldedInFront = true;
      // The cells as they are now (an edit may have replaced them), and only check cells.
      const ranges = notebook
        .getCells()
        .filter((c) => c.document.languageId === CHECK_LANGUAGE && this.foldedCells.has(c.document.uri.toString()))
        .map((c) => ({ start: c.index, end: c.index + 1 }));
      if (ranges.length === 0) return;
      await vscode.commands.executeCommand('notebook.cell.collapseCellInput', { ranges, document: notebook.uri }).then(
        () => undefined,
        (error: unknown) => this.log?.warn(`folding check cells: ${String(error)}`),
      );
    }
    // Never in front while it settled: fold when it comes to the front.
    if (!foldedInFront) this.folded.delete(notebook.uri.toString());
  }

  /** Folds a check again: its summary is in the cell's status bar, which VS Code shows only while the check is unfolded. */
  async fold(uri: vscode.Uri, index: number): Promise<void> {
    const cell = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString())?.cellAt(index);
    if (!cell || vscode.window.activeNotebookEditor?.notebook.uri.toString() !== uri.toString()) return;
    this.foldedCells.add(cell.document.uri.toString());
    await vscode.commands.executeCommand('notebook.cell.collapseCellInput', { ranges: [{ start: index, end: index + 1 }], document: uri });
  }

  frontChanged(): void {
    this.frontChanges++;
  }

  refresh(notebook: vscode.NotebookDocument): void {
    this.cache.delete(notebook.uri.toString());
    this.changed.fire();
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.cache.delete(notebook.uri.toString());
    this.folded.delete(notebook.uri.toString());
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
