// What every output parser looks like: a description for completion/docs, a whole-text parse, and
// (for tools whose output can be huge) a line-by-line accumulator the engine can feed as output streams in.
import type { ParserInfo } from '../spec';

export type ParserOptions = Record<string, unknown>;

/** Values read from one output, plus what could not be read. Parsers never throw on odd input. */
export interface ParseResult {
  values: Record<string, unknown>;
  warnings: string[];
}

/**
 * Feed lines one at a time (without their line break); ask for the result at the end. Feed whole
 * outputs through `feedText` / `LineSplitter` (byteLines.ts): they cut lines at `MAX_LINE_BYTES`, warn
 * about the cut, and use `pushBytes` when the accumulator has it.
 */
export interface LineAccumulator {
  push(line: string): void;
  /**
   * The same line as UTF-8 bytes `bytes[start, end)`, for parsers that read fields from bytes without
   * making a string per line (ss, netstat, lsof: millions of rows). The bytes are valid only during the call.
   */
  pushBytes?(bytes: Buffer, start: number, end: number): void;
  result(): ParseResult;
}

export interface Parser {
  info: ParserInfo;
  parse(text: string, options: ParserOptions): ParseResult;
  /** Present when the parser can read its output line by line without holding it whole. */
  stream?(options: ParserOptions): LineAccumulator;
}
