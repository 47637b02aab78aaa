// A runbook named in a hint or message (`runbooks/conn-cap.runbook.md`), clicked in the renderer:
// opened as a notebook from next to the open runbook, the workspace, or the runbooks bundled with
// the extension. The name comes from runbook or host text, so only a relative `*.runbook.md` path
// that exists is opened; nothing else is read.

import * as vscode from 'vscode';
import { recordName } from '../engine/journal';
import { NOTEBOOK_TYPE } from '../protocol/ids';

const EXTENSION_ID = 'incident-runbooks.incident-runbooks';

export async function openLinkedRunbook(from: vscode.NotebookDocument, written: string): Promise<void> {
  const parts = written.split('/').filter((p) => p !== '' && p !== '.');
  if (!written.endsWith('.runbook.md') || written.startsWith('/') || parts.includes('..') || parts.length === 0) {
    void vscode.window.showWarningMessage(`"${written}" is not a runbook this link can open.`);
    return;
  }
  for (const candidate of candidates(from, parts)) {
    if (await exists(candidate)) {
      await vscode.commands.executeCommand('vscode.openWith', candidate, NOTEBOOK_TYPE);
      return;
    }
  }
  void vscode.window.showWarningMessage(`No runbook ${written} next to this runbook, in the workspace or among the bundled runbooks.`);
}

/** Next to the notebook (and its parent, for `runbooks/x` written from inside runbooks/), each workspace folder, then the bundled folder by name. */
function candidates(from: vscode.NotebookDocument, parts: string[]): vscode.Uri[] {
  const dir = vscode.Uri.joinPath(from.uri, '..');
  const list = [vscode.Uri.joinPath(dir, ...parts), vscode.Uri.joinPath(dir, '..', ...parts)];
  for (const folder of vscode.workspace.workspaceFolders ?? []) list.push(vscode.Uri.joinPath(folder.uri, ...parts));
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (extension) list.push(vscode.Uri.joinPath(extension.extensionUri, 'runbooks', parts[parts.length - 1]));
  return list;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/**
 * A fetched file's local copy, clicked in a step's result: `<record>.evidence/<run>/<file>` beside
 * the record. The path comes from the record's file, so only one of that shape, inside this record's
 * evidence folder, that exists, is opened.
 */
export async function openEvidenceFile(from: vscode.NotebookDocument, written: string): Promise<void> {
  const parts = written.split('/');
  const folder = `${recordName(from.uri.path)}.evidence`;
  const plain = parts.length === 3 && parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p) && p !== '.' && p !== '..');
  if (!plain || parts[0] !== folder) {
    void vscode.window.showWarningMessage(`"${written}" is not a file in this record's evidence folder.`);
    return;
  }
  const uri = vscode.Uri.joinPath(from.uri, '..', ...parts);
  if (!(await exists(uri))) {
    void vscode.window.showWarningMessage(`The local copy ${written} is not there any more (moved or deleted?).`);
    return;
  }
  await vscode.commands.executeCommand('vscode.open', uri);
}
