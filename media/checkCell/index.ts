// Extends VS Code's notebook Markdown renderer (package.json `contributes.notebookRenderer`,
// `extends: vscode.markdown-it-renderer`): check cells are Markdown cells holding their ```check
// fence, drawn compact by checkFencePlugin. Bundled to dist/checkCell.js by scripts/build.mjs.

import { checkFencePlugin, type MarkdownItLike } from './plugin';

interface MarkdownItRenderer {
  extendMarkdownIt(extend: (md: MarkdownItLike) => void): void;
}
interface ExtendingRendererContext {
  getRenderer(id: string): Promise<MarkdownItRenderer | undefined>;
}

const STYLE = `
details.runbook-check > summary { cursor: pointer; opacity: 0.85; }
details.runbook-check > summary:hover { opacity: 1; }
.runbook-check-unreadable { color: var(--vscode-editorError-foreground); }
details.runbook-check > pre.runbook-check-yaml { margin: 0.4em 0 0; }
`;

export async function activate(ctx: ExtendingRendererContext): Promise<void> {
  // The Markdown renderer copies <template class="markdown-style"> into each cell's shadow root when it creates it.
  const template = document.createElement('template');
  template.classList.add('markdown-style');
  const style = document.createElement('style');
  style.textContent = STYLE;
  template.content.appendChild(style);
  document.head.appendChild(template);
  const markdown = await ctx.getRenderer('vscode.markdown-it-renderer');
  if (!markdown) throw new Error("Could not load 'vscode.markdown-it-renderer': check cells show as plain code blocks");
  markdown.extendMarkdownIt(checkFencePlugin);
}
