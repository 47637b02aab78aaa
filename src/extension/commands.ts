// The `runbook.*` commands: pick a host, run or cancel steps, start an incident from a template,
// export the postmortem, open the bundled runbooks, forget saved secrets. Running is gated on trust.

import * as vscode from 'vscode';
import type { Parameter } from '../runbook/model';
import { parseRunbook } from '../runbook/parse';
import type { HostTargets } from './hostTargets';
import type { VsCodePrompter } from './prompter';
import { refuseUntrusted, type NotebookRunner } from './runner';
import { NOTEBOOK_TYPE } from './serializer';
import { readSettings } from './settings';
import { exportPostmortem } from './exportCommand';
import { registerNotebookCommands } from './notebookCommands';
import { askIncidentParameters } from './parameterPrompts';
import type { RunStatus } from './runStatus';

export interface CommandParts {
  runner: NotebookRunner;
  targets: HostTargets;
  prompter: VsCodePrompter;
  log: vscode.LogOutputChannel;
  status: RunStatus;
}

export function registerCommands(context: vscode.ExtensionContext, parts: CommandParts): void {
  const { runner, targets, prompter, log, status } = parts;
  const register = (id: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await run(...args);
        } catch (error) {
          log.error(`${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
          return undefined;
        }
      }),
    );

  register('runbook.selectHost', async (name?: string) => {
    const notebook = activeRunbook();
    if (!notebook) return;
    if (typeof name === 'string') await targets.select(notebook, [name]);
    else await targets.pick(notebook);
  });

  registerNotebookCommands({ runner, status, register });

  register('runbook.cancel', () => {
    const notebook = activeRunbook();
    if (notebook && !runner.cancel(notebook)) void vscode.window.showInformationMessage('No step is running in this runbook.');
  });

  register('runbook.startIncident', (uri?: vscode.Uri) => startIncidentFromTemplate(parts, uri));

  register('runbook.exportPostmortem', () => exportPostmortem(runner, log));

  register('runbook.openBundledRunbook', () => openBundledRunbook(context));

  register('runbook.forgetSecrets', async () => {
    const count = await prompter.forgetAll();
    void vscode.window.showInformationMessage(
      count ? `Forgot ${count} saved password${count === 1 ? '' : 's'} and passphrase${count === 1 ? '' : 's'}.` : 'No saved passwords or passphrases.',
    );
  });

  register('runbook.checkFile', async () => {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}

/** A new incident record from the open template: asks the title, copies the target and the parameters typed so far (secrets are asked again). */
async function startIncidentFromTemplate(parts: CommandParts, uri?: vscode.Uri): Promise<void> {
  const { runner, targets, log } = parts;
  if (!(await trusted())) return;
  const notebook = uri ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString()) : activeRunbook();
  const templateUri = notebook?.uri ?? uri;
  if (!templateUri || templateUri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Open a runbook (a *.runbook.md file) first, then start the incident from it.');
    return;
  }
  if (notebook?.isDirty) await notebook.save();
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(templateUri));
  const template = parseRunbook(text, vscode.workspace.asRelativePath(templateUri));
  if (template.frontMatter?.incident) {
    void vscode.window.showInformationMessage(`${template.fileName} already is an incident record (${template.frontMatter.incident.id}): run its steps here.`);
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(templateUri) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Open a folder first: incident records are written to its incidents folder (setting runbook.incidents.folder).');
    return;
  }
  const title = await vscode.window.showInputBox({
    title: 'Start incident',
    prompt: 'A title for the incident record',
    value: template.frontMatter?.title ?? '',
    ignoreFocusOut: true,
  });
  if (title === undefined) return;
  // Every parameter now, prefilled: a default that does not fit this incident (port 8080) is seen before any step runs.
  const values = await askIncidentParameters(template, notebook ? runner.parametersOf(notebook) : {});
  if (values === undefined) return;
  const { startIncident } = await import('../engine/incident');
  const target = notebook ? targets.targetOf(notebook)?.names : undefined;
  const { recordPath, incident } = startIncident(templateUri.fsPath, {
    folder: readSettings(templateUri).incidentsFolder,
    workspaceRoot: folder.uri.fsPath,
    title: title.trim() || undefined,
    target,
    parameters: withoutSecrets({ ...(notebook ? runner.parametersOf(notebook) : {}), ...values }, template.frontMatter?.parameters ?? []),
  });
  log.info(`incident ${incident.id} started from ${template.fileName}: ${recordPath}`);
  const record = await vscode.workspace.openNotebookDocument(vscode.Uri.file(recordPath));
  // Secrets typed here stay in memory for this record's runs, never in its file.
  for (const [name, value] of Object.entries(values)) runner.setParameter(record, name, value);
  await vscode.window.showNotebookDocument(record);
  if (target?.length) await targets.select(record, target);
}

/** The runbooks shipped with the extension, in a quick pick, opened as notebooks. */
async function openBundledRunbook(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.Uri.joinPath(context.extensionUri, 'runbooks');
  let names: string[] = [];
  try {
    names = (await vscode.workspace.fs.readDirectory(folder))
      .map(([name]) => name)
      .filter((n) => n.endsWith('.runbook.md'))
      .sort();
  } catch {
    names = [];
  }
  if (names.length === 0) {
    void vscode.window.showInformationMessage('This build of Incident Runbooks has no bundled runbooks.');
    return;
  }
  const items = await Promise.all(
    names.map(async (name) => {
      const uri = vscode.Uri.joinPath(folder, name);
      const runbook = parseRunbook(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), name);
      return { label: runbook.frontMatter?.title ?? name, description: name, detail: runbook.frontMatter?.description, uri };
    }),
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Open a bundled runbook', matchOnDescription: true, matchOnDetail: true });
  if (picked) await vscode.commands.executeCommand('vscode.openWith', picked.uri, NOTEBOOK_TYPE);
}

/** Secret values are asked again in the record rather than written into it. */
function withoutSecrets(values: Record<string, string>, declared: Parameter[]): Record<string, string> {
  const secret = new Set(declared.filter((p) => p.secret).map((p) => p.name));
  return Object.fromEntries(Object.entries(values).filter(([name]) => !secret.has(name)));
}

function activeRunbookEditor(): vscode.NotebookEditor | undefined {
  const editor = vscode.window.activeNotebookEditor;
  if (editor?.notebook.notebookType === NOTEBOOK_TYPE) return editor;
  void vscode.window.showInformationMessage('Open a runbook (a *.runbook.md file) first.');
  return undefined;
}

function activeRunbook(): vscode.NotebookDocument | undefined {
  return activeRunbookEditor()?.notebook;
}

async function trusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  await refuseUntrusted();
  return false;
}
