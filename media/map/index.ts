// The "Runbook Map" webview's script: draws each map the extension sends (src/extension/mapView.ts)
// and asks it to reveal a step's cell on click. Messages are typed in src/protocol/map.ts.

import './map.css';
import type { ExtensionToMapMessage, MapToExtensionMessage } from '../../src/protocol/map';
import { drawMap } from './draw';
import { canvasMeasure } from './layout';

declare function acquireVsCodeApi(): { postMessage(message: MapToExtensionMessage): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('map') ?? document.body;

window.addEventListener('message', (event: MessageEvent<ExtensionToMapMessage>) => {
  const message = event.data;
  if (message?.type !== 'showMap') return;
  document.title = `Runbook map: ${message.notebookName}`;
  drawMap(document, root, message.map, canvasMeasure(document), (stepKey) => vscode.postMessage({ type: 'revealStep', stepKey }));
});

vscode.postMessage({ type: 'ready' });
