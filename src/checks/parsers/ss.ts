// `ss -tan` / `-tanp` / `-tano` / `-ltn`: one socket per row, read line by line so a 1 GB output
// can be fed as it streams; the whole-text parser is the same accumulator fed from a string.
import type { LineAccumulator, Parser, ParserOptions } from './types';
import { createSocketTally, socketTableValues, type SocketRow } from './socketTally';
import { clip, feedLines, Warnings } from './text';

// Global so `lastIndex` can start the search inside the line: no copy of the line's tail per row.
const processPattern = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/g;
const netids = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'nl', 'p_raw', 'p_dgr', 'mptcp', 'sctp', 'v_str', 'v_dgr', 'xdp', 'tipc']);

/**
 * Walks the whitespace-separated fields of one line by position, without a regex split and without
 * copying a field unless asked to: this loop runs a million times on a big host.
 */
class Fields {
  line = '';
  /** Bounds of the current field: `line.slice(start, end)`, empty at the end of the line. */
  start = 0;
  end = 0;
  /** `ss` separates columns with spaces only; then the end of a field is found by `indexOf`, not a char loop. */
  private spacesOnly = true;
  reset(line: string): void {
    this.line = line;
    this.end = 0;
    this.spacesOnly = line.indexOf('\t') < 0 && line.indexOf('\r') < 0;
  }
  /** Moves to the next field. */
  skip(): void {
    const { line } = this;
    const length = line.length;
    let p = this.end;
    if (this.spacesOnly) {
      while (p < length && line.charCodeAt(p) === 32) p++;
      this.start = p;
      if (p < length) {
        const space = line.indexOf(' ', p);
        p = space < 0 ? length : space;
      }
    } else {
      while (p < length && isSpace(line.charCodeAt(p))) p++;
      this.start = p;
      while (p < length && !isSpace(line.charCodeAt(p))) p++;
    }
    this.end = p;
  }
  next(): string {
    this.skip();
    return this.line.slice(this.start, this.end);
  }
  /** The current field as a count (`0`, `128`); undefined when it is not one. Cheaper than a regex or a substring. */
  count(): number | undefined {
    const { line, start, end } = this;
    if (end === start || end - start > 15) return undefined;
    let n = 0;
    for (let i = start; i < end; i++) {
      const d = line.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return n;
  }
  /** True when something other than blanks follows the current field. */
  hasMore(): boolean {
    const { line } = this;
    for (let p = this.end; p < line.length; p++) if (!isSpace(line.charCodeAt(p))) return true;
    return false;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function isLowerCase(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** `127.0.0.1:22`, `[::1]:22`, `*:22`, `127.0.0.53%lo:53` inside `line` from `start` to `end`: the same split as `splitEndpoint`, without copying the field first. */
class Endpoint {
  address = '';
  port = '';
  interface: string | undefined = undefined;
  /** `scoped`: the line has a `%` somewhere; most lines have none, and then neither endpoint looks for one. */
  read(line: string, start: number, end: number, scoped: boolean): void {
    let addressEnd = end;
    let portStart = end;
    let addressStart = start;
    const close = line.charCodeAt(start) === 91 ? line.indexOf(']:', start) : -1;
    if (close > 0 && close + 2 <= end) {
      addressStart = start + 1;
      addressEnd = close;
      portStart = close + 2;
    } else {
      // A loop back from the end: the port is a few characters, and `lastIndexOf` with a position is slow.
      let colon = end - 1;
      while (colon >= start && line.charCodeAt(colon) !== 58) colon--;
      if (colon >= start) {
        addressEnd = colon;
        portStart = colon + 1;
      }
    }
    this.port = portStart < end ? line.slice(portStart, end) : '';
    const percent = scoped ? line.indexOf('%', addressStart) : -1;
    if (percent >= 0 && percent < addressEnd) {
      this.address = line.slice(addressStart, percent);
      this.interface = line.slice(percent + 1, addressEnd);
    } else {
      this.address = line.slice(addressStart, addressEnd);
      this.interface = undefined;
    }
  }
}

/** Reads `ss` socket rows one line at a time. Options: `maxRows` (rows kept in `rows`, default 1000). */
export function createSsAccumulator(options: ParserOptions = {}): LineAccumulator {
  const tally = createSocketTally({ maxRows: typeof options.maxRows === 'number' ? options.maxRows : undefined });
  const warnings = new Warnings();
  const fields = new Fields();
  const local = new Endpoint();
  const peer = new Endpoint();
  let lineNumber = 0;
  // `ss -t state established` drops the State column; the header tells us.
  let hasStateColumn = true;
  let sawHeader = false;

  return {
    push(line: string): void {
      lineNumber++;
      fields.reset(line);
      let first = fields.next();
      if (first === '') return;
      if (first === 'State' || first === 'Netid' || first === 'Recv-Q') {
        sawHeader = true;
        hasStateColumn = first !== 'Recv-Q';
        return;
      }
      // Every netid starts with a lower-case letter and no state does: most rows skip the Set lookup.
      if (isLowerCase(first.charCodeAt(0)) && netids.has(first)) first = fields.next();
      const state = hasStateColumn ? first : 'UNKNOWN';
      if (hasStateColumn) fields.skip();
      const recvQ = fields.count();
      fields.skip();
      const sendQ = fields.count();
      fields.skip();
      const localStart = fields.start;
      const localEnd = fields.end;
      fields.skip();
      if (recvQ === undefined || sendQ === undefined || fields.end === fields.start) {
        warnings.add(`line ${lineNumber}: not an ss socket row: ${clip(line)}`);
        return;
      }
      const scoped = line.indexOf('%', localStart) >= 0;
      local.read(line, localStart, localEnd, scoped);
      peer.read(line, fields.start, fields.end, scoped);
      const row: SocketRow = {
        state,
        recvQ,
        sendQ,
        localAddress: local.address,
        localPort: local.port,
        peerAddress: peer.address,
        peerPort: peer.port,
        line: lineNumber,
      };
      if (local.interface !== undefined) row.interface = local.interface;
      // Most rows end here, or in blanks `ss` pads them with: no need to look for `users:` or `timer:`.
      if (fields.hasMore()) readProcessAndTimer(line, fields.end, row);
      tally.add(row);
    },
    result() {
      const w = warnings.done();
      if (!sawHeader && lineNumber > 0) w.unshift('no ss header line (State Recv-Q Send-Q ...) found: is this `ss -tan` output?');
      return { values: tally.values(), warnings: w };
    },
  };
}

/** `users:(("nginx",pid=812,fd=6))` and `timer:(keepalive,1min,0)` after the peer column, searched for from `from` on. */
function readProcessAndTimer(line: string, from: number, row: SocketRow): void {
  const users = line.indexOf('users:', from);
  if (users >= 0) {
    processPattern.lastIndex = users;
    const proc = processPattern.exec(line);
    if (proc) {
      row.process = proc[1];
      row.pid = Number(proc[2]);
      row.fd = Number(proc[3]);
    }
  }
  // `timer:(` up to the first `)`; when that first one has no `)` after it, no later one has either.
  const timer = line.indexOf('timer:(', from);
  if (timer >= 0) {
    const close = line.indexOf(')', timer + 7);
    if (close >= 0) row.timer = line.slice(timer + 7, close);
  }
}

export const ssTanParser: Parser = {
  info: {
    name: 'ss-tan',
    summary: 'Socket rows from `ss -tan` (also -tanp, -tano, -tanpo, -ltn): counts per state, peer, port, process; listen queue overflows.',
    commands: ['ss -tan', 'ss -tanp', 'ss -tano', 'ss -tanpo', 'ss -ltn', 'ss -ltnp'],
    values: socketTableValues,
    options: [{ name: 'maxRows', type: 'number', description: 'How many rows to keep in `rows` (default 1000).' }],
  },
  parse(text, options) {
    const acc = createSsAccumulator(options);
    feedLines(text, (line) => acc.push(line));
    return acc.result();
  },
  stream: (options) => createSsAccumulator(options),
};
