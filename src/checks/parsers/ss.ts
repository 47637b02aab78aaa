// `ss -tan` / `-tanp` / `-tano` / `-ltn`: one socket per row, read line by line so a 1 GB output
// can be fed as it streams; the whole-text parser is the same accumulator fed from a string.
import type { LineAccumulator, Parser, ParserOptions } from './types';
import { createSocketTally, socketTableValues, splitEndpoint, type SocketRow } from './socketTally';
import { clip, feedLines, Warnings } from './text';

const processPattern = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/;
const timerPattern = /timer:\(([^)]*)\)/;
const netids = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'nl', 'p_raw', 'p_dgr', 'mptcp', 'sctp', 'v_str', 'v_dgr', 'xdp', 'tipc']);

/** Reads whitespace-separated fields of one line without a regex split: this loop runs a million times on a big host. */
class Fields {
  private line = '';
  private pos = 0;
  reset(line: string): void {
    this.line = line;
    this.pos = 0;
  }
  next(): string {
    const { line } = this;
    let p = this.pos;
    while (p < line.length && isSpace(line.charCodeAt(p))) p++;
    const start = p;
    while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
    this.pos = p;
    return line.slice(start, p);
  }
  rest(): string {
    return this.line.slice(this.pos);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** `0`, `128` -> number; anything else -> undefined (cheaper than a regex for the two queue columns). */
function readCount(token: string): number | undefined {
  if (token.length === 0 || token.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < token.length; i++) {
    const d = token.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** Reads `ss` socket rows one line at a time. Options: `maxRows` (rows kept in `rows`, default 1000). */
export function createSsAccumulator(options: ParserOptions = {}): LineAccumulator {
  const tally = createSocketTally({ maxRows: typeof options.maxRows === 'number' ? options.maxRows : undefined });
  const warnings = new Warnings();
  const fields = new Fields();
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
      if (netids.has(first)) first = fields.next();
      const state = hasStateColumn ? first : 'UNKNOWN';
      const recvQ = readCount(hasStateColumn ? fields.next() : first);
      const sendQ = readCount(fields.next());
      const localText = fields.next();
      const peerText = fields.next();
      if (recvQ === undefined || sendQ === undefined || peerText === '') {
        warnings.add(`line ${lineNumber}: not an ss socket row: ${clip(line)}`);
        return;
      }
      const local = splitEndpoint(localText);
      const peer = splitEndpoint(peerText);
      const row: SocketRow = {
        state, recvQ, sendQ,
        localAddress: local.address, localPort: local.port,
        peerAddress: peer.address, peerPort: peer.port, line: lineNumber,
      };
      if (local.interface !== undefined) row.interface = local.interface;
      const rest = fields.rest();
      if (rest.length > 0) {
        const proc = rest.includes('users:') ? processPattern.exec(rest) : null;
        if (proc) {
          row.process = proc[1];
          row.pid = Number(proc[2]);
          row.fd = Number(proc[3]);
        }
        const timer = rest.includes('timer:') ? timerPattern.exec(rest) : null;
        if (timer) row.timer = timer[1];
      }
      tally.add(row);
    },
    result() {
      const w = warnings.done();
      if (!sawHeader && lineNumber > 0) w.unshift('no ss header line (State Recv-Q Send-Q ...) found: is this `ss -tan` output?');
      return { values: tally.values(), warnings: w };
    },
  };
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
