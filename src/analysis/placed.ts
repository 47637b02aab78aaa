// A runbook as the analysis reads it: each step as parsed in a piece of the file, with the number of
// lines between the piece's start and the file's. The language server parses big files in pieces and
// keeps unchanged pieces, so what is worked out on a piece's step stays true wherever the piece moves.

import type { Diagnostic, FrontMatter, Range, Runbook, Step } from '../runbook/model';
import { RunbookSource } from './source';

export interface PlacedStep {
  /** The step as parsed in its piece: its positions are `by` lines above the file's. */
  step: Step;
  by: number;
  /** The piece's text, to turn offsets inside a check block into positions. */
  source: RunbookSource;
  /** The step's key in the whole file: `id`, or `step-<n>` by its place in the file. */
  key: string;
}

export interface PlacedRunbook {
  fileName: string;
  frontMatter?: FrontMatter;
  steps: PlacedStep[];
  /** The format's own diagnostics, in file positions. */
  diagnostics: Diagnostic[];
  /** The whole runbook in file positions (built when first asked for). */
  runbook(): Runbook;
}

/** A runbook parsed in one piece: every step at its own place. */
export function placeWhole(runbook: Runbook, source = new RunbookSource(runbook)): PlacedRunbook {
  return {
    fileName: runbook.fileName,
    frontMatter: runbook.frontMatter,
    steps: runbook.steps.map((step) => ({ step, by: 0, source, key: step.key })),
    diagnostics: runbook.diagnostics,
    runbook: () => runbook,
  };
}

export function shiftRange(range: Range, by: number): Range {
  if (by === 0) return range;
  return { start: { line: range.start.line + by, character: range.start.character }, end: { line: range.end.line + by, character: range.end.character } };
}

/** A diagnostic moved down `by` lines; the "line N:" its message starts with moves too. */
export function shiftDiagnostic(d: Diagnostic, by: number): Diagnostic {
  if (by === 0) return d;
  const range = shiftRange(d.range, by);
  return { ...d, range, message: d.message.replace(/^line \d+:/, `line ${range.start.line + 1}:`) };
}
