// The current target per notebook: the status bar item that shows it, the quick pick that changes
// it (ssh config hosts, inventory hosts and groups, `local`), and turning it into HostConfigs.

import * as vscode from 'vscode';
import type { HostConfig, TargetEntry } from '../hosts/types';
import type { FrontMatter } from '../runbook/model';
import { isRunbookError } from '../base/failure';
import { notebookRunbook } from './openNotebook';
import { NOTEBOOK_TYPE } from './serializer';
import { readSettings } from './settings';
import { TargetMemory, targetLabel, type Target } from './targetMemory';

export class HostTargets implements vscode.Disposable {
  private readonly memory: TargetMemory;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Front matter of open notebooks, read when they run: the status bar's default. */
  private readonly frontMatters = new Map<string, FrontMatter | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.memory = new TargetMemory(context.workspaceState);
    this.statusBar = vscode.window.createStatusBarItem('runbook.target', vscode.StatusBarAlignment.Left, 100);
    this.statusBar.name = 'Runbook Target';
    this.statusBar.command = 'runbook.selectHost';
  }

  /** What the notebook runs on now, if anything is known. */
  targetOf(notebook: vscode.NotebookDocument): Target | undefined {
    const key = notebook.uri.toString();
    if (!this.frontMatters.has(key)) this.frontMatters.set(key, frontMatterOf(notebook));
    return this.memory.targetFor(key, this.frontMatters.get(key));
  }

  updateStatusBar(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      this.statusBar.hide();
      return;
    }
    const target = this.targetOf(notebook);
    const restricted = !vscode.workspace.isTrusted;
    this.statusBar.text = `${restricted ? '$(shield)' : '$(server)'} ${targetLabel(target)}`;
    this.statusBar.tooltip = restricted
      ? 'Restricted Mode: steps do not run until you trust this workspace.'
      : target
        ? `Runbook steps run on ${targetLabel(target)} (${target.from}). Click to change.`
        : 'No host picked for this runbook. Click to pick one.';
    this.statusBar.show();
  }

  /** The quick pick; undefined when the user closes it. */
  async pick(notebook: vscode.NotebookDocument): Promise<Target | undefined> {
    let entries: TargetEntry[];
    try {
      const { listTargets } = await import('../hosts/targets');
      entries = await listTargets(this.targetOptions(notebook));
    } catch (error) {
      showTargetError(error);
      return undefined;
    }
    const current = this.targetOf(notebook)?.names ?? [];
    // Enter takes the last remote target of this runbook; `local` is never preselected.
    const preselected = this.memory.preselect(this.runbookKey(notebook))?.[0];
    type Item = vscode.QuickPickItem & { name?: string };
    const items: Item[] = [];
    const section = (label: string, list: TargetEntry[]) => {
      if (list.length === 0) return;
      items.push({ label, kind: vscode.QuickPickItemKind.Separator });
      for (const e of list) {
        items.push({
          name: e.name,
          label: `${current.includes(e.name) ? '$(check) ' : ''}${e.kind === 'group' ? '$(server-environment)' : e.kind === 'local' ? '$(vm)' : '$(server)'} ${e.name}`,
          description: [
            e.kind === 'local' ? 'this machine' : undefined,
            e.kind === 'group' ? `group of ${e.members?.length ?? 0}` : undefined,
            e.name === preselected ? 'last used for this runbook' : undefined,
            e.source,
          ]
            .filter(Boolean)
            .join(' · '),
          detail:
            [
              e.description,
              e.members?.length ? e.members.slice(0, 12).join(', ') + (e.members.length > 12 ? ', ...' : '') : undefined,
              e.origin !== 'builtin' ? e.origin : undefined,
            ]
              .filter(Boolean)
              .join(' — ') || undefined,
        });
      }
    };
    section(
      'Inventory groups (project and Ansible)',
      entries.filter((e) => e.kind === 'group'),
    );
    section(
      'Inventory hosts',
      entries.filter((e) => e.kind === 'host' && e.source === 'inventory'),
    );
    section(
      'Ansible inventory hosts',
      entries.filter((e) => e.kind === 'host' && e.source === 'ansible'),
    );
    section(
      '~/.ssh/config hosts',
      entries.filter((e) => e.kind === 'host' && e.source !== 'inventory' && e.source !== 'ansible'),
    );
    // Last, so Enter on an open picker never runs a step on your own machine by accident.
    section(
      'This machine (steps run here, as you)',
      entries.filter((e) => e.kind === 'local'),
    );
    const picked = await pickWithPattern(items, preselected, async (pattern) => {
      const { matchTargets } = await import('../hosts/targets');
      return (await matchTargets(pattern, this.targetOptions(notebook))).map((e) => e.name);
    });
    if (!picked) return undefined;
    await this.select(notebook, [picked]);
    return { names: [picked], from: 'picked' };
  }

  async select(notebook: vscode.NotebookDocument, names: string[]): Promise<void> {
    await this.memory.pick(notebook.uri.toString(), names);
    this.log.info(`${vscode.workspace.asRelativePath(notebook.uri)}: target ${names.join(', ')}`);
    this.changed.fire();
    this.updateStatusBar();
  }

  /** The hosts to run on, asking for a target when none is known; undefined = nothing to run on. */
  async resolveFor(notebook: vscode.NotebookDocument, frontMatter: FrontMatter | undefined): Promise<HostConfig[] | undefined> {
    this.frontMatters.set(notebook.uri.toString(), frontMatter);
    const target = this.targetOf(notebook) ?? (await this.pick(notebook));
    if (!target) return undefined;
    try {
      const { resolveTarget } = await import('../hosts/targets');
      const hosts: HostConfig[] = [];
      for (const name of target.names) hosts.push(...(await resolveTarget(name, this.targetOptions(notebook))));
      return hosts;
    } catch (error) {
      showTargetError(error);
      return undefined;
    }
  }

  /** The notebook ran on `names`: a remote target is what the picker preselects next time for this runbook. */
  async ranOn(notebook: vscode.NotebookDocument, names: string[]): Promise<void> {
    await this.memory.ranOn(this.runbookKey(notebook), names);
  }

  /** A record and its template share their memory: both are known by the template's file name. */
  private runbookKey(notebook: vscode.NotebookDocument): string {
    const key = notebook.uri.toString();
    if (!this.frontMatters.has(key)) this.frontMatters.set(key, frontMatterOf(notebook));
    const template = this.frontMatters.get(key)?.incident?.template;
    return (template ?? notebook.uri.path).split('/').pop() ?? key;
  }

  async used(hosts: HostConfig[]): Promise<void> {
    await this.memory.used([...new Set(hosts.map((h) => h.name))]);
    this.changed.fire();
  }

  targetOptions(notebook?: vscode.NotebookDocument) {
    const folder = (notebook && vscode.workspace.getWorkspaceFolder(notebook.uri)) ?? vscode.workspace.workspaceFolders?.[0];
    return {
      workspaceRoot: folder?.uri.fsPath,
      inventoryPath: readSettings(notebook?.uri).inventoryPath,
      // `ssh -G` runs `Match exec` commands: only in a trusted workspace (nothing runs otherwise anyway).
      trustConfig: vscode.workspace.isTrusted,
      onWarning: (message: string) => this.log.warn(message),
    };
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.frontMatters.delete(notebook.uri.toString());
  }

  dispose(): void {
    this.statusBar.dispose();
    this.changed.dispose();
  }
}

