// Counting sockets the way an incident asks about them: per state, per peer, per local port and
// process, listen queues that overflow, keepalive timers. Shared by `ss -tan` and `netstat -an`; rows
// come in as byte ranges of their line (RowBytes), so a million rows cost no million strings.
import type { ValueInfo } from '../spec';
import { canonicalState, emptyStateCounts, type TcpState } from '../tcpStates';
import { ByteCounts, digits, MAX_KEYS } from './bytes';

import { newMap } from './text';

/** One socket as a row of `ss`/`netstat` shows it. Addresses without brackets, ports as written. */
export interface SocketRow {
  state: string;
  recvQ: number;
  sendQ: number;
  localAddress: string;
  localPort: string;
  peerAddress: string;
  peerPort: string;
  /** Interface scope from `%lo` in an address, if any. */
  interface?: string;
  process?: string;
  pid?: number;
  fd?: number;
  timer?: string;
  line: number;
}

export interface SocketTallyOptions {
  /** How many rows to keep in `rows` (default 1000); counts always cover every row. */
  maxRows?: number;
  /** False for netstat, which prints 0 as a listener's Send-Q instead of its backlog. */
  listenBacklogKnown?: boolean;
}

/** `443` -> 443 from the bytes of a port; -1 for anything that would not print back the same (`*`, `08080`, `70000`, `http`). */
function portNumber(bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length > 5 || (length > 1 && bytes[start] === 48)) return -1;
  const n = digits(bytes, start, end);
  return n <= 65535 ? n : -1;
}

/**
 * Sockets per local port: numeric ports in an array indexed by port (no lookup per row), others
 * (`*`, names) by their bytes. The result is the same object either way: numeric keys of a JS object
 * always list in ascending order, the others in the order first seen.
 */
class PortCounts {
  private readonly numeric = new Uint32Array(65536);
  private readonly seen: number[] = [];
  readonly other = new ByteCounts();
  add(bytes: Buffer, start: number, end: number): void {
    const n = portNumber(bytes, start, end);
    if (n < 0) this.other.add(bytes, start, end);
    else if (this.numeric[n]++ === 0) this.seen.push(n);
  }
  toRecord(): Record<string, number> {
    const out = newMap<number>();
    for (const n of this.seen) out[n] = this.numeric[n];
    return this.other.copyTo(out);
  }
}

/** Per process name (from `users:(("nginx",...))`), which only `-p` output has: a Map of strings is enough. */
class Counts {
  private readonly map = new Map<string, number>();
  dropped = 0;
  add(key: string): void {
    const n = this.map.get(key);
    if (n !== undefined) this.map.set(key, n + 1);
    else if (this.map.size < MAX_KEYS) this.map.set(key, 1);
    else this.dropped++;
  }
  copyTo(out: Record<string, number>): Record<string, number> {
    for (const [k, n] of this.map) out[k] = n;
    return out;
  }
}

/**
 * One row as byte ranges of its line, filled in by the parser and handed to `add`; reused for every
 * row, so counting a row makes no object and no string. `rows` and `listenOverflow` copy what they keep.
 */
export class RowBytes {
  bytes: Buffer = Buffer.alloc(0);
  /** Where the state is spelled: the line, or (for `ss ... state X` output) the filter's state name. */
  stateBytes: Buffer = Buffer.alloc(0);
  stateStart = 0;
  stateEnd = 0;
  /** `hashBytes` of the state, local and peer address ranges, computed while the parser scanned them. */
  stateHash = 0;
  localHash = 0;
  peerHash = 0;
  recvQ = 0;
  sendQ = 0;
  localStart = 0;
  localEnd = 0;
  localPortStart = 0;
  localPortEnd = 0;
  peerStart = 0;
  peerEnd = 0;
  peerPortStart = 0;
  peerPortEnd = 0;
  /** `%lo` of the local address; -1 when there is none. */
  interfaceStart = -1;
  interfaceEnd = -1;
  process: string | undefined = undefined;
  pid: number | undefined = undefined;
  fd: number | undefined = undefined;
  timer: string | undefined = undefined;
  line = 0;
  /** Sets the fields after the peer address back to none, for the next row. */
  clearExtras(): void {
    this.interfaceStart = -1;
    this.process = undefined;
    this.pid = undefined;
    this.fd = undefined;
    this.timer = undefined;
  }
}

function text(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, end);
}

/**
 * The fields' texts of a kept row: cut from one latin1 decode of the span when it is ASCII (one native
 * call per row instead of five), else decoded one by one.
 */
