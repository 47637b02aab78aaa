// The notebook controller that runs step cells, and the renderer's messages ("Run next step",
// "Reveal") that come back from a result: both hand the work to the NotebookRunner.

import * as vscode from 'vscode';
import { findStep } from '../engine/decide';
import { NOTEBOOK_TYPE, RENDERER_ID, STEP_LANGUAGE } from '../protocol/ids';
import type { RendererToExtensionMessage } from '../protocol/renderer';
import { notebookRunbook } from './openNotebook';
import { openEvidenceFile, openLinkedRunbook } from './rendererLinks';
import { revealCell, type NotebookRunner } from './runner';

export const CONTROLLER_ID = 'incident-runbook-steps';

export function createStepController(runner: NotebookRunner): vscode.NotebookController {
  const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Incident Runbook');
  controller.supportedLanguages = [STEP_LANGUAGE];
  controller.supportsExecutionOrder = true;
  controller.description = 'Runs steps on the selected host over SSH';
  controller.executeHandler = (cells, notebook, ctrl) => runner.execute(cells, notebook, ctrl);
  return controller;
}

export function listenToRenderer(runner: NotebookRunner, log: vscode.LogOutputChannel): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  return messaging.onDidReceiveMessage(({ editor, message }) => void onRendererMessage(editor, message as RendererToExtensionMessage, log, runner));
}

async function onRendererMessage(
  editor: vscode.NotebookEditor,
  message: RendererToExtensionMessage,
  log: vscode.LogOutputChannel,
  runner: NotebookRunner,
): Promise<void> {
  // A runbook named in a hint: open it (rendererLinks.ts checks the name).
  if (editor.notebook.notebookType === NOTEBOOK_TYPE && message?.type === 'openRunbook' && typeof message.path === 'string')
    return openLinkedRunbook(editor.notebook, message.path);
  // A fetched file's local copy (rendererLinks.ts checks the path).
  if (editor.notebook.notebookType === NOTEBOOK_TYPE && message?.type === 'openEvidence' && typeof message.path === 'string')
    return openEvidenceFile(editor.notebook, message.path);
  // A finding marked as important: the timeline note box, prefilled (incidentCommands.ts).
  if (
    editor.notebook.notebookType === NOTEBOOK_TYPE &&
    message?.type === 'markImportant' &&
    typeof message.text === 'string' &&
    typeof message.stepKey === 'string'
  ) {
    const host = typeof message.host === 'string' ? message.host : undefined;
    await vscode.commands.executeCommand('runbook.addTimelineNote', {
      text: message.text,
      step: message.stepKey,
      host,
      source: 'finding',
      record: editor.notebook.uri.fsPath,
    });
    return;
  }
  if (editor.notebook.notebookType !== NOTEBOOK_TYPE || (message.type !== 'runStep' && message.type !== 'revealStep') || typeof message.stepKey !== 'string')
    return;
  let index: number | undefined;
  try {
    const nb = notebookRunbook(editor.notebook);
    const step = findStep(nb.runbook, message.stepKey);
    index = step ? nb.cellOf.get(step.key) : undefined;
  } catch (error) {
    log.warn(`renderer message ${message.type}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (index === undefined) {
    void vscode.window.showWarningMessage(`This runbook has no step "${message.stepKey}" any more.`);
    return;
  }
  await revealCell(editor.notebook, index);
  // A route's button runs the step on that route's hosts only.
  if (message.type === 'runStep' && Array.isArray(message.hosts) && message.hosts.every((h) => typeof h === 'string')) {
    const step = findStep(notebookRunbook(editor.notebook).runbook, message.stepKey);
    if (step) runner.narrowNextRun(editor.notebook, step.key, message.hosts);
  }
  // Through VS Code's own execute command, so the cell runs with our controller; a `confirm` step asks there.
  if (message.type === 'runStep')
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: editor.notebook.uri });
}
