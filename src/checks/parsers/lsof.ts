// `lsof -i` / `lsof -p PID` / `lsof -i@host`: open files per command and type, and TCP states from
// the `(ESTABLISHED)` suffix, to see which process holds the sockets. Counted from the bytes of each
// line (a busy host lists millions of files); only the rows kept in `rows` become strings.
import type { LineAccumulator, ParserOptions } from './types';
import { canonicalState, emptyStateCounts } from '../tcpStates';
import { newMap, Warnings } from './text';
import { ByteCounts, clipBytes, digits, isBlank, isWord, MAX_KEYS } from './bytes';
import { lineParser } from './byteLines';
import type { KeyCounts } from './socketTally';

interface LsofRow {
  command: string;
  pid: number;
  user: string;
  fd: string;
  type: string;
  name: string;
  state?: string;
  line: number;
}

/** The row as the whole-text parser always built it, for the few rows kept. */
function rowOf(line: string, lineNumber: number): LsofRow {
  const t = line.trim().split(/\s+/);
  const row: LsofRow = { command: t[0], pid: Number(t[1]), user: t[2], fd: t[3], type: t[4], name: t[t.length - 1], line: lineNumber };
  // NAME may contain spaces (`a->b (ESTABLISHED)`), so it starts after the TCP/UDP node column.
  const node = t.findIndex((x, i) => i >= 5 && (x === 'TCP' || x === 'UDP'));
  if (node >= 0) row.name = t.slice(node + 1).join(' ');
  return row;
}

/** The `STATE` of a row ending in `(STATE)` (letters and `_`, blanks after it allowed), as a byte range; start -1 if none. */
function stateSuffix(bytes: Buffer, start: number, end: number, out: Int32Array): void {
  out[0] = -1;
  let p = end - 1;
  while (p >= start && isBlank(bytes[p])) p--;
  if (p < start || bytes[p] !== 41) return;
  const close = p--;
  while (p >= start && ((bytes[p] >= 65 && bytes[p] <= 90) || bytes[p] === 95)) p--;
  if (p < start || bytes[p] !== 40 || p + 1 === close) return;
  out[0] = p + 1;
  out[1] = close;
}

export function createLsofAccumulator(options: ParserOptions = {}): LineAccumulator {
  const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
  const byCommand = new ByteCounts();
  const byType = new ByteCounts();
  const stateSpellings = new ByteCounts();
  // lsof lists a process's files together: the previous row's PID saves the Map lookup.
  const byPid = new Map<number, { n: number }>();
  let lastPid = -1;
  let lastPidCount = { n: 0 };
  let pidsDropped = 0;
  const rows: LsofRow[] = [];
  const warnings = new Warnings();
  const starts = new Int32Array(5);
  const ends = new Int32Array(5);
  const state = new Int32Array(2);
  let lineNumber = 0;
  let count = 0;
  let tcp = 0;
  let sawHeader = false;

  // Outside pushBytes on purpose: a closure there over its parameters would cost a context object per line.
  const bad = (bytes: Buffer, start: number, end: number): void => {
    warnings.addWith(() => `line ${lineNumber}: not an lsof row: ${clipBytes(bytes, start, end)}`);
  };

  const accumulator: LineAccumulator = {
    push(line: string): void {
      const bytes = Buffer.from(line, 'utf8');
      accumulator.pushBytes!(bytes, 0, bytes.length);
    },
    pushBytes(bytes, start, end): void {
      lineNumber++;
      let p = start;
      while (p < end && isBlank(bytes[p])) p++;
      if (p === end) return;
      if (bytes[start] === 67 && isWord(bytes, start, Math.min(end, start + 8), 'COMMAND ')) {
        sawHeader = true;
        return;
      }
      if (bytes[start] === 108 && isWord(bytes, start, Math.min(end, start + 6), 'lsof: ')) return;
      let n = 0;
      while (n < 5 && p < end) {
        starts[n] = p;
        while (p < end && !isBlank(bytes[p])) p++;
        ends[n++] = p;
        while (p < end && isBlank(bytes[p])) p++;
      }
      const pidDigits = n >= 2 ? digits(bytes, starts[1], ends[1]) : -1;
      // A PID of more than 15 digits is still a PID to the whole-text parser (`/^\d+$/`).
      const pid =
        pidDigits >= 0
          ? pidDigits
          : n >= 2 && /^\d+$/.test(bytes.toString('latin1', starts[1], ends[1]))
            ? Number(bytes.toString('latin1', starts[1], ends[1]))
            : -1;
      if (n < 5 || pid < 0) {
        bad(bytes, start, end);
        return;
      }
      count++;
      // NODE is the first `TCP` or `UDP` field from the sixth on (DEVICE and SIZE/OFF may be empty).
      let node = 0;
      while (p < end && node === 0) {
        const fieldStart = p;
        while (p < end && !isBlank(bytes[p])) p++;
        if (p - fieldStart === 3 && bytes[fieldStart + 2] === 80) {
          if (bytes[fieldStart] === 84 && bytes[fieldStart + 1] === 67) node = 1;
          else if (bytes[fieldStart] === 85 && bytes[fieldStart + 1] === 68) node = 2;
        }
        while (p < end && isBlank(bytes[p])) p++;
      }
      let rowState: string | undefined;
      if (node === 1) {
        tcp++;
        stateSuffix(bytes, start, end, state);
        if (state[0] >= 0) {
          const spelling = stateSpellings.add(bytes, state[0], state[1]);
          if (rows.length < maxRows && spelling >= 0) rowState = canonicalState(stateSpellings.name(spelling));
        }
      }
      byCommand.add(bytes, starts[0], ends[0]);
      byType.add(bytes, starts[4], ends[4]);
      if (pid !== lastPid) {
        let tally = byPid.get(pid);
        if (!tally) {
          tally = { n: 0 };
          if (byPid.size < MAX_KEYS) byPid.set(pid, tally);
          else pidsDropped++;
        }
        lastPid = pid;
        lastPidCount = tally;
      }
      lastPidCount.n++;
      if (rows.length < maxRows) {
        const row = rowOf(bytes.toString('utf8', start, end), lineNumber);
        if (rowState) row.state = rowState;
        rows.push(row);
      }
    },
    result() {
      const w = warnings.done();
      for (const [what, dropped] of [
        ['commands', byCommand.dropped],
        ['types', byType.dropped],
        ['state spellings', stateSpellings.dropped],
        ['PIDs', pidsDropped],
      ] as const) {
        if (dropped > 0) w.push(`more than ${MAX_KEYS.toLocaleString('en-US')} distinct ${what}: files of the others are in count but not listed by ${what}`);
      }
      if (count === 0 && !sawHeader && lineNumber > 0 && w.length > 0)
        w.unshift('unrecognised: no line of this output is an lsof row: is this `lsof -i` / `lsof -p PID` output?');
      const pids: [number, number][] = [];
      for (const [pid, { n }] of byPid) pids.push([pid, n]);
      return { values: lsofValues({ count, byCommand, byType, stateSpellings, pids, tcp, rows }), warnings: w };
    },
  };
  return accumulator;
}

