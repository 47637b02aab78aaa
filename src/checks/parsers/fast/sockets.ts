// The fast path for big `ss -tan`, `netstat -an` and `lsof` outputs: wasm/sockets.ts, compiled to
// WebAssembly, counts the rows of the usual shape in its own memory (the bytes are read straight into it)
// and declines the whole output at the first line of any other shape. The TypeScript parser then reads
// the output as it always did: it is the definition, this only makes the common case fast. Its tables
// come out through the same value builders (socketValues, lsofValues) the parsers use.
import { SOCKETS_WASM_BASE64 } from './socketsWasm';
import { canonicalState } from '../../tcpStates';
import { socketValues, type KeyCounts, type SocketCounts, type SocketRow } from '../socketTally';
import { lsofValues } from '../lsof';
import { newMap } from '../text';
import { MAX_LINE_BYTES } from '../byteLines';
import type { ParserOptions } from '../types';

/** The parsers with a fast path, and the scan function of each. */
const scanners = { 'ss-tan': 'scanSs', netstat: 'scanNetstat', lsof: 'scanLsof' } as const;
export type FastParserName = keyof typeof scanners;

/**
 * Bytes past which the scanner declines: its counters are 32-bit, and a counted row takes at least 10
 * bytes (five one-byte fields, four blanks, a line break), so 20 GB is under 2^31 rows.
 */
const MAX_FAST_BYTES = 20e9;

/** Kept rows past this: the TypeScript parser reads the output (the head it would re-read is the output). */
const MAX_FAST_ROWS = 20_000;

// Table numbers in wasm/sockets.ts.
const STATES = 0;
const PEERS = 1;
const LOCALS = 2;
const OTHER_PORTS = 3;
const COMMANDS = 4;
const TYPES = 5;

interface Exports {
  memory: WebAssembly.Memory;
  init(seed: number, keptRows: number): void;
  allocate(bytes: number): number;
  scanSs(buffer: number, length: number, base: number): number;
  scanNetstat(buffer: number, length: number, base: number): number;
  scanLsof(buffer: number, length: number, base: number): number;
  headEndOffset(): number;
  rows(): number;
  headerSeen(): number;
  otherLineCount(): number;
  tcpRowCount(): number;
  portCounts(): number;
  tableSize(table: number): number;
  tableKeys(table: number): number;
  tableStarts(table: number): number;
  tableLengths(table: number): number;
  tableCounts(table: number): number;
  pidCount(): number;
  pidKeyList(): number;
  pidCountList(): number;
}

let compiled: WebAssembly.Module | undefined;

/** Compiled once per process (~8 KB); each output gets its own instance, so its own memory and tables. */
function instantiate(): { exports: Exports; overflowing: Overflow[] } {
  compiled ??= new WebAssembly.Module(Buffer.from(SOCKETS_WASM_BASE64, 'base64'));
  // The imports read the memory of the instance they belong to, which exists once they can be called.
  const made: { exports?: Exports } = {};
  const text = (ptr: number, length: number) => Buffer.from(made.exports!.memory.buffer, ptr, length).toString('latin1');
  const overflowing: Overflow[] = [];
  const instance = new WebAssembly.Instance(compiled, {
    sockets: {
      isListen: (ptr: number, length: number) => (canonicalState(text(ptr, length)) === 'LISTEN' ? 1 : 0),
      listenOverflow: (address: number, addressLength: number, port: number, portLength: number, recvQ: number, backlog: number, line: number) => {
        overflowing.push({ local: `${text(address, addressLength)}:${text(port, portLength)}`, recvQ, backlog, line });
      },
    },
    env: {
      abort: () => {
        throw new Error('the fast socket scanner ran out of memory');
      },
    },
  });
  made.exports = instance.exports as unknown as Exports;
  return { exports: made.exports, overflowing };
}

type Overflow = SocketCounts['overflowing'][number];

/** One table of the module as KeyCounts: ASCII keys (the scanner declines others), in the order first seen. */
class TableCounts implements KeyCounts {
  private readonly names: string[] = [];
  private readonly counts: Int32Array;

  constructor(exports: Exports, table: number) {
    const size = exports.tableSize(table);
    const memory = exports.memory.buffer;
    const starts = new Int32Array(memory, exports.tableStarts(table), size);
    const lengths = new Int32Array(memory, exports.tableLengths(table), size);
    this.counts = new Int32Array(memory, exports.tableCounts(table), size).slice();
    const used = size === 0 ? 0 : starts[size - 1] + lengths[size - 1];
    const all = Buffer.from(memory, exports.tableKeys(table), used).toString('latin1');
    for (let i = 0; i < size; i++) this.names.push(all.slice(starts[i], starts[i] + lengths[i]));
  }

  toMap(): Map<string, number> {
    const out = new Map<string, number>();
    this.names.forEach((name, i) => out.set(name, (out.get(name) ?? 0) + this.counts[i]));
    return out;
  }

  max(): { key: string; count: number } | undefined {
    let at = -1;
    for (let i = 0; i < this.names.length; i++) if (at < 0 || this.counts[i] > this.counts[at]) at = i;
    return at < 0 ? undefined : { key: this.names[at], count: this.counts[at] };
  }

