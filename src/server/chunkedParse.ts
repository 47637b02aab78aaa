// Parses a big runbook in pieces and reparses only the pieces an edit touched (see cuts.ts): each
// piece is parsed on its own and kept while its text is unchanged. The analysis reads the pieces'
// steps where they are (PlacedRunbook); the whole runbook in file positions is built only when a
// feature asks for it. Anything a cut could change (an unclosed fence, a BOM) falls back to a whole parse.

import type { Diagnostic, Part, Runbook, Step } from '../runbook/model';
import { assignStepKeys, parseRunbook } from '../runbook/parse';
import { dominantEol } from '../runbook/lines';
import { diagnostic } from '../runbook/diagnostics';
import { RunbookSource } from '../analysis/source';
import { placeWhole, shiftDiagnostic, shiftRange, type PlacedRunbook, type PlacedStep } from '../analysis/placed';
import { cutText, recut, type Unchanged } from './cuts';

export { cutLines, type Unchanged } from './cuts';

/** A piece's parts, steps and diagnostics moved to where the piece starts in the file. */
interface Placed {
  by: number;
  parts: Part[];
  steps: Step[];
  diagnostics: Diagnostic[];
}

interface Piece {
  text: string;
  runbook: Runbook;
  lines: number;
}

export class ChunkedParser {
  private pieces: Piece[] = [];
  // Most edits keep every piece where it was: its shifted copy is reused as is.
  private placed = new WeakMap<Runbook, Placed>();
  private sources = new WeakMap<Runbook, RunbookSource>();
  /** Pieces parsed (not reused) by the last call: for tests and the bench. */
  parsedPieces = 0;

  /** The whole runbook, as parseRunbook gives it. */
  readonly parse = (text: string, fileName: string): Runbook => this.parsePlaced(text, fileName).runbook();

  /** `unchanged`: how much of the text before this one the edits since left as it was, when the editor said. */
  parsePlaced(text: string, fileName: string, unchanged?: Unchanged): PlacedRunbook {
    const whole = () => {
      this.pieces = [];
      this.parsedPieces = 1;
      return placeWhole(parseRunbook(text, fileName));
    };
    if (text.startsWith('\uFEFF')) return whole();
    const before = this.pieces;
    const cut = (before.length > 0
      ? recut(
          before.map((p) => p.text),
          text,
          unchanged,
        )
      : undefined) ?? {
      texts: cutText(text),
      kept: 0,
      keptAtEnd: 0,
    };
    if (cut.texts.length < 9) return whole();
    // Only the pieces between the kept ones are new text; one that reads like an old one is reused.
    const known = new Map(before.slice(cut.kept, before.length - cut.keptAtEnd).map((p) => [p.text, p]));
    this.parsedPieces = 0;
    const newTo = cut.texts.length - cut.keptAtEnd;
    const pieces = cut.texts.map((t, i) => {
      if (i < cut.kept) return before[i];
      if (i >= newTo) return before[before.length - (cut.texts.length - i)];
      const kept = known.get(t);
      if (kept) return kept;
      this.parsedPieces++;
      return { text: t, runbook: parseRunbook(t, fileName), lines: lineBreaks(t) };
    });
    // An unclosed fence swallows the rest of the file, across the cuts: only a whole parse says that right.
    if (pieces.some((p) => p.runbook.diagnostics.some((d) => d.code === 'unclosed-fence'))) return whole();
    this.pieces = pieces;
    return this.placedRunbook(pieces, text, fileName);
  }

  private placedRunbook(pieces: Piece[], text: string, fileName: string): PlacedRunbook {
    const steps: PlacedStep[] = [];
    const diagnostics: Diagnostic[] = [];
    const starts: number[] = [];
    let by = 0;
    let binary = false;
    for (const piece of pieces) {
      starts.push(by);
      const source = this.sourceOf(piece.runbook);
      for (const step of piece.runbook.steps) steps.push({ step, by, source, key: '' });
      for (const d of piece.runbook.diagnostics) {
        if (d.code === 'duplicate-step-id' || (d.code === 'binary-content' && binary)) continue;
        binary ||= d.code === 'binary-content';
        diagnostics.push(shiftDiagnostic(d, by));
      }
      by += piece.lines;
    }
    diagnostics.push(...assignPlacedKeys(steps));
    let runbook: Runbook | undefined;
    return {
      fileName,
      frontMatter: pieces[0].runbook.frontMatter,
      steps,
      diagnostics,
      runbook: () =>
        (runbook ??= this.join(
          pieces.map((p) => p.runbook),
          starts,
          text,
          fileName,
        )),
    };
  }

  private sourceOf(piece: Runbook): RunbookSource {
    let source = this.sources.get(piece);
    if (!source) {
      source = new RunbookSource(piece);
      this.sources.set(piece, source);
    }
    return source;
  }

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

/** Step keys and duplicate-id errors for placed steps, exactly as assignStepKeys gives them for the whole file. */
function assignPlacedKeys(steps: PlacedStep[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const firstById = new Map<string, PlacedStep>();
  steps.forEach((placed, n) => {
    const { step } = placed;
    placed.key = step.id ?? `step-${n + 1}`;
    if (!step.id) return;
    const first = firstById.get(step.id);
    if (!first) {
      firstById.set(step.id, placed);
      return;
    }
    placed.key = `step-${n + 1}`;
    const at = step.attributes.find((a) => a.name === 'id')?.valueRange ?? step.infoRange;
    out.push(
      diagnostic(
        shiftRange(at, placed.by),
        'error',
        'duplicate-step-id',
        `step id "${step.id}" is already used by the step on line ${first.step.range.start.line + first.by + 1}; give this step another id`,
      ),
    );
  });
  return out;
}

function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
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
