// `ss -tan` / `-tanp` / `-tano` / `-ltn` / `ss ... state X`: one socket per row, read from the bytes of
// each line (a 5M-line output makes no string per row); the whole-text parser is the same accumulator.
import type { LineAccumulator, Parser, ParserOptions } from './types';
import { createSocketTally, RowBytes, socketTableValues } from './socketTally';
import { Endpoint } from './endpoint';
import { Warnings } from './text';
import { clipBytes, digits, HASH_MASK, HASH_PRIME, HASH_SEED, hashBytes, isWord } from './bytes';
import { lineParser } from './byteLines';
import { canonicalState } from '../tcpStates';

// Global so `lastIndex` can start the search inside the rest of the line.
const processPattern = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/g;
const netids = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'nl', 'p_raw', 'p_dgr', 'mptcp', 'sctp', 'v_str', 'v_dgr', 'xdp', 'tipc']);

/** ss separates columns with spaces; tabs and CR count as blanks too. */
function isSep(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** The state names `ss state X` takes that are no spelling of a state (`listening`), and the rest via `canonicalState`. */
function filterState(option: unknown): string | undefined {
  if (typeof option !== 'string') return undefined;
  if (/^listening$/i.test(option.trim())) return 'LISTEN';
  return canonicalState(option);
}

/**
 * Reads `ss` socket rows one line at a time. Options: `maxRows` (rows kept in `rows`, default 1000);
 * `state` (the state of `ss ... state X`, whose output has no State column).
 */
export function createSsAccumulator(options: ParserOptions = {}): LineAccumulator {
  const tally = createSocketTally({ maxRows: typeof options.maxRows === 'number' ? options.maxRows : undefined });
  const warnings = new Warnings();
  const local = new Endpoint();
  const peer = new Endpoint();
  const row = new RowBytes();
  const optionState = filterState(options.state);
  // ss prints no State column when its filter names a single state; then every row is in that state.
  const filterBytes = Buffer.from(optionState ?? 'UNKNOWN');
  const filterHash = hashBytes(filterBytes, 0, filterBytes.length);
  let lineNumber = 0;
  let hasStateColumn = true;
  let sawHeader = false;
  let statelessRows = false;
  let badRows = 0;
  // Outside pushBytes on purpose: a closure there over its parameters would cost a context object per line.
  const bad = (bytes: Buffer, start: number, end: number): void => {
    badRows++;
    warnings.addWith(() => `line ${lineNumber}: not an ss socket row: ${clipBytes(bytes, start, end)}`);
  };

  const accumulator: LineAccumulator = {
    push(line: string): void {
      const bytes = Buffer.from(line, 'utf8');
      accumulator.pushBytes!(bytes, 0, bytes.length);
    },
    pushBytes(bytes, start, end): void {
      lineNumber++;
      let p = start;
      let c = 0;
      while (p < end && isSep(bytes[p])) p++;
      if (p === end) return;
      // Hashed on the way: if this first field is the state, the tally files it without reading it again.
      let fieldStart = p;
      let h = HASH_SEED;
      while (p < end && ((c = bytes[p]) > 32 || !isSep(c))) {
        h = Math.imul(h ^ c, HASH_PRIME) & HASH_MASK;
        p++;
      }
      let fieldEnd = p;
      c = bytes[fieldStart];
      if (
        (c === 83 && isWord(bytes, fieldStart, fieldEnd, 'State')) ||
        (c === 78 && isWord(bytes, fieldStart, fieldEnd, 'Netid')) ||
        (c === 82 && isWord(bytes, fieldStart, fieldEnd, 'Recv-Q'))
      ) {
        sawHeader = true;
        hasStateColumn = c !== 82;
        return;
      }
      // Every netid starts with a lower-case letter and no state does: most rows skip the Set lookup.
      if (c >= 97 && c <= 122 && netids.has(bytes.toString('latin1', fieldStart, fieldEnd))) {
        while (p < end && isSep(bytes[p])) p++;
        fieldStart = p;
        h = HASH_SEED;
        while (p < end && ((c = bytes[p]) > 32 || !isSep(c))) {
          h = Math.imul(h ^ c, HASH_PRIME) & HASH_MASK;
          p++;
        }
        fieldEnd = p;
      }
      // Without a header the rows say which layout they have: `ss -H ... state X` starts with Recv-Q.
      const stateless = sawHeader ? !hasStateColumn : optionState !== undefined;
      if (stateless) {
        row.stateBytes = filterBytes;
        row.stateStart = 0;
        row.stateEnd = filterBytes.length;
        row.stateHash = filterHash;
      } else {
        row.stateBytes = bytes;
        row.stateStart = fieldStart;
        row.stateEnd = fieldEnd;
        row.stateHash = h & HASH_MASK;
        while (p < end && isSep(bytes[p])) p++;
        fieldStart = p;
        while (p < end && ((c = bytes[p]) > 32 || !isSep(c))) p++;
        fieldEnd = p;
      }
      const recvQ = digits(bytes, fieldStart, fieldEnd);
      while (p < end && isSep(bytes[p])) p++;
      fieldStart = p;
      while (p < end && ((c = bytes[p]) > 32 || !isSep(c))) p++;
      const sendQ = digits(bytes, fieldStart, p);
      while (p < end && isSep(bytes[p])) p++;
      if (recvQ < 0 || sendQ < 0 || p === end) {
        bad(bytes, start, end);
        return;
      }
      p = local.scan(bytes, p, end, false);
      while (p < end && isSep(bytes[p])) p++;
      if (p === end) {
        bad(bytes, start, end);
        return;
      }
      const peerEnd = (p = peer.scan(bytes, p, end, false));
      if (stateless) statelessRows = true;
      row.bytes = bytes;
      row.recvQ = recvQ;
      row.sendQ = sendQ;
      row.line = lineNumber;
      row.clearExtras();
      row.localStart = local.addressStart;
      row.localEnd = local.addressEnd;
      row.localPortStart = local.portStart;
      row.localPortEnd = local.portEnd;
      row.localHash = local.hash;
      if (local.interfaceStart >= 0) {
        row.interfaceStart = local.interfaceStart;
        row.interfaceEnd = local.interfaceEnd;
      }
      row.peerStart = peer.addressStart;
      row.peerEnd = peer.addressEnd;
      row.peerPortStart = peer.portStart;
      row.peerPortEnd = peer.portEnd;
      row.peerHash = peer.hash;
      // Most rows end here, or in the blanks ss pads them with: only -p / -o rows have more to read.
      while (p < end && isSep(bytes[p])) p++;
      if (p < end) readProcessAndTimer(bytes.toString('utf8', peerEnd, end), row);
      tally.add(row);
    },
    result() {
      const w = warnings.done();
      if (statelessRows && optionState === undefined) {
        w.unshift(
          'unrecognised: this ss output has no State column (`ss ... state X` prints none when it filters one state), so no socket has a known state: name the state in the check, e.g. `options: { state: time-wait }`',
        );
      } else if (tally.total === 0 && badRows > 0) {
        w.unshift('unrecognised: no line of this output is an ss socket row (State Recv-Q Send-Q Local Peer): is this `ss -tan` output?');
      } else if (!sawHeader && tally.total > 0) {
        w.unshift('no ss header line (State Recv-Q Send-Q ...) found: is this `ss -tan` output?');
      }
      if (options.state !== undefined && optionState === undefined) {
        w.unshift(`unrecognised: options.state "${String(options.state)}" is no TCP state (established, time-wait, close-wait, syn-sent, listening...)`);
      }
      w.push(...tally.notes());
      return { values: tally.values(), warnings: w };
    },
  };
  return accumulator;
}

/** `users:(("nginx",pid=812,fd=6))` and `timer:(keepalive,1min,0)` in the rest of a row after the peer column. */
function readProcessAndTimer(rest: string, row: RowBytes): void {
  const users = rest.indexOf('users:');
  if (users >= 0) {
    processPattern.lastIndex = users;
    const proc = processPattern.exec(rest);
    if (proc) {
      row.process = proc[1];
      row.pid = Number(proc[2]);
      row.fd = Number(proc[3]);
    }
  }
  // `timer:(` up to the first `)`; when that first one has no `)` after it, no later one has either.
  const timer = rest.indexOf('timer:(');
  if (timer >= 0) {
    const close = rest.indexOf(')', timer + 7);
    if (close >= 0) row.timer = rest.slice(timer + 7, close);
  }
}

export const ssTanParser: Parser = lineParser(
  {
    name: 'ss-tan',
    summary:
      'Socket rows from `ss -tan` (also -tanp, -tano, -tanpo, -ltn, and `ss ... state X` with `options.state`): counts per state, peer, port, process; listen queue overflows.',
    commands: ['ss -tan', 'ss -tanp', 'ss -tano', 'ss -tanpo', 'ss -ltn', 'ss -ltnp', 'ss -tan state time-wait', 'ss -tn state established'],
    values: socketTableValues,
    options: [
      { name: 'maxRows', type: 'number', description: 'How many rows to keep in `rows` (default 1000).' },
      {
        name: 'state',
        type: 'string',
        description:
          'For `ss ... state X` (one state: its output has no State column): that state, e.g. `time-wait`, `established`. Without it such output is not recognised.',
      },
    ],
  },
  createSsAccumulator,
);
