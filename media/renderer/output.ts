// Renders a step's raw output (OUTPUT_MIME) as a <pre> of styled text runs, capped so that a
// 100,000-line output stays a small DOM: the first lines are shown and the rest counted.

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

export function renderOutput(doc: Document, view: OutputView, limits: OutputLimits = DEFAULT_OUTPUT_LIMITS): HTMLElement {
  const root = el(doc, 'div', `irb-output irb-${view.stream === 'stderr' ? 'stderr' : 'stdout'}`);
  const meta = describeRun(view);
  if (meta) root.append(el(doc, 'div', 'irb-meta', meta));
  const { shown, hiddenLines } = cut(view.text, limits);
  const pre = el(doc, 'pre', 'irb-pre');
  for (const run of parseAnsi(shown)) {
    if (run.classes.length === 0) {
      pre.append(doc.createTextNode(run.text));
    } else {
      pre.append(el(doc, 'span', run.classes.join(' '), run.text));
    }
  }
  root.append(pre);
  if (hiddenLines > 0) {
    root.append(el(doc, 'div', 'irb-more', `${hiddenLines.toLocaleString('en-US')} more ${hiddenLines === 1 ? 'line' : 'lines'} not shown`));
  }
  if (view.truncated) root.append(el(doc, 'div', 'irb-more', truncationNote(view)));
  return root;
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