/** What an lsof output counted, from either path (this accumulator or fast/sockets.ts). */
export interface LsofCounts {
  count: number;
  byCommand: KeyCounts;
  byType: KeyCounts;
  stateSpellings: KeyCounts;
  /** PID and files, in the order first seen. */
  pids: Iterable<[number, number]>;
  tcp: number;
  rows: unknown[];
}

export function lsofValues(c: LsofCounts): Record<string, unknown> {
  const states = emptyStateCounts();
  for (const [spelling, n] of c.stateSpellings.toMap()) {
    const s = canonicalState(spelling);
    if (s) states[s] += n;
  }
  const pids = newMap<number>();
  for (const [pid, n] of c.pids) pids[String(pid)] = (pids[String(pid)] ?? 0) + n;
  return {
    count: c.count,
    byCommand: c.byCommand.copyTo(newMap<number>()),
    byPid: pids,
    byType: c.byType.copyTo(newMap<number>()),
    tcp: c.tcp,
    states,
    rows: c.rows,
  };
}

export const lsofParser = lineParser(
  {
    name: 'lsof',
    summary: 'Open files from `lsof` (`-i`, `-p PID`, `-i@host`): counts per command, type and TCP state.',
    commands: ['lsof -n -P -i', 'lsof -n -P -i TCP', 'lsof -p PID', 'lsof -i@192.168.100.20'],
    values: [
      { name: 'count', type: 'number', description: 'Open files (rows) read.' },
      { name: 'byCommand', type: 'map', description: 'Command name -> open files.' },
      { name: 'byPid', type: 'map', description: 'PID -> open files.' },
      { name: 'byType', type: 'map', description: 'TYPE column (IPv4, IPv6, REG, sock, FIFO...) -> open files.' },
      { name: 'tcp', type: 'number', description: 'TCP sockets (rows whose NODE is TCP).' },
      { name: 'states', type: 'map', description: 'Canonical TCP state from the `(ESTABLISHED)` suffix -> count; every state present.' },
      { name: 'rows', type: 'list', description: 'Rows (command, pid, user, fd, type, name, state, line), at most `maxRows`.' },
    ],
    options: [{ name: 'maxRows', type: 'number', description: 'How many rows to keep (default 1000).' }],
  },
  createLsofAccumulator,
);
