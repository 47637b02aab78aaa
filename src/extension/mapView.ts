// "Runbook: Show Map": a webview beside the notebook that draws the runbook's decision graph
// (media/map/, laid out by dagre there) and the path taken so far, read from the saved outputs in
// the notebook's cells; it redraws as outputs change, and a click on a step reveals its cell.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExtensionToMapMessage, MapToExtensionMessage, RunbookMapModel } from '../protocol/map';
import { findStep } from '../engine/decide';
import { notebookRunbook } from './openNotebook';
import { NOTEBOOK_TYPE } from './serializer';

const REDRAW_MS = 150;

export function registerMapView(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('runbook.showMap', () => {
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      if (notebook?.notebookType !== NOTEBOOK_TYPE) {
        void vscode.window.showInformationMessage('Open a runbook (*.runbook.md) as a notebook first: the map shows the runbook in front.');
        return;
      }
      MapPanel.show(context, log, notebook);
    }),
  );
}

class MapPanel {
  private static current: MapPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  static show(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, notebook: vscode.NotebookDocument): void {
    if (MapPanel.current) {
      MapPanel.current.follow(notebook);
      MapPanel.current.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'runbook.map',
      'Runbook Map',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      },
    );
    MapPanel.current = new MapPanel(panel, context, log, notebook);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private notebook: vscode.NotebookDocument,
  ) {
    panel.webview.html = html(panel.webview, context.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: MapToExtensionMessage) => void this.onMessage(message)),
      vscode.workspace.onDidChangeNotebookDocument((e) => e.notebook === this.notebook && this.redrawSoon()),
      vscode.window.onDidChangeActiveNotebookEditor((editor) => editor?.notebook.notebookType === NOTEBOOK_TYPE && this.follow(editor.notebook)),
      panel.onDidDispose(() => this.dispose()),
    );
    context.subscriptions.push({ dispose: () => panel.dispose() });
  }

  /** The map shows the runbook notebook the user works in. */
  private follow(notebook: vscode.NotebookDocument): void {
    if (notebook === this.notebook) return;
    this.notebook = notebook;
    this.redrawSoon();
  }

  private redrawSoon(): void {
    // A run rewrites a cell's outputs several times in a row; draw once they settle.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.draw(), REDRAW_MS);
  }

  private async draw(): Promise<void> {
    const name = this.notebook.uri.path.split('/').pop() ?? 'runbook';
    this.panel.title = `Map: ${name.replace(/\.runbook\.md$/, '')}`;
    let map: RunbookMapModel;
    try {
      const { buildRunbookMap } = await import('../report/map/graph');
      map = buildRunbookMap(notebookRunbook(this.notebook).runbook);
    } catch (error) {
      this.log.warn(`runbook map: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const message: ExtensionToMapMessage = { type: 'showMap', map, notebookName: name };
    await this.panel.webview.postMessage(message);
  }

  private async onMessage(message: MapToExtensionMessage): Promise<void> {
    if (message?.type === 'ready') return this.draw();
    if (message?.type !== 'revealStep' || typeof message.stepKey !== 'string') return;
    const nb = notebookRunbook(this.notebook);
    const step = findStep(nb.runbook, message.stepKey);
    const index = step ? nb.cellOf.get(step.key) : undefined;
    if (index === undefined) {
      void vscode.window.showWarningMessage(`This runbook has no step "${message.stepKey}" any more.`);
      return;
    }
    // Reveal in the column the notebook is already in, not in the map's column.
    const column = vscode.window.visibleNotebookEditors.find((e) => e.notebook === this.notebook)?.viewColumn;
    const range = new vscode.NotebookRange(index, index + 1);
    const editor = await vscode.window.showNotebookDocument(this.notebook, { viewColumn: column, selections: [range] });
    editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  }

  private dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    if (MapPanel.current === this) MapPanel.current = undefined;
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64url');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'map.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'map.css'));
  // No remote content: scripts only with this nonce, styles only from the extension, nothing else.
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource}; img-src 'none'; font-src 'none'; connect-src 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<link rel="stylesheet" href="${style.toString()}">`,
    '<title>Runbook map</title>',
    '</head>',
    '<body>',
    '<main id="map"><p class="map-summary">Drawing the map…</p></main>',
    `<script nonce="${nonce}" src="${script.toString()}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
