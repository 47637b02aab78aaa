// Parses a big runbook in pieces and reparses only the pieces an edit touched: the file is cut where a
// shell step's fence opens at column 0 after a blank line (outside fences, HTML blocks and front
// matter), each piece is parsed on its own and cached by its text, and the pieces are joined with their
// positions shifted. Anything the cut could change (an unclosed fence, a BOM) falls back to a whole parse.

import type { Diagnostic, Part, Runbook, Step } from '../runbook/model';
import { assignStepKeys, parseRunbook } from '../runbook/parse';
import { LineIndex, dominantEol } from '../runbook/lines';
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
  const cuts: number[] = [];
  let n = frontMatterEnd(lines, []) ?? 0;
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
  return cuts;
}

/** A piece's parts, steps and diagnostics moved to where the piece starts in the file. */
interface Placed {
  by: number;
  parts: Part[];
  steps: Step[];
  diagnostics: Diagnostic[];
}

export class ChunkedParser {
  private cache = new Map<string, Runbook>();
  // Most edits keep every piece where it was: its shifted copy is reused as is.
  private placed = new WeakMap<Runbook, Placed>();

  readonly parse = (text: string, fileName: string): Runbook => {
    if (text.startsWith('\uFEFF')) return parseRunbook(text, fileName);
    const lines = new LineIndex(text);
    const cuts = cutLines(lines);
    if (cuts.length < 8) return parseRunbook(text, fileName);
    const starts = [0, ...cuts];
    const pieces = starts.map((start, i) => ({ start, text: text.slice(lines.startOf(start), lines.startOf(starts[i + 1] ?? lines.lineCount)) }));
    const used = new Map<string, Runbook>();
    const parsed = pieces.map((piece) => {
      const runbook = used.get(piece.text) ?? this.cache.get(piece.text) ?? parseRunbook(piece.text, fileName);
      used.set(piece.text, runbook);
      return runbook;
    });
    this.cache = used;
    // An unclosed fence swallows the rest of the file, across the cuts: only a whole parse says that right.
    if (parsed.some((r) => r.diagnostics.some((d) => d.code === 'unclosed-fence'))) return parseRunbook(text, fileName);
    return this.join(
      parsed,
      pieces.map((p) => p.start),
      text,
      fileName,
    );
  };

  private join(pieces: Runbook[], starts: number[], text: string, fileName: string): Runbook {
    const runbook: Runbook = { fileName, bom: false, eol: dominantEol(text), parts: [], steps: [], diagnostics: [] };
    if (pieces[0].frontMatter) runbook.frontMatter = pieces[0].frontMatter;
    let binary = false;
    pieces.forEach((piece, i) => {
      const placed = this.place(piece, starts[i]);
      for (const part of placed.parts) runbook.parts.push(part);
      for (const step of placed.steps) runbook.steps.push(step);
      for (const d of placed.diagnostics) {
        if (d.code === 'binary-content' && binary) continue;
        binary ||= d.code === 'binary-content';
        runbook.diagnostics.push(d);
      }
    });
    assignKeys(runbook);
    return runbook;
  }

  private place(piece: Runbook, by: number): Placed {
    const cached = this.placed.get(piece);
    if (cached?.by === by) return cached;
    const memo = new Map<object, unknown>();
    const placed: Placed = {
      by,
      parts: piece.parts.map((p) => shift(p, by, memo) as Part),
      steps: piece.steps.map((s) => shift(s, by, memo) as Step),
      diagnostics: piece.diagnostics
        .filter((d) => d.code !== 'duplicate-step-id')
        .map((d) => ({ ...(shift(d, by, memo) as Diagnostic), message: d.message.replace(/^line (\d+):/, (_, n: string) => `line ${Number(n) + by}:`) })),
    };
    this.placed.set(piece, placed);
    return placed;
  }
}

// Parsed values and specs hold no positions: they are shared, not copied.
const SHARED = new Set(['spec', 'data', 'values', 'findings', 'frontMatter']);

/** A copy with every position moved down `by` lines; objects seen twice stay one object. */
function shift(value: unknown, by: number, memo: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const seen = memo.get(value);
  if (seen) return seen;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    memo.set(value, copy);
    for (const item of value) copy.push(shift(item, by, memo));
    return copy;
  }
  const source = value as Record<string, unknown>;
  if (typeof source.line === 'number' && typeof source.character === 'number') {
    const moved = { line: source.line + by, character: source.character };
    memo.set(value, moved);
    return moved;
  }
  const copy: Record<string, unknown> = {};
  memo.set(value, copy);
  for (const key of Object.keys(source)) copy[key] = SHARED.has(key) ? source[key] : shift(source[key], by, memo);
  return copy;
}

/** Step keys and duplicate ids over the whole file, as parseRunbook assigns them. */
function assignKeys(runbook: Runbook): void {
  assignStepKeys(runbook, runbook.diagnostics);
  const owner = new Map<object, Step>();
  for (const step of runbook.steps) {
    if (step.check) owner.set(step.check, step);
    for (const output of step.outputs) owner.set(output, step);
  }
  for (const part of runbook.parts) {
    if (part.kind === 'check') part.stepKey = owner.get(part.check)?.key ?? part.stepKey;
    if (part.kind === 'output') part.stepKey = owner.get(part.output)?.key ?? part.stepKey;
  }
}
