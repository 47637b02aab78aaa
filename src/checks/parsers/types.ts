// What every output parser looks like: a description for completion/docs, a whole-text parse, and
// (for tools whose output can be huge) a line-by-line accumulator the engine can feed as output streams in.
import type { ParserInfo } from '../spec';

export type ParserOptions = Record<string, unknown>;

/** Values read from one output, plus what could not be read. Parsers never throw on odd input. */
export interface ParseResult {
  values: Record<string, unknown>;
  warnings: string[];
}

/** Feed lines one at a time (without their line break); ask for the result at the end. */
export interface LineAccumulator {
  push(line: string): void;
  result(): ParseResult;
}

export interface Parser {
  info: ParserInfo;
  parse(text: string, options: ParserOptions): ParseResult;
  /** Present when the parser can read its output line by line without holding it whole. */
  stream?(options: ParserOptions): LineAccumulator;
}
