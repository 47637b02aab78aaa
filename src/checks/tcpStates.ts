// TCP state names: ss, netstat, lsof and the kernel spell them differently (`ESTAB`, `TIME-WAIT`,
// `FIN_WAIT1`, `SYN-RECV`); runbooks use one canonical spelling so `states.TIME_WAIT` means the same everywhere.

export const canonicalStates = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSED',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
] as const;

export type TcpState = (typeof canonicalStates)[number];

const aliases: Record<string, TcpState> = Object.assign(Object.create(null) as Record<string, TcpState>, {
  ESTAB: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
  UNCONN: 'CLOSED',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
});

/** `TIME-WAIT`, `time_wait`, `FIN-WAIT-1` -> canonical name; undefined when it is no TCP state. */
export function canonicalState(name: string): TcpState | undefined {
  // Cached: a big `ss` output has millions of rows and a dozen distinct spellings. One lookup per row,
  // so a name that is no state is cached as null rather than as a missing entry.
  const cached = seen.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const state = aliases[name.trim().toUpperCase().replace(/-/g, '_')];
  if (seen.size < 1000) seen.set(name, state ?? null);
  return state;
}
const seen = new Map<string, TcpState | null>();

/** A state -> count map with every canonical state present (0), so `states.CLOSE_WAIT > 100` never reads a missing value. */
export function emptyStateCounts(): Record<string, number> {
  const counts = Object.create(null) as Record<string, number>;
  for (const s of canonicalStates) counts[s] = 0;
  return counts;
}
