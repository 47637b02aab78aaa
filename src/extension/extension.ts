// Extension entry point: registers the runbook notebook (serializer, the step controller and the
// renderer's messages, see controller.ts), the host picker and Hosts view, the commands and Workspace Trust handling. Cheap:
// no I/O here; the engine and ssh2 load on the first run.

import * as vscode from 'vscode';
import { createRedactor } from '../redact/redactor';
import { registerCommands } from './commands';
import { registerIncidentCommands } from './incidentCommands';
import { HostStates } from './hostStates';
import { HostTargets } from './hostTargets';
import { HostsView } from './hostsView';
import { registerMapView } from './mapView';
import { VsCodePrompter } from './prompter';
import { createStepController, listenToRenderer } from './controller';
import { NotebookRunner } from './runner';
import { NOTEBOOK_TYPE, registerRunbookSerializer } from './serializer';
import { readSettings } from './settings';
import { CellStatus } from './cellStatus';
import { trackRunbookNotebooks } from './exportCommand';
import { RunStatus } from './runStatus';

export function activate(context: vscode.ExtensionContext): void {
  registerRunbookSerializer(context);
  const log = vscode.window.createOutputChannel('Incident Runbooks', { log: true });
  const redactor = createRedactor();
  const prompter = new VsCodePrompter(
    context,
    (secret) => redactor.addSecret(secret),
    () => readSettings().rememberSecrets,
  );
  const hostStates = new HostStates();
  const targets = new HostTargets(context, log);
  // The status bar keeps the parameters and the last run's summary of the notebook in front.
  const status: RunStatus = new RunStatus((notebook) => runner.parametersOf(notebook));
  const runner: NotebookRunner = new NotebookRunner({
    log,
    hostStates,
    redactor,
    prompter,
    targets,
    onRan: (notebook, summary) => status.ran(notebook, summary),
    onParameters: () => status.update(),
  });
  const cells = new CellStatus();
  context.subscriptions.push(status, cells, vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, cells));
  trackRunbookNotebooks(context);

  context.subscriptions.push(log, createStepController(runner), targets, runner);

  const hostsView = new HostsView(targets, hostStates);
  context.subscriptions.push(hostsView, vscode.window.registerTreeDataProvider('runbook.hosts', hostsView));

  context.subscriptions.push(listenToRenderer(runner, log));

  registerCommands(context, { runner, targets, prompter, log, status });
  registerIncidentCommands(context, { runner, targets, log });
  registerMapView(context, log);

  const refresh = () => {
    targets.updateStatusBar();
    status.update();
    // Check cells are not folded on open: VS Code's fold command acts on the notebook in front, and
    // retries for one notebook folded another's step cells (hiding a command). A click on a check's
    // status bar folds it (cellStatus.ts fold).
    void vscode.commands.executeCommand('setContext', 'runbook.trusted', vscode.workspace.isTrusted);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveNotebookEditor(refresh),
    vscode.window.onDidChangeVisibleNotebookEditors(refresh),
    // Edits change what a cell's status bar says; streamed outputs do not.
    vscode.workspace.onDidChangeNotebookDocument(
      (e) =>
        e.notebook.notebookType === NOTEBOOK_TYPE &&
        (e.contentChanges.length > 0 || e.cellChanges.some((c) => c.document !== undefined || c.metadata !== undefined)) &&
        cells.refresh(e.notebook),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      refresh();
      hostsView.refresh();
      log.info('workspace trusted: steps can run');
    }),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => {
      runner.forget(notebook);
      targets.forget(notebook);
      status.forget(notebook);
      cells.forget(notebook);
    }),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('runbook') && log.info('settings changed: they apply from the next run (SSH settings after a reload)'),
    ),
  );
  refresh();
  startLanguageClientOnFirstRunbook(context, log);
}

/** The language server starts with the first runbook notebook or `*.runbook.md` text editor, not at activation. */
function startLanguageClientOnFirstRunbook(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  let started = false;
  const listeners: vscode.Disposable[] = [];
  const start = () => {
    if (started) return;
    started = true;
    void import('./languageClient')
      .then(({ startLanguageClient }) => startLanguageClient(context))
      .then(
        () => {
          for (const l of listeners) l.dispose();
          log.info('language server started');
        },
        (error: unknown) => {
          started = false; // the next runbook that opens tries again
          log.error(`language server did not start: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
  };
  const isRunbookText = (d: vscode.TextDocument) => d.languageId === 'runbook-markdown' || d.uri.path.endsWith('.runbook.md');
  listeners.push(
    vscode.workspace.onDidOpenNotebookDocument((n) => n.notebookType === NOTEBOOK_TYPE && start()),
    vscode.workspace.onDidOpenTextDocument((d) => isRunbookText(d) && start()),
  );
  context.subscriptions.push(...listeners);
  if (vscode.workspace.notebookDocuments.some((n) => n.notebookType === NOTEBOOK_TYPE) || vscode.workspace.textDocuments.some(isRunbookText)) start();
}

export function deactivate(): void {}