  copyTo(out: Record<string, number>, fresh = false): Record<string, number> {
    this.names.forEach((name, i) => (out[name] = fresh ? this.counts[i] : (out[name] ?? 0) + this.counts[i]));
    return out;
  }
}

/**
 * Scans one output as it is read: `room()` is where the next bytes go (the module's memory, after the
 * unfinished line of the previous read), `scanned(n)` counts the complete lines among them. Once it has
 * declined it stays declined; `end()` reads the last line.
 */
export class FastSocketScan {
  declined = false;
  private readonly exports: Exports;
  private readonly overflowing: Overflow[];
  private readonly input: number;
  private readonly scan: (buffer: number, length: number, base: number) => number;
  /** Bytes of the unfinished line at the start of the input area, and the file offset they start at. */
  private carry = 0;
  private base = 0;

  constructor(
    readonly parser: FastParserName,
    readonly keptRows: number,
    private readonly chunkBytes: number,
  ) {
    ({ exports: this.exports, overflowing: this.overflowing } = instantiate());
    this.exports.init((Math.random() * 0x100000000) >>> 0, keptRows);
    // The carried line, a chunk, and room for the scanner's 16-byte loads past the last line.
    this.input = this.exports.allocate(MAX_LINE_BYTES + 2 + chunkBytes + 32);
    this.scan = this.exports[scanners[parser]].bind(this.exports);
  }

  /** Where to read up to `chunkBytes` next. A new view each time: the memory may have grown. */
  room(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, this.input + this.carry, this.chunkBytes);
  }

  scanned(bytesRead: number): void {
    if (this.declined) return;
    const have = this.carry + bytesRead;
    const lastBreak = new Uint8Array(this.exports.memory.buffer, this.input, have).lastIndexOf(10);
    let rest = have;
    if (lastBreak >= 0) {
      this.run(lastBreak + 1);
      rest = have - lastBreak - 1;
      new Uint8Array(this.exports.memory.buffer).copyWithin(this.input, this.input + lastBreak + 1, this.input + have);
      this.base += lastBreak + 1;
    }
    this.carry = rest;
    // A line longer than the parsers read: the TypeScript path cuts it and says so.
    if (this.carry > MAX_LINE_BYTES + 1 || this.base > MAX_FAST_BYTES) this.declined = true;
  }

  end(): void {
    if (!this.declined && this.carry > 0) this.run(this.carry);
    this.carry = 0;
  }

  /** The file offset where the line that counted the last kept row ends; -1 if fewer rows were counted. */
  headEnd(): number {
    return this.exports.headEndOffset();
  }

  /** The parser's result, with `rows` (the kept rows) read by the TypeScript parser from the head. Undefined when declined. */
  result(rows: unknown[]): Record<string, unknown> | undefined {
    if (this.declined) return undefined;
    const e = this.exports;
    if (this.parser === 'lsof') {
      const count = e.otherLineCount();
      if (count === 0) return undefined;
      const size = e.pidCount();
      const keys = new Int32Array(e.memory.buffer, e.pidKeyList(), size);
      const counts = new Int32Array(e.memory.buffer, e.pidCountList(), size);
      const pids: [number, number][] = [];
      for (let i = 0; i < size; i++) pids.push([keys[i], counts[i]]);
      const table = (n: number) => new TableCounts(e, n);
      return lsofValues({ count, byCommand: table(COMMANDS), byType: table(TYPES), stateSpellings: table(STATES), pids, tcp: e.tcpRowCount(), rows });
    }
    // No rows at all, or no header: the TypeScript parser's warnings say what the output is.
    if (e.rows() === 0 || e.headerSeen() === 0) return undefined;
    const ports = new Int32Array(e.memory.buffer, e.portCounts(), 65536);
    const byLocalPort = newMap<number>();
    for (let n = 0; n < 65536; n++) if (ports[n] > 0) byLocalPort[n] = ports[n];
    new TableCounts(e, OTHER_PORTS).copyTo(byLocalPort);
    return socketValues({
      total: e.rows(),
      spellings: new TableCounts(e, STATES),
      byPeer: new TableCounts(e, PEERS),
      byLocalPort,
      byLocalAddress: new TableCounts(e, LOCALS),
      byProcess: newMap<number>(),
      overflowing: this.overflowing,
      keepaliveTimers: 0,
      rows: rows as SocketRow[],
    });
  }

  private run(length: number): void {
    try {
      if (this.scan(this.input, length, this.base) !== 0) this.declined = true;
    } catch {
      this.declined = true;
    }
  }
}

/** A fast scan for this parser and options, or undefined when only the TypeScript parser reads them. */
export function fastSocketScan(parser: string, options: ParserOptions, chunkBytes: number): FastSocketScan | undefined {
  if (!Object.hasOwn(scanners, parser)) return undefined;
  // Options the scanner does not read: `ss ... state X` output has no State column.
  if (Object.keys(options).some((key) => key !== 'maxRows')) return undefined;
  const maxRows = options.maxRows === undefined ? 1000 : options.maxRows;
  if (typeof maxRows !== 'number' || !Number.isInteger(maxRows) || maxRows < 0 || maxRows > MAX_FAST_ROWS) return undefined;
  return new FastSocketScan(parser as FastParserName, maxRows, chunkBytes);
}
