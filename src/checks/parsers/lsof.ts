// `lsof -i` / `lsof -p PID` / `lsof -i@host`: open files per command and type, and TCP states from
// the `(ESTABLISHED)` suffix, to see which process holds the sockets.
import type { Parser } from './types';
import { canonicalState, emptyStateCounts } from '../tcpStates';
import { clip, forEachLine, increment, newMap, Warnings } from './text';

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

export const lsofParser: Parser = {
  info: {
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
  parse(text, options) {
    const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
    const byCommand = newMap<number>();
    const byPid = newMap<number>();
    const byType = newMap<number>();
    const states = emptyStateCounts();
    const rows: LsofRow[] = [];
    const warnings = new Warnings();
    let count = 0;
    let tcp = 0;
    forEachLine(text, (line, n) => {
      if (line.trim() === '' || line.startsWith('COMMAND ') || line.startsWith('lsof: ')) return;
      const t = line.trim().split(/\s+/);
      if (t.length < 5 || !/^\d+$/.test(t[1])) {
        warnings.add(`line ${n}: not an lsof row: ${clip(line)}`);
        return;
      }
      count++;
      const row: LsofRow = { command: t[0], pid: Number(t[1]), user: t[2], fd: t[3], type: t[4], name: t[t.length - 1], line: n };
      // NAME may contain spaces (`a->b (ESTABLISHED)`), so it starts after the TCP/UDP node column.
      const node = t.findIndex((x, i) => i >= 5 && (x === 'TCP' || x === 'UDP'));
      if (node >= 0) row.name = t.slice(node + 1).join(' ');
      if (t[node] === 'TCP') {
        tcp++;
        const s = /\(([A-Z_]+)\)\s*$/.exec(line);
        const state = s ? canonicalState(s[1]) : undefined;
        if (state) {
          states[state]++;
          row.state = state;
        }
      }
      increment(byCommand, row.command);
      increment(byPid, String(row.pid));
      increment(byType, row.type);
      if (rows.length < maxRows) rows.push(row);
    });
    return { values: { count, byCommand, byPid, byType, tcp, states, rows }, warnings: warnings.done() };
  },
};