function fieldTexts(r: RowBytes): (start: number, end: number) => string {
  const bytes = r.bytes;
  const from = Math.min(r.localStart, r.peerStart);
  const to = Math.max(r.peerPortEnd, r.localPortEnd);
  for (let i = from; i < to; i++) if (bytes[i] > 127) return (start, end) => text(bytes, start, end);
  const span = bytes.toString('latin1', from, to);
  return (start, end) => span.slice(start - from, end - from);
}

/** The kept copy of a row, with the keys in the order the parser names them (`pidFirst` for netstat's `PID/name`). */
function materialise(r: RowBytes, state: string, pidFirst: boolean): SocketRow {
  const cut = fieldTexts(r);
  const row: SocketRow = {
    state,
    recvQ: r.recvQ,
    sendQ: r.sendQ,
    localAddress: cut(r.localStart, r.localEnd),
    localPort: cut(r.localPortStart, r.localPortEnd),
    peerAddress: cut(r.peerStart, r.peerEnd),
    peerPort: cut(r.peerPortStart, r.peerPortEnd),
    line: r.line,
  };
  if (r.interfaceStart >= 0) row.interface = cut(r.interfaceStart, r.interfaceEnd);
  if (pidFirst && r.pid !== undefined) row.pid = r.pid;
  if (r.process !== undefined) row.process = r.process;
  if (!pidFirst && r.pid !== undefined) row.pid = r.pid;
  if (r.fd !== undefined) row.fd = r.fd;
  if (r.timer !== undefined) row.timer = r.timer;
  return row;
}

export interface SocketTally {
  add(row: RowBytes): void;
  values(): Record<string, unknown>;
  /** Warnings about maps that reached MAX_KEYS distinct keys (empty normally). */
  notes(): string[];
  /** Rows counted so far. */
  readonly total: number;
}

export function createSocketTally(options: SocketTallyOptions & { pidFirst?: boolean } = {}): SocketTally {
  const maxRows = typeof options.maxRows === 'number' && options.maxRows >= 0 ? options.maxRows : 1000;
  const pidFirst = options.pidFirst === true;
  // States are counted by spelling (`ESTAB`, `TIME-WAIT`) and named canonically once per spelling.
  const spellings = new ByteCounts();
  const canonical: (TcpState | null)[] = [];
  const byPeer = new ByteCounts();
  const byLocalPort = new PortCounts();
  const byLocalAddress = new ByteCounts();
  const byProcess = new Counts();
  const overflowing: { local: string; recvQ: number; backlog: number; line: number }[] = [];
  const rows: SocketRow[] = [];
  let total = 0;
  let keepaliveTimers = 0;

  return {
    get total() {
      return total;
    },
    add(r: RowBytes): void {
      total++;
      const spelling = spellings.addHashed(r.stateBytes, r.stateStart, r.stateEnd, r.stateHash);
      let state = spelling < 0 ? null : canonical[spelling];
      if (state === undefined) state = canonical[spelling] = canonicalState(spellings.name(spelling)) ?? null;
      const listening = state === 'LISTEN';
      const bytes = r.bytes;
      // A listener's "peer" is `0.0.0.0:*`: counting it would make `*` the busiest peer.
      const starPort = r.peerPortEnd - r.peerPortStart === 1 && bytes[r.peerPortStart] === 42;
      if (!listening && r.peerEnd > r.peerStart && !starPort) byPeer.addHashed(bytes, r.peerStart, r.peerEnd, r.peerHash);
      byLocalPort.add(bytes, r.localPortStart, r.localPortEnd);
      byLocalAddress.addHashed(bytes, r.localStart, r.localEnd, r.localHash);
      if (r.process !== undefined) byProcess.add(r.process);
      // For a listener ss shows the accept queue in Recv-Q and the backlog in Send-Q.
      if (listening && options.listenBacklogKnown !== false && r.recvQ > 0 && r.recvQ >= r.sendQ) {
        const local = `${text(bytes, r.localStart, r.localEnd)}:${text(bytes, r.localPortStart, r.localPortEnd)}`;
        overflowing.push({ local, recvQ: r.recvQ, backlog: r.sendQ, line: r.line });
      }
      if (r.timer !== undefined && r.timer.startsWith('keepalive')) keepaliveTimers++;
      if (rows.length < maxRows) rows.push(materialise(r, spellings.name(spelling), pidFirst));
    },
    notes(): string[] {
      const notes: string[] = [];
      const maps: [string, { dropped: number }][] = [
        ['states', spellings],
        ['peers', byPeer],
        ['local ports', byLocalPort.other],
        ['local addresses', byLocalAddress],
        ['processes', byProcess],
      ];
      for (const [what, map] of maps) {
        if (map.dropped > 0) {
          notes.push(
            `more than ${MAX_KEYS.toLocaleString('en-US')} distinct ${what}: ${map.dropped} sockets of the others are in total but not listed by ${what === 'states' ? 'state' : what.replace(/s$/, '')}`,
          );
        }
      }
      return notes;
    },
    values(): Record<string, unknown> {
      return socketValues({
        total,
        spellings,
        byPeer,
        byLocalPort: byLocalPort.toRecord(),
        byLocalAddress,
        byProcess: byProcess.copyTo(newMap<number>()),
        overflowing,
        keepaliveTimers,
        rows,
      });
    },
  };
}

