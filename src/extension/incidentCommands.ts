// The incident's lifecycle in VS Code, over src/pipeline/lifecycle.ts and plan.ts: "Add Timeline
// Note" (also from a finding: "mark as important"), status (declared, mitigated, resolved, reopened)
// at the time it happened, "Show Plan" in a read-only editor, and a time stamp on every Markdown
// cell the responder adds to a record (journaled when the record is saved).

import * as vscode from 'vscode';
import type { IncidentStatus } from '../engine/journal';
import { isCheckCell } from '../runbook/cells';
import type { HostTargets } from './hostTargets';
import { notebookRunbook } from './openNotebook';
import type { NotebookRunner } from './runner';
import { NOTEBOOK_TYPE } from './serializer';

/** What the renderer's "mark as important" (or any caller) passes to `runbook.addTimelineNote`. */
export interface NoteArguments {
  text?: string;
  step?: string;
  host?: string;
  /** `finding` when a finding is marked important. */
  source?: 'note' | 'finding';
  /** The record; default the notebook in front. */
  record?: string;
}

export interface IncidentCommandParts {
  runner: NotebookRunner;
  targets: HostTargets;
  log: vscode.LogOutputChannel;
}

const PLAN_SCHEME = 'runbook-plan';

export function registerIncidentCommands(context: vscode.ExtensionContext, parts: IncidentCommandParts): void {
  const { log } = parts;
  const register = (id: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await run(...args);
        } catch (error) {
          log.error(`${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          const hint = (error as { hint?: string }).hint;
          void vscode.window.showErrorMessage(`${error instanceof Error ? error.message : String(error)}${hint ? ` ${hint}` : ''}`);
          return undefined;
        }
      }),
    );

  register('runbook.addTimelineNote', (args?: NoteArguments) => addTimelineNote(args ?? {}, log));
  register('runbook.setIncidentStatus', (status?: IncidentStatus) => setIncidentStatus(status, log));
  register('runbook.markMitigated', () => setIncidentStatus('mitigated', log));
  register('runbook.markResolved', () => setIncidentStatus('resolved', log));

  const plans = new PlanDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans));
  register('runbook.showPlan', () => showPlan(parts, plans));

  context.subscriptions.push(...stampMarkdownCells(log));
}

/** The record in front (or the given one); undefined, with a message, when it is not an incident record. */
async function recordPath(given?: string): Promise<string | undefined> {
  const file = given ?? vscode.window.activeNotebookEditor?.notebook.uri.fsPath;
  const [{ journalPathFor }, fs] = await Promise.all([import('../engine/journal'), import('node:fs')]);
  if (!file || !fs.existsSync(journalPathFor(file))) {
    void vscode.window.showWarningMessage('Open an incident record first (Runbook: Start Incident from This Runbook): notes and status go into its journal.');
    return undefined;
  }
  return file;
}

async function askWhen(title: string): Promise<Date | undefined> {
  const { parseWhen } = await import('../pipeline/lifecycle');
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'When it happened: HH:MM (today, local time), HH:MMZ (UTC), an ISO 8601 time, "now" or "10 min ago"',
    value: 'now',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseWhen(value);
        return undefined;
      } catch (error) {
        return `${(error as Error).message} ${(error as { hint?: string }).hint ?? ''}`;
      }
    },
  });
  return text === undefined ? undefined : parseWhen(text);
}

async function addTimelineNote(args: NoteArguments, log: vscode.LogOutputChannel): Promise<void> {
  const record = await recordPath(args.record);
  if (!record) return;
  const text = await vscode.window.showInputBox({
    title: args.source === 'finding' ? 'Mark as important' : 'Add timeline note',
    prompt: `A line for the incident's timeline${args.step ? ` (step ${args.step}${args.host ? ` on ${args.host}` : ''})` : ''}`,
    value: args.text ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Type the note.'),
  });
  if (text === undefined) return;
  const at = await askWhen('When did it happen?');
  if (!at) return;
  const { addNote } = await import('../pipeline/lifecycle');
  const entry = await addNote(record, { text, at, step: args.step, host: args.host, source: args.source });
  log.info(`note added to ${record} at ${entry.time}`);
  void vscode.window.showInformationMessage(`Note added to the timeline at ${entry.time}.`);
}

