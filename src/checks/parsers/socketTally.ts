// Counting sockets the way an incident asks about them: per state, per peer, per local port and
// process, listen queues that overflow, keepalive timers. Shared by `ss -tan`, `netstat -an` and `lsof`.
import type { ValueInfo } from '../spec';
import { canonicalState, emptyStateCounts } from '../tcpStates';
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

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function toRecord(map: Map<string, number>): Record<string, number> {
  const out = newMap<number>();
  for (const [k, v] of map) out[k] = v;
  return out;
}

export function createSocketTally(options: SocketTallyOptions = {}) {
  const maxRows = typeof options.maxRows === 'number' && options.maxRows >= 0 ? options.maxRows : 1000;
  const states = emptyStateCounts();
  // Maps while counting (a million increments into a dictionary-mode object are slow), plain maps in the result.
  const otherStates = new Map<string, number>();
  const byPeer = new Map<string, number>();
  const byLocalPort = new Map<string, number>();
  const byLocalAddress = new Map<string, number>();
  const byProcess = new Map<string, number>();
  const overflowing: { local: string; recvQ: number; backlog: number; line: number }[] = [];
  const rows: SocketRow[] = [];
  let total = 0;
  let keepaliveTimers = 0;

  return {
    add(row: SocketRow): void {
      total++;
      const state = canonicalState(row.state);
      if (state) states[state]++;
      else count(otherStates, row.state);
      const listening = state === 'LISTEN';
      // A listener's "peer" is `0.0.0.0:*`: counting it would make `*` the busiest peer.
      if (!listening && row.peerAddress !== '' && row.peerPort !== '*') count(byPeer, row.peerAddress);
      count(byLocalPort, row.localPort);
      count(byLocalAddress, row.localAddress);
      if (row.process !== undefined) count(byProcess, row.process);
      // For a listener ss shows the accept queue in Recv-Q and the backlog in Send-Q.
      if (listening && options.listenBacklogKnown !== false && row.recvQ > 0 && row.recvQ >= row.sendQ) {
        overflowing.push({ local: `${row.localAddress}:${row.localPort}`, recvQ: row.recvQ, backlog: row.sendQ, line: row.line });
      }
      if (row.timer !== undefined && row.timer.startsWith('keepalive')) keepaliveTimers++;
      if (rows.length < maxRows) rows.push(row);
    },
    values(): Record<string, unknown> {
      let maxPeer: { address: string; count: number } | undefined;
      for (const [address, count] of byPeer) {
        if (!maxPeer || count > maxPeer.count) maxPeer = { address, count };
      }
      return {
        total,
        states,
        otherStates: toRecord(otherStates),
        byPeer: toRecord(byPeer),
        byLocalPort: toRecord(byLocalPort),
        byLocalAddress: toRecord(byLocalAddress),
        byProcess: toRecord(byProcess),
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
  { name: 'states', type: 'map', description: 'Canonical TCP state -> count (ESTABLISHED, TIME_WAIT, CLOSE_WAIT, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, LAST_ACK, CLOSING, LISTEN, CLOSED); every state is present, 0 when absent.' },
  { name: 'otherStates', type: 'map', description: 'States the parser did not recognise -> count (normally empty).' },
  { name: 'byPeer', type: 'map', description: 'Peer address (no port) -> number of sockets; listeners are not counted.' },
  { name: 'byLocalPort', type: 'map', description: 'Local port -> number of sockets.' },
  { name: 'byLocalAddress', type: 'map', description: 'Local address (no port) -> number of sockets.' },
  { name: 'byProcess', type: 'map', description: 'Process name (from -p) -> number of sockets.' },
  { name: 'listenOverflow', type: 'object', description: '`count` and `sockets` (local, recvQ, backlog) of LISTEN sockets whose accept queue (Recv-Q) is at or over the backlog (Send-Q). ss only: netstat does not print the backlog, so it is always 0 there.' },
  { name: 'keepaliveTimers', type: 'number', description: 'Sockets with a keepalive timer (ss -o `timer:(keepalive,...)`, netstat -o `keepalive (...)`).' },
  { name: 'maxPeer', type: 'object', description: '`address` and `count` of the peer with most sockets; missing when there is no peer.' },
  { name: 'rows', type: 'list', description: 'The socket rows (state, recvQ, sendQ, localAddress, localPort, peerAddress, peerPort, process, pid, fd, timer, line), at most `maxRows`.' },
  { name: 'rowsTruncated', type: 'boolean', description: 'True when `rows` holds fewer rows than were counted.' },
];
