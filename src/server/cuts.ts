// Where a big runbook can be cut into pieces that parse on their own: where a shell step's fence
// opens at column 0 after a blank line, outside fences, raw HTML blocks and front matter. After an
// edit only the pieces around it are cut again; the others keep their text and their parse.

import { LineIndex } from '../runbook/lines';
import { frontMatterEnd } from '../runbook/frontMatter';
import { languageOf, readFenceLine, isClosingFence } from '../runbook/fence';
import { SHELL_LANGUAGES } from '../runbook/step';

/** HTML blocks that a blank line does not end (CommonMark types 1-5): how each starts and what ends it. */
const RAW_HTML: [RegExp, string][] = [
  [/^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i, '</'],
  [/^ {0,3}<!--/, '-->'],
  [/^ {0,3}<\?/, '?>'],
  [/^ {0,3}<![A-Za-z]/, '>'],
  [/^ {0,3}<!\[CDATA\[/, ']]>'],
];

/** Lines where a piece may start: a top-level shell fence at column 0 after a blank line. */
export function cutLines(lines: LineIndex): number[] {
  return scanCuts(lines, frontMatterEnd(lines, []) ?? 0).cuts;
}

/**
 * The cut lines from line `from` on, read from outside any block, and whether the text ends outside
 * any fence or raw HTML block (so that what follows it reads the same whatever came before).
 */
export function scanCuts(lines: LineIndex, from: number): { cuts: number[]; clean: boolean } {
  const cuts: number[] = [];
  let n = from;
  let fence: string | undefined;
  let htmlEnd: string | undefined;
  for (; n < lines.lineCount; n++) {
    const text = lines.content(n);
    if (fence) {
      if (isClosingFence(text, fence)) fence = undefined;
      continue;
    }
    if (htmlEnd) {
      if (text.includes(htmlEnd)) htmlEnd = undefined;
      continue;
    }
    const open = readFenceLine(text);
    if (open && !(open.marker[0] === '`' && open.info.includes('`'))) {
      if (open.indent === 0 && n > 0 && lines.isBlank(n - 1) && SHELL_LANGUAGES.includes(languageOf(open.info).language)) cuts.push(n);
      fence = open.marker;
      continue;
    }
    for (const [start, end] of RAW_HTML) {
      const m = start.exec(text);
      if (m && !text.slice(m[0].length).includes(end)) htmlEnd = end;
    }
  }
  return { cuts, clean: fence === undefined && htmlEnd === undefined };
}

/** The text cut into pieces, whole. */
export function cutText(text: string): string[] {
  const lines = new LineIndex(text);
  return slices(text, lines, [0, ...cutLines(lines)]);
}

/** How much of the text at its start and at its end an edit left as it was (in characters). */
export interface Unchanged {
  prefix: number;
  suffix: number;
}

/** The new pieces: the first `kept` and last `keptAtEnd` of the pieces before, and new ones between. */
export interface Recut {
  texts: string[];
  kept: number;
  keptAtEnd: number;
}

/**
 * The pieces of `text` given the pieces of the text before an edit: pieces the edit did not touch are
 * kept (the same strings), the ones around it cut again. `unchanged` (from the editor's change
 * events) saves comparing the pieces' text. Undefined when only a whole cut can tell (the edit left a
 * fence or HTML block open before kept pieces, or touched the front matter's end).
 */
export function recut(before: string[], text: string, unchanged?: Unchanged): Recut | undefined {
  const total = before.reduce((n, t) => n + t.length, 0);
  const same = unchanged ?? { prefix: Infinity, suffix: Infinity };
  let k = 0;
  let off = 0;
  while (k < before.length && off + before[k].length <= same.prefix && (unchanged || text.startsWith(before[k], off))) off += before[k++].length;
  if (k === before.length && off === text.length && total === text.length) return { texts: before, kept: k, keptAtEnd: 0 };
  let j = before.length;
  let end = text.length;
  let endBefore = total;
  const fits = (t: string) => endBefore - t.length >= off && text.length - (end - t.length) <= same.suffix && end - t.length >= off;
  while (j > k && fits(before[j - 1]) && (unchanged || text.startsWith(before[j - 1], end - before[j - 1].length))) {
    end -= before[j - 1].length;
    endBefore -= before[--j].length;
  }
  // One kept piece on each side: the first starts at a cut whose context did not change, and the last
  // ends where the next cut's blank line is.
  if (k > 0) off -= before[--k].length;
  if (j < before.length) end += before[j++].length;
  const region = text.slice(off, end);
  const lines = new LineIndex(region);
  let from = 0;
  if (k === 0) {
    // Front matter that does not close inside the region may close anywhere below: cut the whole text.
    if (/^---[ \t]*$/.test(lines.content(0)) && frontMatterEnd(lines, []) === undefined) return undefined;
    from = frontMatterEnd(lines, []) ?? 0;
  }
  const scan = scanCuts(lines, from);
  if (!scan.clean && j < before.length) return undefined;
  return { texts: [...before.slice(0, k), ...slices(region, lines, [0, ...scan.cuts]), ...before.slice(j)], kept: k, keptAtEnd: before.length - j };
}

function slices(text: string, lines: LineIndex, starts: number[]): string[] {
  return starts.map((start, i) => text.slice(lines.startOf(start), lines.startOf(starts[i + 1] ?? lines.lineCount)));
}
