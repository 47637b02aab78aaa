// Export Postmortem: of the runbook notebook in front, else the last one in front (the exported file
// may have the focus now), else one the user picks. HTML opens in a preview (a webview that runs no
// script), Markdown as text.

import * as vscode from 'vscode';
import { parseRunbook } from '../runbook/parse';
import type { NotebookRunner } from './runner';
import { NOTEBOOK_TYPE } from './serializer';

let lastRunbook: vscode.NotebookDocument | undefined;

/** Remembers the last runbook notebook in front and keeps `runbook.hasRunbookNotebook` for the palette's `when`. */
export function trackRunbookNotebooks(context: vscode.ExtensionContext): void {
  const update = () => {
    const active = vscode.window.activeNotebookEditor?.notebook;
    if (active?.notebookType === NOTEBOOK_TYPE) lastRunbook = active;
    if (lastRunbook?.isClosed) lastRunbook = undefined;
    const open = vscode.workspace.notebookDocuments.some((n) => n.notebookType === NOTEBOOK_TYPE);
    void vscode.commands.executeCommand('setContext', 'runbook.hasRunbookNotebook', open);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveNotebookEditor(update),
    vscode.workspace.onDidOpenNotebookDocument(update),
    vscode.workspace.onDidCloseNotebookDocument(update),
  );
  update();
}

async function runbookToExport(): Promise<vscode.NotebookDocument | undefined> {
  const active = vscode.window.activeNotebookEditor?.notebook;
  if (active?.notebookType === NOTEBOOK_TYPE) return active;
  if (lastRunbook && !lastRunbook.isClosed) return lastRunbook;
  const open = vscode.workspace.notebookDocuments.filter((n) => n.notebookType === NOTEBOOK_TYPE && n.uri.scheme === 'file');
  if (open.length <= 1) return open[0];
  const picked = await vscode.window.showQuickPick(
    open.map((n) => ({ label: vscode.workspace.asRelativePath(n.uri), notebook: n })),
    { title: 'Export the postmortem of which runbook?', ignoreFocusOut: true },
  );
  return picked?.notebook;
}

export async function exportPostmortem(runner: NotebookRunner, log: vscode.LogOutputChannel): Promise<void> {
  const notebook = await runbookToExport();
  if (!notebook || notebook.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Open an incident record (a *.runbook.md file) first, then export its postmortem.');
    return;
  }
  if (notebook.isDirty) await notebook.save();
  const format = await vscode.window.showQuickPick(
    [
      { label: 'Markdown', description: '.postmortem.md', format: 'markdown' as const, ext: 'md' },
      { label: 'HTML', description: '.postmortem.html (self-contained, no scripts; opens in a preview)', format: 'html' as const, ext: 'html' },
    ],
    // ignoreFocusOut: from a preview (a webview) the focus can move back to it while the pick is open.
    { title: `Export postmortem of ${vscode.workspace.asRelativePath(notebook.uri)} as`, ignoreFocusOut: true },
  );
  if (!format) return;
  const file = notebook.uri.fsPath;
  const [{ readJournal, journalPathFor }, { exportPostmortem: render }, { createRedactor }, fs] = await Promise.all([
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
  const text = await render({ runbook, journal: entries, recordPath: file, redactor: createRedactor({ secrets }), format: format.format });
  const output = vscode.Uri.file(file.replace(/(\.runbook)?\.md$/i, `.postmortem.${format.ext}`));
  await vscode.workspace.fs.writeFile(output, new TextEncoder().encode(text));
  if (!runbook.frontMatter?.incident)
    void vscode.window.showWarningMessage(
      'This is a runbook template, not an incident record: the postmortem holds only what the file itself has. Start an incident to journal the runs.',
    );
  if (format.format === 'html') showHtmlPreview(output, text);
  else await vscode.window.showTextDocument(output);
}

/** The exported page as the reader will see it. No script runs: the CSP allows inline styles and data: images only. */
function showHtmlPreview(file: vscode.Uri, html: string): void {
  const name = file.path.split('/').pop() ?? 'postmortem.html';
  const panel = vscode.window.createWebviewPanel('runbook.postmortemPreview', `Preview: ${name}`, vscode.ViewColumn.Active, {
    enableScripts: false,
    enableForms: false,
    localResourceRoots: [],
  });
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">`;
  panel.webview.html = /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${csp}`) : `${csp}${html}`;
}
