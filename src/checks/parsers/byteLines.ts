// Cutting an output into lines for a line accumulator, from bytes (a spill file, a live stream) or from
// a whole text, with the same lines either way: `\n` ends a line, one `\r` before it is dropped, a final
// line break starts no empty line, and no line is held longer than MAX_LINE_BYTES.
import type { LineAccumulator, ParseResult, Parser, ParserOptions } from './types';
import type { ParserInfo } from '../spec';

/**
 * The longest line a parser is given, in UTF-8 bytes. Every tool a check reads prints rows far shorter
 * (`ss -tanp` with many processes: ~1 KiB); a longer "line" is binary data or a runaway log, and holding
 * it whole is what made a 1 GB line crash the CLI (a JS string cannot pass ~512 MB). The cut is a
 * warning and the lines after it are still read.
 */
export const MAX_LINE_BYTES = 65536;

/** Cuts are reported for the first few lines, then summed: a binary output could have thousands. */
const CUT_WARNINGS = 3;

/** Which lines were cut, for the warnings added to the parser's result. */
class Cuts {
  private readonly list: string[] = [];
  private more = 0;
  note(lineNumber: number, length: number): void {
    if (this.list.length < CUT_WARNINGS) {
      this.list.push(`line ${lineNumber} cut at ${MAX_LINE_BYTES} bytes (it had ${length}): the rest of that line was not read, the lines after it were`);
    } else this.more++;
  }
  addTo(result: ParseResult): ParseResult {
    if (this.list.length === 0) return result;
    const warnings = [...result.warnings, ...this.list];
    if (this.more > 0) warnings.push(`${this.more} more lines were cut at ${MAX_LINE_BYTES} bytes`);
    return { values: result.values, warnings };
  }
}

/** Feeds byte chunks of any size to an accumulator as lines; `end()` gives the parser's result. */
export class LineSplitter {
  /** The start of a line that runs past the end of a chunk (one byte more than the limit, for a final `\r`). */
  private readonly carry = Buffer.allocUnsafe(MAX_LINE_BYTES + 1);
  private held = 0;
  /** Bytes of the unfinished line so far, including those not held. */
  private pending = 0;
  private lastByte = -1;
  private lineNumber = 0;
  private readonly cuts = new Cuts();
  private readonly bytesOf: boolean;

  constructor(private readonly accumulator: LineAccumulator) {
    this.bytesOf = typeof accumulator.pushBytes === 'function';
  }

  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = buf.length;
    let pos = 0;
    if (this.pending > 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.hold(buf, 0, end);
        return;
      }
      this.hold(buf, 0, nl);
      this.finishHeld();
      pos = nl + 1;
    }
    const accumulator = this.accumulator;
    const bytes = this.bytesOf;
    // The loop every line of a big output goes through: one native newline search and one call per line.
    while (pos < end) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) {
        this.hold(buf, pos, end);
        return;
      }
      let lineEnd = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.lineNumber++;
      if (lineEnd - pos > MAX_LINE_BYTES) {
        this.cuts.note(this.lineNumber, lineEnd - pos);
        lineEnd = pos + MAX_LINE_BYTES;
      }
      if (bytes) accumulator.pushBytes!(buf, pos, lineEnd);
      else accumulator.push(buf.toString('utf8', pos, lineEnd));
      pos = nl + 1;
    }
  }

  end(): ParseResult {
    if (this.pending > 0) this.finishHeld();
    return this.cuts.addTo(this.accumulator.result());
  }

  private deliver(buf: Buffer, start: number, end: number): void {
    if (this.bytesOf) this.accumulator.pushBytes!(buf, start, end);
    else this.accumulator.push(buf.toString('utf8', start, end));
  }

  private hold(buf: Buffer, start: number, end: number): void {
    if (end === start) return;
    const room = this.carry.length - this.held;
    if (room > 0) this.held += buf.copy(this.carry, this.held, start, Math.min(end, start + room));
    this.pending += end - start;
    this.lastByte = buf[end - 1];
  }

  private finishHeld(): void {
    this.lineNumber++;
    const length = this.pending - (this.lastByte === 13 ? 1 : 0);
    let keep = Math.min(length, this.held);
    if (length > MAX_LINE_BYTES) {
      this.cuts.note(this.lineNumber, length);
      keep = MAX_LINE_BYTES;
    }
    this.deliver(this.carry, 0, keep);
    this.held = 0;
    this.pending = 0;
    this.lastByte = -1;
  }
}

/**
 * Feeds a whole text to an accumulator, line by line, with the same lines (and cuts) as `LineSplitter`
 * gives for the text's UTF-8 bytes: the whole-text API and streaming agree by construction.
 */
export function feedText(text: string, accumulator: LineAccumulator): ParseResult {
  if (accumulator.pushBytes) {
    const splitter = new LineSplitter(accumulator);
    splitter.write(Buffer.from(text, 'utf8'));
    return splitter.end();
  }
  const cuts = new Cuts();
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const next = end + 1;
    lineNumber++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    let line = text.slice(start, end);
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a line this long can be over the limit.
    if (line.length * 3 > MAX_LINE_BYTES) {
      const length = Buffer.byteLength(line, 'utf8');
      if (length > MAX_LINE_BYTES) {
        cuts.note(lineNumber, length);
        line = Buffer.from(line.slice(0, MAX_LINE_BYTES), 'utf8').toString('utf8', 0, MAX_LINE_BYTES);
      }
    }
    accumulator.push(line);
    start = next;
  }
  return cuts.addTo(accumulator.result());
}

/** A parser that reads its output line by line: the whole-text API is the accumulator fed from the text. */
export function lineParser(info: ParserInfo, create: (options: ParserOptions) => LineAccumulator): Parser {
  return {
    info,
    parse: (text, options) => feedText(text, create(options ?? {})),
    stream: (options) => create(options ?? {}),
  };
}
