// Extension entry point: registers the runbook notebook pieces. Placeholder until the notebook issue.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('runbook.checkFile', () => undefined),
  );
}

export function deactivate(): void {}