/** Counts per key as the values read them: ByteCounts, or the fast path's tables (fast/sockets.ts). */
export interface KeyCounts {
  toMap(): Map<string, number>;
  max(): { key: string; count: number } | undefined;
  copyTo(out: Record<string, number>, fresh?: boolean): Record<string, number>;
}

/** What a socket table counted, from either path. */
export interface SocketCounts {
  total: number;
  spellings: KeyCounts;
  byPeer: KeyCounts;
  byLocalPort: Record<string, number>;
  byLocalAddress: KeyCounts;
  byProcess: Record<string, number>;
  overflowing: { local: string; recvQ: number; backlog: number; line: number }[];
  keepaliveTimers: number;
  rows: SocketRow[];
}

/** The values of `socketTableValues` from the counts. */
export function socketValues(c: SocketCounts): Record<string, unknown> {
  const states = emptyStateCounts();
  const otherStates = newMap<number>();
  for (const [spelling, n] of c.spellings.toMap()) {
    const state = canonicalState(spelling);
    if (state) states[state] += n;
    else otherStates[spelling] = (otherStates[spelling] ?? 0) + n;
  }
  const busiest = c.byPeer.max();
  const maxPeer = busiest && { address: busiest.key, count: busiest.count };
  const byPeerRecord = c.byPeer.copyTo(newMap<number>(), true);
  return {
    total: c.total,
    states,
    otherStates,
    byPeer: byPeerRecord,
    byLocalPort: c.byLocalPort,
    byLocalAddress: c.byLocalAddress.copyTo(newMap<number>(), true),
    byProcess: c.byProcess,
    listenOverflow: { count: c.overflowing.length, sockets: c.overflowing },
    keepaliveTimers: c.keepaliveTimers,
    maxPeer,
    rows: c.rows,
    rowsTruncated: c.total > c.rows.length,
  };
}

/** The values every socket-table parser (ss-tan, netstat) offers, for completion and docs. */
export const socketTableValues: ValueInfo[] = [
  { name: 'total', type: 'number', description: 'Number of socket rows read.' },
  {
    name: 'states',
    type: 'map',
    description:
      'Canonical TCP state -> count (ESTABLISHED, TIME_WAIT, CLOSE_WAIT, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, LAST_ACK, CLOSING, LISTEN, CLOSED); every state is present, 0 when absent.',
  },
  { name: 'otherStates', type: 'map', description: 'States the parser did not recognise -> count (normally empty).' },
  { name: 'byPeer', type: 'map', description: 'Peer address (no port) -> number of sockets; listeners are not counted.' },
  { name: 'byLocalPort', type: 'map', description: 'Local port -> number of sockets.' },
  { name: 'byLocalAddress', type: 'map', description: 'Local address (no port) -> number of sockets.' },
  { name: 'byProcess', type: 'map', description: 'Process name (from -p) -> number of sockets.' },
  {
    name: 'listenOverflow',
    type: 'object',
    description:
      '`count` and `sockets` (local, recvQ, backlog) of LISTEN sockets whose accept queue (Recv-Q) is at or over the backlog (Send-Q). ss only: netstat does not print the backlog, so it is always 0 there.',
  },
  { name: 'keepaliveTimers', type: 'number', description: 'Sockets with a keepalive timer (ss -o `timer:(keepalive,...)`, netstat -o `keepalive (...)`).' },
  { name: 'maxPeer', type: 'object', description: '`address` and `count` of the peer with most sockets; missing when there is no peer.' },
  {
    name: 'rows',
    type: 'list',
    description: 'The socket rows (state, recvQ, sendQ, localAddress, localPort, peerAddress, peerPort, process, pid, fd, timer, line), at most `maxRows`.',
  },
  { name: 'rowsTruncated', type: 'boolean', description: 'True when `rows` holds fewer rows than were counted.' },
];
