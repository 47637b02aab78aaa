// Notebook renderer entry point, bundled to dist/renderer.js (browser ESM) by scripts/build.mjs.
// VS Code calls activate() once per notebook webview.

import type { RendererApi, RendererContext } from './rendererApi';
import { createRenderer } from './renderer';
import css from './renderer.css';

export function activate(ctx: RendererContext): RendererApi {
  return createRenderer(ctx, css);
}
