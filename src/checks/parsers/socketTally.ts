// Counting sockets the way an incident asks about them: per state, per peer, per local port and
// process, listen queues that overflow, keepalive timers. Shared by `ss -tan`, `netstat -an` and `lsof`.
import type { ValueInfo } from '../spec';
import { canonicalState, canonicalStates, emptyStateCounts, type TcpState } from '../tcpStates';
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

/** `127.0.0.1:22`, `[::1]:22`, `*:22`, `::1:22` (netstat), `127.0.0.53%lo:53` -> address, port, interface. */
export function splitEndpoint(endpoint: string): { address: string; port: string; interface?: string } {
  let address = endpoint;
  let port = '';
  const close = endpoint.charCodeAt(0) === 91 ? endpoint.indexOf(']:') : -1;
  if (close > 0) {
    address = endpoint.slice(1, close);
    port = endpoint.slice(close + 2);
  } else {
    const colon = endpoint.lastIndexOf(':');
    if (colon >= 0) {
      address = endpoint.slice(0, colon);
      port = endpoint.slice(colon + 1);
    }
  }
  const percent = address.indexOf('%');
  if (percent >= 0) return { address: address.slice(0, percent), port, interface: address.slice(percent + 1) };
  return { address, port };
}

/**
 * Sockets per key (peer, local address, process), in the order keys were first seen. Each key holds a
 * mutable count, so a key already seen costs one Map lookup, and none when it repeats the previous
 * row's key, as the local address of a server's sockets mostly does.
 */
class Counts {
  private readonly map = new Map<string, { n: number }>();
  private lastKey: string | undefined;
  private last = { n: 0 };
  add(key: string): void {
    if (key === this.lastKey) {
      this.last.n++;
      return;
    }
    let tally = this.map.get(key);
    if (tally === undefined) {
      tally = { n: 0 };
      this.map.set(key, tally);
    }
    tally.n++;
    this.lastKey = key;
    this.last = tally;
  }
  entries(): IterableIterator<[string, { n: number }]> {
    return this.map.entries();
  }
  /** Copies the counts into `out` (a prototype-less object), in the order first seen. */
  copyTo(out: Record<string, number>): Record<string, number> {
    for (const [k, v] of this.map) out[k] = v.n;
    return out;
  }
}

/** `443` -> 443; -1 for anything that would not print back the same (`*`, `08080`, `70000`, `http`). */
function portNumber(port: string): number {
  const length = port.length;
  if (length === 0 || length > 5 || (length > 1 && port.charCodeAt(0) === 48)) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const d = port.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= 65535 ? n : -1;
}

/**
 * Sockets per local port: numeric ports in an array indexed by port (no Map lookup per row), others
 * (`*`, names) in a Map. The result is the same object either way: numeric keys of a JS object always
 * list in ascending order, the others in the order first seen.
 */
class PortCounts {
  private readonly numeric = new Float64Array(65536);
  private readonly seen: number[] = [];
  private readonly other = new Counts();
  add(port: string): void {
    const n = portNumber(port);
    if (n < 0) this.other.add(port);
    else if (this.numeric[n]++ === 0) this.seen.push(n);
  }
  toRecord(): Record<string, number> {
    const out = newMap<number>();
    for (const n of this.seen) out[n] = this.numeric[n];
    return this.other.copyTo(out);
  }
}

/**
 * Sockets per canonical state, keyed by the spelling a row uses (`ESTAB`, `TIME-WAIT`): one Map lookup
 * per row finds the state's count, where naming the state and then counting it in a record took two.
 */
class StateCounts {
  private readonly counts = new Map<TcpState, { n: number }>(canonicalStates.map((s) => [s, { n: 0 }]));
  private readonly bySpelling = new Map<string, { state: TcpState; count: { n: number } } | null>();
  /** Counts a row's state; returns its canonical name, undefined (and not counted) when it is no TCP state. */
  add(spelling: string): TcpState | undefined {
    let known = this.bySpelling.get(spelling);
    if (known === undefined) {
      const state = canonicalState(spelling);
      known = state ? { state, count: this.counts.get(state)! } : null;
      // Bounded: garbage input could spell a million different "states".
      if (this.bySpelling.size < 1000) this.bySpelling.set(spelling, known);
    }
    if (known === null) return undefined;
    known.count.n++;
    return known.state;
  }
  /** Every canonical state, 0 when absent. */
  toRecord(): Record<string, number> {
    const out = emptyStateCounts();
    for (const [state, { n }] of this.counts) out[state] = n;
    return out;
  }
}

export function createSocketTally(options: SocketTallyOptions = {}) {
  const maxRows = typeof options.maxRows === 'number' && options.maxRows >= 0 ? options.maxRows : 1000;
  const states = new StateCounts();
  // Maps while counting (a million increments into a dictionary-mode object are slow), plain maps in the result.
  const otherStates = new Counts();
  const byPeer = new Counts();
  const byLocalPort = new PortCounts();
  const byLocalAddress = new Counts();
  const byProcess = new Counts();
  const overflowing: { local: string; recvQ: number; backlog: number; line: number }[] = [];
  const rows: SocketRow[] = [];
  let total = 0;
  let keepaliveTimers = 0;

  return {
    add(row: SocketRow): void {
      total++;
      const state = states.add(row.state);
      if (state === undefined) otherStates.add(row.state);
      const listening = state === 'LISTEN';
      // A listener's "peer" is `0.0.0.0:*`: counting it would make `*` the busiest peer.
      if (!listening && row.peerAddress !== '' && row.peerPort !== '*') byPeer.add(row.peerAddress);
      byLocalPort.add(row.localPort);
      byLocalAddress.add(row.localAddress);
      if (row.process !== undefined) byProcess.add(row.process);
      // For a listener ss shows the accept queue in Recv-Q and the backlog in Send-Q.
      if (listening && options.listenBacklogKnown !== false && row.recvQ > 0 && row.recvQ >= row.sendQ) {
        overflowing.push({ local: `${row.localAddress}:${row.localPort}`, recvQ: row.recvQ, backlog: row.sendQ, line: row.line });
      }
      if (row.timer !== undefined && row.timer.startsWith('keepalive')) keepaliveTimers++;
      if (rows.length < maxRows) rows.push(row);
    },
    values(): Record<string, unknown> {
      let maxPeer: { address: string; count: number } | undefined;
      for (const [address, { n }] of byPeer.entries()) {
        if (!maxPeer || n > maxPeer.count) maxPeer = { address, count: n };
      }
      return {
        total,
        states: states.toRecord(),
        otherStates: otherStates.copyTo(newMap<number>()),
        byPeer: byPeer.copyTo(newMap<number>()),
        byLocalPort: byLocalPort.toRecord(),
        byLocalAddress: byLocalAddress.copyTo(newMap<number>()),
        byProcess: byProcess.copyTo(newMap<number>()),
        listenOverflow: { count: overflowing.length, sockets: overflowing },
        keepaliveTimers,
        maxPeer,
        rows,
        rowsTruncated: total > rows.length,
      };
    },
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
