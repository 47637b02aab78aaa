// The Hosts view: every target a runbook can use, with its connection state from the runs so far
// and the active notebook's current target marked. Clicking one makes it the target.

import { NOTEBOOK_TYPE } from '../protocol/ids';
import * as vscode from 'vscode';
import type { TargetEntry } from '../hosts/types';
import type { HostStates } from './hostStates';
import type { HostTargets } from './hostTargets';

type Node = { entry: TargetEntry } | { member: string; group: string };

export class HostsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly targets: HostTargets,
    private readonly states: HostStates,
  ) {
    this.subscriptions.push(
      targets.onDidChange(() => this.refresh()),
      states.onChange(() => this.refresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.refresh()),
    );
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node && 'entry' in node) return (node.entry.members ?? []).map((member) => ({ member, group: node.entry.name }));
    if (node) return [];
    try {
      const { listTargets } = await import('../hosts/targets');
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      return (await listTargets(this.targets.targetOptions(notebook))).map((entry) => ({ entry }));
    } catch (error) {
      void vscode.window.showErrorMessage(`Hosts view: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const name = 'entry' in node ? node.entry.name : node.member;
    const group = 'entry' in node && node.entry.kind === 'group';
    const item = new vscode.TreeItem(name, group ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const current = notebook?.notebookType === NOTEBOOK_TYPE && this.targets.targetOf(notebook)?.names.includes(name);
    const state = this.states.get(name);
    item.id = 'entry' in node ? `target:${name}` : `member:${node.group}/${name}`;
    item.description = [current ? '● current' : undefined, group ? undefined : state.state, 'entry' in node ? node.entry.source : undefined]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = [
      `${name}${'entry' in node && node.entry.description ? `: ${node.entry.description}` : ''}`,
      'entry' in node ? `from ${node.entry.origin}` : `member of ${node.group}`,
      state.detail ? `last: ${state.detail}${state.at ? ` (${state.at.toLocaleTimeString()})` : ''}` : undefined,
    ]
      .filter(Boolean)
      .join('\n');
    item.iconPath = group ? new vscode.ThemeIcon('server-environment') : stateIcon(state.state);
    item.contextValue = group ? 'runbookGroup' : 'runbookHost';
    if ('entry' in node) item.command = { command: 'runbook.selectHost', title: 'Run Steps Here', arguments: [name] };
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function stateIcon(state: string): vscode.ThemeIcon {
  switch (state) {
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'connected':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}
