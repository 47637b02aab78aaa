// Fenced code blocks: reading an opening fence line, the text between the fences, and writing a
// fence around text that cannot close it early.

import { normalizeEol } from './lines';

export interface FenceLine {
  indent: number;
  /** The run of backticks or tildes. */
  marker: string;
  /** Everything after the marker, as written. */
  info: string;
  /** Offset of `info` within the line. */
  infoOffset: number;
}

export function readFenceLine(line: string): FenceLine | undefined {
  const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return undefined;
  return { indent: m[1].length, marker: m[2], info: m[3], infoOffset: m[1].length + m[2].length };
}

export function isClosingFence(line: string, marker: string): boolean {
  const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return !!m && m[1][0] === marker[0] && m[1].length >= marker.length;
}

/** The info string's language: first word, before whitespace or `{` (lowercase). */
export function languageOf(info: string): { language: string; rest: string; restOffset: number } {
  const lead = info.length - info.trimStart().length;
  const m = /^[^\s{]*/.exec(info.slice(lead));
  const word = m ? m[0] : '';
  return { language: word.toLowerCase(), rest: info.slice(lead + word.length), restOffset: lead + word.length };
}

/** Strips up to `indent` spaces from each line, as CommonMark does for an indented fence's content. */
export function unindent(text: string, indent: number): string {
  if (indent === 0) return text;
  const strip = new RegExp(`(^|\\r\\n|\\r|\\n) {0,${indent}}`, 'g');
  return text.replace(strip, '$1');
}

/** A fence marker longer than any run of the same character at the start of a line in `content`. */
export function markerFor(content: string, char: '`' | '~' = '`', minimum = 3): string {
  let longest = minimum - 1;
  for (const line of normalizeEol(content).split('\n')) {
    const m = /^ {0,3}(`+|~+)/.exec(line);
    if (m && m[1][0] === char) longest = Math.max(longest, m[1].length);
  }
  return char.repeat(longest + 1);
}

/** Writes a fenced block: opening line, content lines, closing line; each line ends with `eol`. */
export function writeFence(info: string, content: string, eol: string, marker?: string): string {
  const fence = marker && !needsLongerMarker(content, marker) ? marker : markerFor(content, marker?.[0] === '~' ? '~' : '`', marker?.length ?? 3);
  const body = normalizeEol(content).split('\n').join(eol);
  return `${fence}${info}${eol}${content === '' ? '' : body + eol}${fence}${eol}`;
}

function needsLongerMarker(content: string, marker: string): boolean {
  return normalizeEol(content)
    .split('\n')
    .some((line) => isClosingFence(line, marker));
}

/**
 * Replaces the content of a fenced block written as `raw` (opening line ... closing line, with or
 * without a final line break), keeping both fence lines as written unless the content needs a longer fence.
 */
export function replaceFenceContent(raw: string, content: string, eol: string): string {
  const firstBreak = /\r\n|\r|\n/.exec(raw);
  if (!firstBreak) return raw;
  const openLine = raw.slice(0, firstBreak.index);
  const afterOpen = firstBreak.index + firstBreak[0].length;
  const trimmed = raw.replace(/(\r\n|\r|\n)$/, '');
  const finalBreak = raw.slice(trimmed.length);
  const lastBreakAt = Math.max(trimmed.lastIndexOf('\n'), trimmed.lastIndexOf('\r'));
  const closeLine = trimmed.slice(lastBreakAt + 1);
  // Keep the line breaks next to the fence lines as written (a file may mix them); new lines get `eol`.
  const hadContent = lastBreakAt >= afterOpen;
  const beforeClose = hadContent ? (trimmed.slice(lastBreakAt - 1, lastBreakAt + 1) === '\r\n' ? '\r\n' : trimmed[lastBreakAt]) : eol;
  const fence = readFenceLine(openLine);
  if (!fence) return raw;
  const pad = ' '.repeat(fence.indent);
  const lines =
    content === ''
      ? []
      : normalizeEol(content)
          .split('\n')
          .map((line) => (line === '' ? line : pad + line));
  let open = openLine;
  let close = closeLine;
  if (lines.some((line) => isClosingFence(line, fence.marker))) {
    const marker = markerFor(content, fence.marker[0] as '`' | '~', fence.marker.length);
    open = pad + marker + fence.info;
    close = close.replace(/[`~]+/, marker);
  }
  const body = lines.length > 0 ? lines.join(eol) + beforeClose : '';
  return open + firstBreak[0] + body + close + finalBreak;
}