/**
 * The quick pick, where typing an Ansible pattern (`web:&prod:!web-3`, `db[0:2]`, `~web-\\d+`)
 * offers "the hosts it selects" as the first item, with their count and the first names.
 */
async function pickWithPattern(
  items: Array<vscode.QuickPickItem & { name?: string }>,
  preselected: string | undefined,
  match: (pattern: string) => Promise<string[]>,
): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { name?: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = 'Run runbook steps on';
  quickPick.placeholder = 'A host, a group, local, or an Ansible pattern (web:&prod:!web-3, db[0:2], ~regex)';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = items;
  const first = items.find((i) => i.name !== undefined && i.name === preselected) ?? items.find((i) => i.name !== undefined && i.name !== 'local');
  if (first) quickPick.activeItems = [first];
  let typed = 0;
  quickPick.onDidChangeValue((value) => {
    const mine = ++typed;
    const pattern = value.trim();
    if (!/[:,&!~*?[\]]/.test(pattern)) {
      quickPick.items = items;
      return;
    }
    quickPick.busy = true;
    match(pattern).then(
      (names) => {
        if (mine !== typed) return;
        quickPick.busy = false;
        const item: Item = {
          name: names.length > 0 ? pattern : undefined,
          label: `$(filter) ${pattern}`,
          // alwaysShow: the label is the pattern itself, which the quick pick's own filter would hide.
          alwaysShow: true,
          description: names.length > 0 ? `pattern: ${names.length} host${names.length === 1 ? '' : 's'}` : 'pattern: selects no host',
          detail: names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : ''),
        };
        quickPick.items = [item, ...items];
      },
      (error: unknown) => {
        if (mine !== typed) return;
        quickPick.busy = false;
        quickPick.items = [{ label: `$(error) ${pattern}`, alwaysShow: true, description: error instanceof Error ? error.message : String(error) }, ...items];
      },
    );
  });
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      const name = quickPick.selectedItems[0]?.name;
      if (!name) return;
      resolve(name);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

/** Parsing is pure and fast; a notebook that cannot be read as a runbook just has no default. */
function frontMatterOf(notebook: vscode.NotebookDocument): FrontMatter | undefined {
  try {
    return notebookRunbook(notebook).runbook.frontMatter;
  } catch {
    return undefined;
  }
}

function showTargetError(error: unknown): void {
  if (isRunbookError(error)) void vscode.window.showErrorMessage(`${error.message}${error.hint ? ` ${error.hint}` : ''}`);
  else void vscode.window.showErrorMessage(`Could not read the hosts: ${error instanceof Error ? error.message : String(error)}`);
}
