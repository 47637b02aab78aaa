// A step cell's outputs after a run: the verdict first (our result view), then per host the saved
// output (what a save writes into the file, its raw text collapsed by our renderer), then an error
// output when a host failed. A reopened record shows the same order (serializer.ts).

import * as vscode from 'vscode';
import { RESULT_MIME } from '../protocol/renderer';
import { toGroupResultView } from '../engine/groupView';
import { adviceFor, failedRuns } from '../engine/resultView';
import type { StepRun } from '../engine/runStep';
import type { SavedOutput } from '../runbook/model';
import { OUTPUT_MIME } from '../runbook/cells';
import type { FailureKind } from '../base/failure';

/** Same shape the serializer gives a saved output, so a reopened record looks like a fresh run. */
export function savedOutputCell(saved: SavedOutput, transient = false): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(saved, OUTPUT_MIME), vscode.NotebookCellOutputItem.text(saved.text)], {
    runId: saved.runId,
    // A run outside an incident record is shown, never written into the runbook (serializer.ts drops it).
    ...(transient ? { transient: true } : {}),
  });
}

export function stepRunOutputs(run: StepRun, saved: SavedOutput[], transient = false): vscode.NotebookCellOutput[] {
  const outputs = [new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(toGroupResultView(run, saved), RESULT_MIME)])];
  outputs.push(...saved.map((s) => savedOutputCell(s, transient)));
  const failed = failedRuns(run);
  if (failed.length) {
    const lines = failed.map((r) => {
      const error = r.result.error;
      const kind = (error?.kind ?? 'internal') as FailureKind;
      return `${r.host.name}: ${error?.message ?? r.result.termination}\n  What to do: ${error?.hint ?? adviceFor(kind)}`;
    });
    const first = failed[0].result.error;
    outputs.push(errorOutput(`${titleOf(first?.kind ?? failed[0].result.termination)} on ${failed.map((r) => r.host.name).join(', ')}`, lines.join('\n')));
  }
  return outputs;
}

export function errorOutput(name: string, message: string, whatToDo?: string): vscode.NotebookCellOutput {
  const error = new Error(message);
  error.name = name;
  // VS Code shows the stack under the message: use it for what to do, not for our call stack.
  error.stack = whatToDo ? `What to do: ${whatToDo}` : message;
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]);
}

const TITLES: Record<string, string> = {
  auth: 'Login failed',
  'host-key-unknown': 'Host key not trusted',
  'host-key-changed': 'Host key changed',
  'host-key-revoked': 'Host key revoked',
  timeout: 'Timed out',
  keepalive: 'Connection lost',
  'connection-lost': 'Connection lost',
  socket: 'Connection failed',
  dns: 'Unknown host name',
  config: 'Configuration problem',
  channel: 'Session refused',
  cancelled: 'Cancelled',
};

function titleOf(kind: string): string {
  return TITLES[kind] ?? 'Step failed';
}
