// `ss -s`: the kernel's socket summary, e.g. `TCP:   220 (estab 43, closed 158, orphaned 0, timewait 158)`.
import type { LineAccumulator } from './types';
import { clip, newMap, readNumber, Warnings } from './text';
import { lineParser } from './byteLines';

export function createSsSummaryAccumulator(): LineAccumulator {
  const values: Record<string, unknown> = {};
  const transports = newMap<{ total?: number; ip?: number; ipv6?: number }>();
  const warnings = new Warnings();
  let n = 0;
  return {
    push(line) {
      n++;
      const total = /^Total:\s*(\d+)/.exec(line);
      if (total) {
        values.total = Number(total[1]);
        return;
      }
      const tcp = /^TCP:\s+(\d+)\s*\(([^)]*)\)/.exec(line);
      if (tcp) {
        values.tcp = Number(tcp[1]);
        for (const part of tcp[2].split(',')) {
          const m = /^\s*([a-z-]+)\s+(\d+)/.exec(part);
          // `synrecv` and `timewait 158/0` (old format) both reduce to name + first number.
          if (m) values[m[1].replace(/-/g, '')] = Number(m[2]);
        }
        return;
      }
      const row = /^([A-Z]+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (row && row[1] !== 'Transport') {
        transports[row[1]] = { total: readNumber(row[2]), ip: readNumber(row[3]), ipv6: readNumber(row[4]) };
        return;
      }
      if (line.trim() !== '' && !line.startsWith('Transport')) warnings.add(`line ${n}: not part of \`ss -s\` output: ${clip(line)}`);
    },
    result() {
      values.transports = transports;
      if (values.tcp === undefined) warnings.add('no `TCP:` line found: is this `ss -s` output?');
      return { values, warnings: warnings.done() };
    },
  };
}

export const ssSummaryParser = lineParser(
  {
    name: 'ss-summary',
    summary: 'The socket summary of `ss -s`: TCP total, estab, closed, orphaned, timewait and the per-transport table.',
    commands: ['ss -s'],
    values: [
      { name: 'total', type: 'number', description: 'The `Total:` line: all sockets of all kinds.' },
      { name: 'tcp', type: 'number', description: 'TCP sockets the kernel knows (the number after `TCP:`), including time-wait.' },
      { name: 'estab', type: 'number', description: 'Established TCP connections.' },
      { name: 'closed', type: 'number', description: 'Closed TCP sockets (includes time-wait).' },
      { name: 'orphaned', type: 'number', description: 'Orphaned sockets (closed by the process, still in the kernel).' },
      { name: 'timewait', type: 'number', description: 'Sockets in TIME_WAIT.' },
      { name: 'synrecv', type: 'number', description: 'SYN_RECV count when the kernel prints it (older ss).' },
      { name: 'transports', type: 'map', description: 'Transport (RAW, UDP, TCP, INET, FRAG) -> `{ total, ip, ipv6 }`.' },
    ],
  },
  createSsSummaryAccumulator,
);
