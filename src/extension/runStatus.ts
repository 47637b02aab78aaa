// Two status bar items for the runbook notebook in front: its parameters (click: Set Parameter)
// and the summary of its last run, which stays until the next run (click: reveal where it stopped).

import * as vscode from 'vscode';
import { notebookRunbook } from './openNotebook';
import { parameterSummary } from './parameterValues';
import type { RunSummary } from './runSummary';
import { NOTEBOOK_TYPE } from './serializer';

export class RunStatus implements vscode.Disposable {
  private readonly parameters: vscode.StatusBarItem;
  private readonly summary: vscode.StatusBarItem;
  private readonly summaries = new Map<string, RunSummary>();

  constructor(private readonly parametersOf: (notebook: vscode.NotebookDocument) => Record<string, string>) {
    this.parameters = vscode.window.createStatusBarItem('runbook.parameters', vscode.StatusBarAlignment.Left, 99);
    this.parameters.name = 'Runbook Parameters';
    this.parameters.command = 'runbook.setParameter';
    this.summary = vscode.window.createStatusBarItem('runbook.runSummary', vscode.StatusBarAlignment.Left, 98);
    this.summary.name = 'Runbook Run Summary';
    this.summary.command = 'runbook.showRunStop';
  }

  /** The last run's summary of this notebook (replaces the one before). */
  ran(notebook: vscode.NotebookDocument, summary: RunSummary): void {
    this.summaries.set(notebook.uri.toString(), summary);
    this.update();
  }

  summaryOf(notebook: vscode.NotebookDocument): RunSummary | undefined {
    return this.summaries.get(notebook.uri.toString());
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.summaries.delete(notebook.uri.toString());
  }

  update(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      this.parameters.hide();
      this.summary.hide();
      return;
    }
    this.showParameters(notebook);
    const summary = this.summaries.get(notebook.uri.toString());
    if (!summary) {
      this.summary.hide();
      return;
    }
    const icon = summary.trouble ? '$(error)' : summary.severity === 'critical' ? '$(flame)' : summary.severity === 'warning' ? '$(warning)' : '$(pass)';
    this.summary.text = `${icon} ${summary.text}`;
    this.summary.tooltip = new vscode.MarkdownString(`**Last run:** ${escape(summary.text)}\n\n${escape(summary.detail)}\n\nClick to show the step.`);
    this.summary.backgroundColor = summary.trouble || summary.severity === 'critical' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.summary.show();
  }

  private showParameters(notebook: vscode.NotebookDocument): void {
    let text = '';
    try {
      text = parameterSummary(notebookRunbook(notebook).runbook, this.parametersOf(notebook));
    } catch {
      text = '';
    }
    if (!text) {
      this.parameters.hide();
      return;
    }
    this.parameters.text = `$(symbol-parameter) ${text}`;
    this.parameters.tooltip = `Runbook parameters: ${text}. Click to change one (Runbook: Set Parameter).`;
    this.parameters.show();
  }

  dispose(): void {
    this.parameters.dispose();
    this.summary.dispose();
  }
}

/** Text from a host or a runbook shown as text, never as Markdown. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
