// Text hygiene shared by the Markdown and HTML exports: strip terminal control sequences, trim
// long outputs to their first and last lines, and escape for Markdown and HTML.

/** CSI, OSC (with BEL or ST), DCS/PM/APC/SOS strings and two-byte escapes. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b[PX^_][\s\S]*?(?:\u001b\\|$)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
/** C0 (but tab and line feed), DEL, C1, and Unicode bidi overrides that can make text read differently from what it is. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Terminal output as plain text: escapes removed, `\r\n` and lone `\r` (progress bars) made line breaks, other controls dropped. */
export function plainText(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** One line for a heading, cell or label: plain text with runs of white space made one space. */
export function oneLine(text: string): string {
  return plainText(text).replace(/\s+/g, ' ').trim();
}

export interface Excerpt {
  text: string;
  /** Lines left out between the head and the tail (0 when the whole text is shown). */
  omittedLines: number;
  totalLines: number;
}

/** The first `head` and last `tail` lines of an output, with a line saying how many were left out. */
export function excerpt(text: string, head = 15, tail = 8, maxLineLength = 400): Excerpt {
  const lines = plainText(text).replace(/\n$/, '').split('\n');
  const clip = (line: string) => (line.length > maxLineLength ? `${line.slice(0, maxLineLength)} …` : line);
  if (lines.length <= head + tail + 1) return { text: lines.map(clip).join('\n'), omittedLines: 0, totalLines: lines.length };
  const omitted = lines.length - head - tail;
  return {
    text: [...lines.slice(0, head).map(clip), `… ${omitted} lines omitted (full output in the appendix) …`, ...lines.slice(-tail).map(clip)].join('\n'),
    omittedLines: omitted,
    totalLines: lines.length,
  };
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** A fenced code block whose fence is longer than any backtick run inside, so no content can close it. */
export function fenced(text: string, info = ''): string {
  const body = plainText(text).replace(/\n$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** An inline code span that no backtick inside can end; `|` escaped so it is safe in a table cell too. */
export function code(text: string): string {
  const body = oneLine(text);
  if (body === '') return '` `';
  const ticks = '`'.repeat(longestRun(body, '`') + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${body.replace(/\|/g, '\\|')}${pad}${ticks}`;
}

/** Prose from the runbook or the journal (titles, messages) as inline Markdown text: no markup, no HTML, one line. */
export function mdText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|~&#!()]/g, '\\$&');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `2026-11-23T08:15:02.120Z` -> `2026-11-23 08:15:02 UTC`; anything unparsable is shown as written. */
export function utc(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return oneLine(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A value from a check as short text: numbers and strings as they are, the rest as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 200 ? `${json.slice(0, 200)} …` : json;
}
