// Renders a step's raw output (OUTPUT_MIME) as a <pre> of styled text runs, capped so that a
// 100,000-line output stays a small DOM: the first lines are shown and the rest counted. Beyond
// COLLAPSE.over lines it starts collapsed: its first and last lines with "show all N lines" between
// (the end of dmesg is what matters, the start says what ran), so the verdict above stays in view.

import type { OutputView } from '../../src/protocol/renderer';
import { parseAnsi } from './ansi';
import { el } from './dom';

export interface OutputLimits {
  /** Lines shown before "N more lines". */
  maxLines: number;
  /** Characters shown, for outputs with few but enormous lines. */
  maxChars: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { maxLines: 2000, maxChars: 200_000 };

/** Outputs longer than `over` lines show their first `head` and last `tail` lines until "show all". */
export const COLLAPSE = { over: 30, head: 5, tail: 20 };

export function renderOutput(doc: Document, view: OutputView, limits: OutputLimits = DEFAULT_OUTPUT_LIMITS): HTMLElement {
  const root = el(doc, 'div', `irb-output irb-${view.stream === 'stderr' ? 'stderr' : 'stdout'}`);
  const meta = describeRun(view);
  if (meta) root.append(el(doc, 'div', 'irb-meta', meta));
  const total = countLines(view.text, 0);
  if (total > COLLAPSE.over) {
    const full = () => renderFull(doc, root, view, limits);
    const head = view.text.slice(0, lineEnd(view.text, COLLAPSE.head));
    const tailStart = tailStartOf(view.text, COLLAPSE.tail);
    root.append(preOf(doc, head, 'irb-pre irb-head'));
    const bar = el(doc, 'div', 'irb-collapsed-bar');
    bar.append(el(doc, 'span', 'irb-more', `… ${(total - COLLAPSE.head - COLLAPSE.tail).toLocaleString('en-US')} lines hidden `));
    const show = el(doc, 'button', 'irb-button irb-link irb-show-all', `show all ${total.toLocaleString('en-US')} lines`);
    show.addEventListener('click', full);
    bar.append(show);
    root.append(bar);
    root.append(preOf(doc, view.text.slice(tailStart), 'irb-pre irb-tail'));
    if (view.truncated) root.append(el(doc, 'div', 'irb-more', truncationNote(view)));
    return root;
  }
  renderFull(doc, root, view, limits);
  return root;
}

/** The whole output (up to the limits), replacing a collapsed view in place. */
function renderFull(doc: Document, root: HTMLElement, view: OutputView, limits: OutputLimits): void {
  for (const node of [...root.children]) if (!node.classList.contains('irb-meta')) node.remove();
  const { shown, hiddenLines } = cut(view.text, limits);
  root.append(preOf(doc, shown, 'irb-pre'));
  if (hiddenLines > 0) {
    root.append(el(doc, 'div', 'irb-more', `${hiddenLines.toLocaleString('en-US')} more ${hiddenLines === 1 ? 'line' : 'lines'} not shown`));
  }
  if (view.truncated) root.append(el(doc, 'div', 'irb-more', truncationNote(view)));
}

function preOf(doc: Document, text: string, className: string): HTMLElement {
  const pre = el(doc, 'pre', className);
  for (const run of parseAnsi(text)) {
    if (run.classes.length === 0) pre.append(doc.createTextNode(run.text));
    else pre.append(el(doc, 'span', run.classes.join(' '), run.text));
  }
  return pre;
}

/** Where the first `lines` lines end (after their line break). */
function lineEnd(text: string, lines: number): number {
  let end = 0;
  for (let i = 0; i < lines && end < text.length; i++) {
    const newline = text.indexOf('\n', end);
    end = newline === -1 ? text.length : newline + 1;
  }
  return end;
}

/** Where the last `lines` lines start; a trailing line break does not start another line. */
function tailStartOf(text: string, lines: number): number {
  let start = text.endsWith('\n') ? text.length - 1 : text.length;
  for (let i = 0; i < lines && start > 0; i++) {
    const newline = text.lastIndexOf('\n', start - 1);
    start = newline === -1 ? 0 : newline;
  }
  return start === 0 ? 0 : start + 1;
}

/** "web-1 · exit 0 · 412 ms" when the payload says where and how the step ran (a SavedOutput does). */
export function describeRun(run: Pick<OutputView, 'host' | 'exitCode' | 'termination' | 'durationMs'> & { signal?: string | null }): string {
  const parts: string[] = [];
  if (typeof run.host === 'string') parts.push(run.host);
  if (typeof run.exitCode === 'number') parts.push(`exit ${run.exitCode}`);
  if (typeof run.signal === 'string' && run.signal) parts.push(`signal ${run.signal}`);
  if (typeof run.termination === 'string' && run.termination !== 'exit') parts.push(run.termination);
  if (typeof run.durationMs === 'number') parts.push(run.durationMs < 1000 ? `${Math.round(run.durationMs)} ms` : `${(run.durationMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

export function truncationNote(view: OutputView): string {
  return typeof view.fullOutputRef === 'string' && view.fullOutputRef
    ? `Output trimmed: the full output is in ${view.fullOutputRef}`
    : 'Output trimmed: only its start was kept.';
}

/** Cuts the raw text before parsing, so the work done is bounded by the limits, not by the output's size. */
function cut(text: string, limits: OutputLimits): { shown: string; hiddenLines: number } {
  let end = 0;
  for (let lines = 0; lines < limits.maxLines && end < text.length; lines++) {
    const newline = text.indexOf('\n', end);
    end = newline === -1 ? text.length : newline + 1;
  }
  end = Math.min(end, limits.maxChars);
  // A line cut in the middle counts as not shown: its rest is hidden.
  return { shown: text.slice(0, end), hiddenLines: end < text.length ? countLines(text, end) : 0 };
}

/** Lines from `from` to the end; a trailing newline does not start another line. */
function countLines(text: string, from: number): number {
  let count = 0;
  let i = from;
  while (i < text.length) {
    const newline = text.indexOf('\n', i);
    count++;
    if (newline === -1) break;
    i = newline + 1;
  }
  return count;
}
