// Compares the socket tables of the two ends of a connection (`ss -tan` rows from the client and
// the server side): connections one side holds ESTABLISHED that the other does not know (half-open).

import type { SocketRow } from './parsers/socketTally';
import type { ValueInfo } from './spec';
import { canonicalState } from './tcpStates';

/** The comparisons a step can ask for with `compare=...`. */
export const COMPARISONS = ['established-pairs'] as const;
export type ComparisonName = (typeof COMPARISONS)[number];

/** The values a check after `compare=established-pairs` can use (for analysis, completion and docs). */
export const COMPARISON_VALUES: ValueInfo[] = [
  {
    name: 'halfOpen',
    type: 'object',
    description: '`count` and `connections` (`client:port -> server:port`): ESTABLISHED on the client, no socket on the server.',
  },
  { name: 'onlyOnServer', type: 'object', description: '`count` and `connections`: ESTABLISHED on the server, unknown to the client.' },
  { name: 'disagree', type: 'object', description: '`count` and `connections`: known to both ends in states that cannot go together.' },
  { name: 'matched', type: 'number', description: 'Connections both ends see ESTABLISHED.' },
  { name: 'established', type: 'object', description: '`client` and `server`: ESTABLISHED counts towards the other end, as each side sees them.' },
  { name: 'ends', type: 'object', description: '`client` and `server`: the host names compared.' },
];

/** A connection seen from both ends, written `client:port -> server:port`. */
export interface EndsComparison {
  /** ESTABLISHED on the client, no socket at all on the server for it: the server lost it (power cut, reboot, conntrack drop). */
  halfOpen: { count: number; connections: string[] };
  /** ESTABLISHED on the server (accepted from a client address), unknown to the client: the client lost it. */
  onlyOnServer: { count: number; connections: string[] };
  /** Known to both ends but in states that do not go together (e.g. ESTABLISHED against FIN_WAIT2). */
  disagree: { count: number; connections: string[] };
  /** Connections both ends agree are ESTABLISHED. */
  matched: number;
  /** ESTABLISHED counts towards the other end, as each side sees them: they should be equal. */
  established: { client: number; server: number };
}

/** At most this many connections are listed per kind; the counts always cover every row. */
const LISTED = 50;

const WILDCARDS = new Set(['*', '0.0.0.0', '::', '[::]']);

/**
 * Matches client rows (local addr:port -> peer addr:port) with server rows seen the other way round.
 * Only connections between the two ends count: on the client, sockets whose peer is a server
 * listener (or one of the server's addresses); on the server, sockets accepted on a listening port
 * whose peer is one of the client's addresses. Assumes no NAT between the ends (both see the same
 * 4-tuple), which is what the comparison is for: the same connection, seen twice.
 */
export function compareEstablishedPairs(clientRows: SocketRow[], serverRows: SocketRow[]): EndsComparison {
  const serverListeners = serverRows.filter((r) => canonicalState(r.state) === 'LISTEN');
  const listenPorts = new Set(serverListeners.map((r) => r.localPort));
  const serverAddresses = new Set(
    serverRows
      .filter((r) => canonicalState(r.state) !== 'LISTEN')
      .map((r) => r.localAddress)
      .filter((a) => !WILDCARDS.has(a)),
  );
  for (const l of serverListeners) if (!WILDCARDS.has(l.localAddress)) serverAddresses.add(l.localAddress);
  const clientAddresses = new Set(clientRows.map((r) => r.localAddress).filter((a) => !WILDCARDS.has(a)));

  const towardsServer = (r: SocketRow) =>
    canonicalState(r.state) !== 'LISTEN' &&
    (serverListeners.some((l) => l.localPort === r.peerPort && (l.localAddress === r.peerAddress || WILDCARDS.has(l.localAddress))) ||
      serverAddresses.has(r.peerAddress));
  const fromClient = (r: SocketRow) => canonicalState(r.state) !== 'LISTEN' && listenPorts.has(r.localPort) && clientAddresses.has(r.peerAddress);

  // Key = the connection as the client writes it: client end, then server end.
  const clientSide = new Map<string, string>();
  for (const r of clientRows.filter(towardsServer))
    clientSide.set(`${endpoint(r.localAddress, r.localPort)} -> ${endpoint(r.peerAddress, r.peerPort)}`, canonicalState(r.state) ?? r.state);
  const serverSide = new Map<string, string>();
  for (const r of serverRows.filter(fromClient))
    serverSide.set(`${endpoint(r.peerAddress, r.peerPort)} -> ${endpoint(r.localAddress, r.localPort)}`, canonicalState(r.state) ?? r.state);

  const halfOpen: string[] = [];
  const disagree: string[] = [];
  let matched = 0;
  for (const [key, state] of clientSide) {
    const other = serverSide.get(key);
    if (state === 'ESTABLISHED' && other === undefined) halfOpen.push(key);
    else if (other !== undefined && !consistent(state, other)) disagree.push(`${key} (client ${state}, server ${other})`);
    else if (state === 'ESTABLISHED' && other === 'ESTABLISHED') matched++;
  }
  const onlyOnServer = [...serverSide].filter(([key, state]) => state === 'ESTABLISHED' && !clientSide.has(key)).map(([key]) => key);
  return {
    halfOpen: listed(halfOpen),
    onlyOnServer: listed(onlyOnServer),
    disagree: listed(disagree),
    matched,
    established: {
      client: [...clientSide.values()].filter((s) => s === 'ESTABLISHED').length,
      server: [...serverSide.values()].filter((s) => s === 'ESTABLISHED').length,
    },
  };
}

/** States the two ends of one connection can be in at the same moment (a close is in flight). */
function consistent(client: string, server: string): boolean {
  if (client === server) return client === 'ESTABLISHED' || client === 'CLOSING';
  const pair = new Set([client, server]);
  const together = [
    ['SYN_SENT', 'SYN_RECV'],
    ['ESTABLISHED', 'SYN_RECV'],
    ['FIN_WAIT1', 'ESTABLISHED'],
    ['FIN_WAIT1', 'CLOSE_WAIT'],
    ['FIN_WAIT2', 'CLOSE_WAIT'],
    ['FIN_WAIT2', 'LAST_ACK'],
    ['TIME_WAIT', 'LAST_ACK'],
    ['FIN_WAIT1', 'LAST_ACK'],
    ['TIME_WAIT', 'CLOSED'],
  ];
  return together.some(([a, b]) => pair.has(a) && pair.has(b));
}

function endpoint(address: string, port: string): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function listed(connections: string[]): { count: number; connections: string[] } {
  return { count: connections.length, connections: connections.slice(0, LISTED) };
}
