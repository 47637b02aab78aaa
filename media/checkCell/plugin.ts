// The markdown-it plugin that draws a ```check fence in a notebook Markdown cell: one line
// ("Check · parse: ss · 3 rules · next: X") that opens, like any <details>, onto the YAML. Every value
// from the file is HTML-escaped: nothing in a runbook becomes markup or script.

import { checkFenceSummary } from '../../src/protocol/checkCell';

/** The parts of markdown-it this plugin uses (its renderer hands over tokens of fenced blocks). */
export interface FenceToken {
  info: string;
  content: string;
}
type FenceRule = (tokens: FenceToken[], idx: number, options: unknown, env: unknown, self: unknown) => string;
export interface MarkdownItLike {
  renderer: { rules: { fence?: FenceRule } };
  utils: { escapeHtml(text: string): string };
}

export function checkFencePlugin(md: MarkdownItLike): void {
  const standard = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (fenceLanguage(token.info) !== 'check')
      return standard ? standard(tokens, idx, options, env, self) : `<pre><code>${md.utils.escapeHtml(token.content)}</code></pre>`;
    return checkHtml(token.content, md.utils.escapeHtml);
  };
}

/** The info string's first word, as the runbook parser reads it (`check`, `check {x}` ...). */
function fenceLanguage(info: string): string {
  return (/^\s*([^\s{]*)/.exec(info)?.[1] ?? '').toLowerCase();
}

export function checkHtml(yamlText: string, escape: (text: string) => string): string {
  const summary = checkFenceSummary(yamlText);
  const line = summary.readable
    ? `<span class="runbook-check-summary">Check · ${escape(summary.text)}</span>`
    : `<span class="runbook-check-summary runbook-check-unreadable">⚠ Check · ${escape(summary.text)}</span>`;
  return `<details class="runbook-check"><summary>${line}</summary><pre class="runbook-check-yaml"><code>${escape(yamlText)}</code></pre></details>\n`;
}
