// A line index over the file's text: where each line starts and ends, its line break, and
// offset <-> position conversion. Line breaks are \r\n, \r or \n, exactly as markdown-it counts them.

import type { Position, Range } from './model';

export interface Line {
  /** Offset of the first character. */
  start: number;
  /** Offset just after the content (before the line break). */
  end: number;
  /** The line break as written: '', '\n', '\r\n' or '\r'. */
  eol: string;
}

export class LineIndex {
  readonly lines: Line[] = [];

  constructor(readonly text: string) {
    const breaks = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
      this.lines.push({ start, end: m.index, eol: m[0] });
      start = m.index + m[0].length;
    }
    // The text after the last break is a line too, unless it is empty (markdown-it counts the same way).
    if (start < text.length || this.lines.length === 0) this.lines.push({ start, end: text.length, eol: '' });
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** Offset where line `n` starts; `lineCount` gives the end of the text. */
  startOf(n: number): number {
    return n >= this.lines.length ? this.text.length : this.lines[n].start;
  }

  /** Offset after line `n`'s line break. */
  endOf(n: number): number {
    if (n >= this.lines.length) return this.text.length;
    const line = this.lines[n];
    return line.end + line.eol.length;
  }

  content(n: number): string {
    const line = this.lines[n];
    return line ? this.text.slice(line.start, line.end) : '';
  }

  isBlank(n: number): boolean {
    return /^[ \t]*$/.test(this.content(n));
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.max(0, offset - this.lines[lo].start) };
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Range of lines [from, to), ending at the end of the last line's content. */
  lineRange(from: number, to: number): Range {
    const last = Math.max(from, to - 1);
    const end = last < this.lines.length ? this.lines[last].end : this.text.length;
    return this.range(this.startOf(from), end);
  }
}

/** The line ending most lines use; LF when there are none. */
export function dominantEol(text: string): '\n' | '\r\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** The text with every line break written as \n: how an editor shows it. */
export function normalizeEol(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The text with every line break written as `eol`. */
export function withEol(text: string, eol: string): string {
  return normalizeEol(text).replace(/\n/g, eol);
}

export function endsWithLineBreak(text: string): boolean {
  return text.endsWith('\n') || text.endsWith('\r');
}

/** Splits off the trailing blank lines (spaces/tabs only) of a block: [body, trailing]. */
export function splitTrailingBlank(raw: string): [string, string] {
  // Scan back over whitespace; the body keeps its own last line break, the rest is whole blank lines.
  let i = raw.length;
  while (i > 0 && ' \t\r\n'.includes(raw[i - 1])) i--;
  let cut = i;
  if (raw.startsWith('\r\n', cut)) cut += 2;
  else if (raw[cut] === '\n' || raw[cut] === '\r') cut += 1;
  else cut = raw.length === i ? i : firstBreakAfter(raw, i);
  return [raw.slice(0, cut), raw.slice(cut)];
}

// Trailing spaces on the body's last line belong to the body: skip to that line's break.
function firstBreakAfter(raw: string, from: number): number {
  let j = from;
  while (j < raw.length && raw[j] !== '\n' && raw[j] !== '\r') j++;
  if (raw.startsWith('\r\n', j)) return j + 2;
  return j < raw.length ? j + 1 : j;
}
