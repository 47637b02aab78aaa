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

export interface CommandParts {
  runner: NotebookRunner;
  targets: HostTargets;
  prompter: VsCodePrompter;
  log: vscode.LogOutputChannel;
}

export function registerCommands(context: vscode.ExtensionContext, parts: CommandParts): void {
  const { runner, targets, prompter, log } = parts;
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

  register('runbook.runStep', async () => {
    const editor = activeRunbookEditor();
    if (!editor || !(await trusted())) return;
    const index = editor.selections[0]?.start ?? 0;
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: editor.notebook.uri });
  });

  // From the current cell to the end: the controller runs it as automatic progression.
  register('runbook.runToNextDecision', async () => {
    const editor = activeRunbookEditor();
    if (!editor || !(await trusted())) return;
    const index = editor.selections[0]?.start ?? 0;
    await vscode.commands.executeCommand('notebook.cell.execute', {
      ranges: [{ start: index, end: editor.notebook.cellCount }],
      document: editor.notebook.uri,
    });
  });

  register('runbook.cancel', () => {
    const notebook = activeRunbook();
    if (notebook && !runner.cancel(notebook)) void vscode.window.showInformationMessage('No step is running in this runbook.');
  });

  register('runbook.startIncident', (uri?: vscode.Uri) => startIncidentFromTemplate(parts, uri));

  register('runbook.exportPostmortem', () => exportPostmortemOfActive(parts));

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
  const { startIncident } = await import('../engine/incident');
  const target = notebook ? targets.targetOf(notebook)?.names : undefined;
  const { recordPath, incident } = startIncident(templateUri.fsPath, {
    folder: readSettings(templateUri).incidentsFolder,
    workspaceRoot: folder.uri.fsPath,
    title: title.trim() || undefined,
    target,
    parameters: notebook ? withoutSecrets(runner.parametersOf(notebook), template.frontMatter?.parameters ?? []) : undefined,
  });
  log.info(`incident ${incident.id} started from ${template.fileName}: ${recordPath}`);
  const record = await vscode.workspace.openNotebookDocument(vscode.Uri.file(recordPath));
  await vscode.window.showNotebookDocument(record);
  if (target?.length) await targets.select(record, target);
}

/** The postmortem of the record in front, as Markdown or HTML, beside the record. */
async function exportPostmortemOfActive(parts: CommandParts): Promise<void> {
  const { runner, log } = parts;
  const notebook = activeRunbook();
  if (!notebook || notebook.uri.scheme !== 'file') return;
  if (notebook.isDirty) await notebook.save();
  const format = await vscode.window.showQuickPick(
    [
      { label: 'Markdown', description: '.postmortem.md', format: 'markdown' as const, ext: 'md' },
      { label: 'HTML', description: '.postmortem.html (self-contained, no scripts)', format: 'html' as const, ext: 'html' },
    ],
    { title: 'Export postmortem as' },
  );
  if (!format) return;
  const file = notebook.uri.fsPath;
  const [{ readJournal, journalPathFor }, { exportPostmortem }, { createRedactor }, fs] = await Promise.all([
    import('../engine/journal'),
    import('../report/export'),
    import('../redact/redactor'),
    import('node:fs'),
  ]);
  const runbook = parseRunbook(fs.readFileSync(file, 'utf8'), vscode.workspace.asRelativePath(notebook.uri));
  const journalFile = journalPathFor(file);
  const { entries, problems } = fs.existsSync(journalFile) ? readJournal(journalFile) : { entries: [], problems: [] };
  for (const problem of problems) log.warn(`${journalFile}: ${problem}`);
  const params = { ...runbook.frontMatter?.incident?.parameters, ...runner.parametersOf(notebook) };
  const secrets = (runbook.frontMatter?.parameters ?? []).filter((p) => p.secret && params[p.name]).map((p) => params[p.name]);
  const text = await exportPostmortem({ runbook, journal: entries, recordPath: file, redactor: createRedactor({ secrets }), format: format.format });
  const output = vscode.Uri.file(file.replace(/(\.runbook)?\.md$/i, `.postmortem.${format.ext}`));
  await vscode.workspace.fs.writeFile(output, new TextEncoder().encode(text));
  if (!runbook.frontMatter?.incident)
    void vscode.window.showWarningMessage(
      'This is a runbook template, not an incident record: the postmortem holds only what the file itself has. Start an incident to journal the runs.',
    );
  await vscode.window.showTextDocument(output);
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
