// The files a step's `fetch=` brought from a host: one line each with the path on the host, the
// local copy as a link that opens it, its size and the start of its sha256. A file that could not be
// fetched is a warning line with its reason, never left out: the evidence the step meant to keep is missing.

import type { FetchedFileView, HostResultView } from '../../src/protocol/renderer';
import type { PostMessage } from './decision';
import { displayText, el } from './dom';

export function renderFetched(doc: Document, host: HostResultView, post: PostMessage | undefined, showHost: boolean): HTMLElement | undefined {
  const files = Array.isArray(host.fetched) ? host.fetched.filter((f) => f && typeof f.remotePath === 'string') : [];
  if (files.length === 0) return undefined;
  const root = el(doc, 'div', 'irb-fetched');
  const where = (f: FetchedFileView) => `${showHost ? `${displayText(host.host)}:` : ''}${displayText(f.remotePath)}`;
  for (const f of files) root.append(typeof f.file === 'string' && !f.error ? fetchedLine(doc, f, where(f), post) : failedLine(doc, f, where(f)));
  return root;
}

function fetchedLine(doc: Document, f: FetchedFileView, where: string, post: PostMessage | undefined): HTMLElement {
  const line = el(doc, 'div', 'irb-fetched-file');
  line.append(el(doc, 'span', 'irb-label', 'Fetched '), el(doc, 'span', 'irb-remote-path', where), doc.createTextNode(' → '));
  const file = displayText(f.file!);
  if (post) {
    const link = el(doc, 'button', 'irb-button irb-link irb-inline-link irb-link-evidence', file);
    link.addEventListener('click', () => post({ type: 'openEvidence', path: f.file! }));
    line.append(link);
  } else line.append(el(doc, 'span', 'irb-local-path', file));
  const facts = [
    typeof f.bytes === 'number' ? sizeText(f.bytes) : undefined,
    typeof f.sha256 === 'string' ? `sha256 ${displayText(f.sha256.slice(0, 12))}` : undefined,
    f.kind === 'binary' ? 'binary, not shown' : f.redacted ? 'text, redacted' : f.kind === 'text' ? 'text' : undefined,
  ].filter(Boolean);
  if (facts.length) line.append(el(doc, 'span', 'irb-fetched-facts', ` · ${facts.join(' · ')}`));
  return line;
}

function failedLine(doc: Document, f: FetchedFileView, where: string): HTMLElement {
  const line = el(doc, 'div', 'irb-fetched-file irb-fetch-failed');
  line.append(el(doc, 'span', 'irb-badge irb-inconclusive-badge', 'not fetched'));
  line.append(el(doc, 'span', 'irb-remote-path', ` ${where}`));
  // The badge says "not fetched"; the pipeline's reasons may start with it too.
  let reason = typeof f.error === 'string' && f.error ? f.error.replace(/^not fetched: /, '') : 'no local copy was made';
  // The path is on the line already; the SFTP messages start with it.
  if (reason.startsWith(`${f.remotePath}: `)) reason = reason.slice(f.remotePath.length + 2);
  line.append(el(doc, 'span', 'irb-message', `: ${displayText(reason)}`));
  return line;
}

/** 512 B, 1.2 KB, 3.4 MB: decimal units, as `fetch-max=10MB` is written. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