async function setIncidentStatus(preset: IncidentStatus | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const record = await recordPath();
  if (!record) return;
  const { setStatus, STATUSES } = await import('../pipeline/lifecycle');
  const status =
    preset ??
    (
      await vscode.window.showQuickPick(
        STATUSES.map((s) => ({ label: s, status: s })),
        { title: 'Incident status' },
      )
    )?.status;
  if (!status) return;
  const at = await askWhen(`When was the incident ${status}?`);
  if (!at) return;
  let impactStart: Date | undefined;
  let detection: { how: string; alert?: string } | undefined;
  if (status === 'declared') {
    const how = await vscode.window.showQuickPick(['alert', 'user report', 'by chance', 'other'], { title: 'How was it detected? (Escape to skip)' });
    if (how) {
      const alert = how === 'alert' ? await vscode.window.showInputBox({ title: 'Which alert?', ignoreFocusOut: true }) : undefined;
      detection = { how, ...(alert ? { alert } : {}) };
    }
  } else if (status === 'mitigated') {
    const start = await vscode.window.showInputBox({ title: 'When did the impact start? (empty to skip)', ignoreFocusOut: true });
    if (start?.trim()) impactStart = (await import('../pipeline/lifecycle')).parseWhen(start);
  }
  const { lifecycle, warnings } = await setStatus(record, { status, at, impactStart, detection });
  for (const w of warnings) void vscode.window.showWarningMessage(w);
  log.info(`${record}: ${status} at ${at.toISOString()}`);
  void vscode.window.showInformationMessage(`Incident ${lifecycle.status} (${status} at ${at.toISOString()}).`);
}

/** Read-only documents holding the plans shown (`runbook-plan:` URIs). */
class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

async function showPlan(parts: IncidentCommandParts, plans: PlanDocuments): Promise<void> {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
    void vscode.window.showInformationMessage('Open a runbook (a *.runbook.md file) first.');
    return;
  }
  const target = parts.targets.targetOf(notebook) ?? (await parts.targets.pick(notebook));
  if (!target) return;
  const { planRun, planText } = await import('../pipeline/plan');
  const { runbook } = notebookRunbook(notebook);
  const plan = await planRun(runbook, target.names, parts.runner.parametersOf(notebook), parts.targets.targetOptions(notebook));
  const name = notebook.uri.path.split('/').pop() ?? 'runbook';
  const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/Plan of ${name}.txt` });
  plans.set(uri, planText(plan));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

/**
 * Markdown cells a responder adds to a record are stamped when they are added and journaled, with
 * their text, at the first save of the record after the user has left the cell (a new cell is empty
 * when it appears; a save while it is typed would journal half a sentence). A check block added as a
 * Markdown cell is not a note.
 */
function stampMarkdownCells(log: vscode.LogOutputChannel): vscode.Disposable[] {
  const added = new WeakMap<vscode.NotebookCell, Date>();
  const pending = new Map<string, Set<vscode.NotebookCell>>();
  return [
    vscode.workspace.onDidChangeNotebookDocument((event) => {
      if (event.notebook.notebookType !== NOTEBOOK_TYPE) return;
      for (const change of event.contentChanges)
        for (const cell of change.addedCells) {
          if (cell.kind !== vscode.NotebookCellKind.Markup || added.has(cell)) continue;
          added.set(cell, new Date());
          const key = event.notebook.uri.toString();
          const set = pending.get(key) ?? new Set();
          set.add(cell);
          pending.set(key, set);
        }
    }),
    vscode.workspace.onDidSaveNotebookDocument(async (notebook) => {
      const cells = pending.get(notebook.uri.toString());
      if (!cells?.size || notebook.uri.scheme !== 'file') return;
      const [{ journalPathFor }, fs, { addNote }] = await Promise.all([import('../engine/journal'), import('node:fs'), import('../pipeline/lifecycle')]);
      if (!fs.existsSync(journalPathFor(notebook.uri.fsPath))) return; // a template: nothing is journaled
      for (const cell of [...cells]) {
        const text = cell.document.getText().trim();
        if (cell.index < 0 || !text) continue; // deleted, or still empty: wait for a later save
        // Still being typed (a save from elsewhere, or auto save, mid-sentence): journal it at a save after the user leaves it.
        if (vscode.window.activeTextEditor?.document.uri.toString() === cell.document.uri.toString()) continue;
        cells.delete(cell);
        // A check block is a Markdown cell too (its fence, drawn as one line): part of the runbook, not a note.
        if (isCheckCell({ kind: 'markup', languageId: cell.document.languageId, value: text })) continue;
        try {
          await addNote(notebook.uri.fsPath, { text: text.length > 500 ? `${text.slice(0, 500)} …` : text, at: added.get(cell), source: 'markdown-cell' });
        } catch (error) {
          log.error(`could not journal a Markdown cell of ${notebook.uri.fsPath}: ${(error as Error).message}`);
        }
      }
    }),
  ];
}
