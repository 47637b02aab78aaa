// One runbook as the server sees it: a `*.runbook.md` text document, or a notebook whose cells are
// put back together. Features work on the runbook text and map positions to and from documents.
// Diagnostics come from the document's analysis, which keeps what an edit did not touch.

import type { Diagnostic, Position, Range, Runbook } from '../runbook/model';
import { RunbookSource } from '../analysis/source';
import type { PlacedRunbook } from '../analysis/placed';
import { RunbookAnalysis } from '../analysis/incremental';
import { LineIndex } from '../runbook/lines';
import { ChunkedParser, type Unchanged } from './chunkedParse';
import { assembleNotebook, fromCellPosition, toCellRange, type NotebookCellText } from './notebookText';

export interface Place {
  uri: string;
  range: Range;
}

/** What the server keeps per document between edits: its pieces and its analysis. */
export class DocumentState {
  readonly parser = new ChunkedParser();
  readonly analysis = new RunbookAnalysis();
  /** What the edits since the last parse left as it was; undefined: not known, compare the texts. */
  private unchanged: Unchanged | undefined;

  /** `tracked`: every edit will be reported to `edited` (the server's text documents). */
  constructor(private readonly tracked = false) {}

  /** An edit replaced [start, end) of a text `length` long (offsets before the edit). */
  edited(start: number, end: number, length: number): void {
    if (!this.unchanged) return;
    this.unchanged = { prefix: Math.min(this.unchanged.prefix, start), suffix: Math.min(this.unchanged.suffix, length - end) };
  }

  /** The text was replaced in a way the edits do not tell (a full change, a notebook's cells). */
  replaced(): void {
    this.unchanged = undefined;
  }

  parse(text: string, fileName: string): PlacedRunbook {
    const unchanged = this.unchanged;
    this.unchanged = this.tracked ? { prefix: Infinity, suffix: Infinity } : undefined;
    return this.parser.parsePlaced(text, fileName, unchanged);
  }
}

export class RunbookView {
  private analysed: Diagnostic[] | undefined;
  private indexed: RunbookSource | undefined;

  constructor(
    readonly uri: string,
    readonly placed: PlacedRunbook,
    private readonly text: string,
    /** Maps a position in a document (the file, or a cell) to the runbook text. */
    readonly toRunbook: (uri: string, position: Position) => Position | undefined,
    /** Maps a range of the runbook text to a document (the file, or a cell). */
    readonly toDocument: (range: Range) => Place | undefined,
    readonly notebook: boolean,
    private readonly state: DocumentState,
  ) {}

  /** The whole runbook in file positions: built on first use (diagnostics do not need it). */
  get runbook(): Runbook {
    return this.placed.runbook();
  }

  get source(): RunbookSource {
    this.indexed ??= new RunbookSource(this.runbook, this.runbook.bom ? undefined : new LineIndex(this.text));
    return this.indexed;
  }

  diagnostics(): Diagnostic[] {
    this.analysed ??= this.state.analysis.analyze(this.placed);
    return this.analysed;
  }
}

export function textView(uri: string, text: string, state = new DocumentState()): RunbookView {
  const placed = state.parse(text, fileNameOf(uri));
  return new RunbookView(
    uri,
    placed,
    text,
    (_uri, position) => position,
    (range) => ({ uri, range }),
    false,
    state,
  );
}

export function notebookView(uri: string, cells: NotebookCellText[], state = new DocumentState()): RunbookView {
  const assembled = assembleNotebook(cells);
  return new RunbookView(
    uri,
    (state.replaced(), state.parse(assembled.text, fileNameOf(uri))),
    assembled.text,
    (cellUri, position) => fromCellPosition(assembled, cellUri, position),
    (range) => toCellRange(assembled, range),
    true,
    state,
  );
}

function fileNameOf(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
