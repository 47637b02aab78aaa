// One runbook as the server sees it: a `*.runbook.md` text document, or a notebook whose cells are
// put back together. Features work on the runbook text and map positions to and from documents.

import type { Diagnostic, Position, Range, Runbook } from '../runbook/model';
import { analyzeRunbook } from '../analysis/analyze';
import { RunbookSource } from '../analysis/source';
import { LineIndex } from '../runbook/lines';
import { assembleNotebook, fromCellPosition, toCellRange, type NotebookCellText } from './notebookText';

export interface Place {
  uri: string;
  range: Range;
}

export class RunbookView {
  readonly source: RunbookSource;
  private analysis: Diagnostic[] | undefined;

  constructor(
    readonly uri: string,
    readonly runbook: Runbook,
    /** Maps a position in a document (the file, or a cell) to the runbook text. */
    readonly toRunbook: (uri: string, position: Position) => Position | undefined,
    /** Maps a range of the runbook text to a document (the file, or a cell). */
    readonly toDocument: (range: Range) => Place | undefined,
    readonly notebook: boolean,
    lines?: LineIndex,
  ) {
    this.source = new RunbookSource(runbook, lines);
  }

  diagnostics(): Diagnostic[] {
    this.analysis ??= analyzeRunbook(this.runbook, { source: this.source });
    return this.analysis;
  }
}

export type Parse = (text: string, fileName: string) => Runbook;

export function textView(uri: string, text: string, parse: Parse): RunbookView {
  const runbook = parse(text, fileNameOf(uri));
  return new RunbookView(
    uri,
    runbook,
    (_uri, position) => position,
    (range) => ({ uri, range }),
    false,
    runbook.bom ? undefined : new LineIndex(text),
  );
}

export function notebookView(uri: string, cells: NotebookCellText[], parse: Parse): RunbookView {
  const assembled = assembleNotebook(cells);
  return new RunbookView(
    uri,
    parse(assembled.text, fileNameOf(uri)),
    (cellUri, position) => fromCellPosition(assembled, cellUri, position),
    (range) => toCellRange(assembled, range),
    true,
  );
}

function fileNameOf(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
