// Kernel messages that explain TCP incidents, from `dmesg`, `dmesg -T`, `journalctl -k` or
// /var/log/messages: how often each happened, first and last time, and how many the rate limit hid.
import type { LineAccumulator } from './types';
import type { ValueInfo } from '../spec';
import { lineParser } from './byteLines';

interface EventKind {
  name: string;
  pattern: RegExp;
  description: string;
}

const kinds: EventKind[] = [
  {
    name: 'conntrackFull',
    pattern: /(?:nf|ip)_conntrack: (?:nf_conntrack: )?table full, dropping packet/,
    description: 'Connection tracking table full, packets dropped (`nf_conntrack: table full, dropping packet`, old `ip_conntrack: ...`).',
  },
  {
    name: 'timeWaitOverflow',
    pattern: /TCP: time wait bucket table overflow/,
    description: '`TCP: time wait bucket table overflow`: tcp_max_tw_buckets reached, sockets skip TIME_WAIT.',
  },
  {
    name: 'synFlood',
    pattern: /[Pp]ossible SYN flooding on port/,
    description: '`Possible SYN flooding on port N. Sending cookies.` / `Dropping request`: SYN queue full.',
  },
  {
    name: 'outOfSocketMemory',
    pattern: /[Oo]ut of socket memory|TCP: out of memory/,
    description: '`Out of socket memory` / `TCP: out of memory -- consider tuning tcp_mem`.',
  },
  { name: 'tooManyOrphans', pattern: /too many orphaned sockets/, description: '`TCP: too many orphaned sockets`.' },
  {
    name: 'tooManyOpenFiles',
    pattern: /[Tt]oo many open files|EMFILE|file-max limit \d+ reached/,
    description: 'Lines saying `Too many open files` / EMFILE / `VFS: file-max limit N reached`.',
  },
];

// Each timestamp style the tools print, kept as written: `[  402.158215]`, `[Mon Nov 23 16:32:42 2026]`,
// syslog `Aug 12 01:18:23 host kernel:`, ISO `2026-11-23T16:32:42+0000 host kernel:`.
const timestampPatterns = [
  /^\[\s*([\d.]+)\]\s*/,
  /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\]\s*/,
  /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\s+\S+\s+[^:]+:\s*/,
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+\S+\s+[^:]+:\s*/,
];
const suppressedPattern = /(\d+) (?:callbacks|messages) suppressed/;

interface EventCount {
  count: number;
  first?: string;
  last?: string;
  /** Messages the kernel's rate limit hid just before lines of this kind. */
  suppressed: number;
  /** count + suppressed: how many times it really happened, at least. */
  estimate: number;
}

export function createKernelLogAccumulator(): LineAccumulator {
  const events: Record<string, EventCount> = {};
  for (const k of kinds) events[k.name] = { count: 0, suppressed: 0, estimate: 0 };
  const synFloodPorts: string[] = [];
  let suppressedTotal = 0;
  let pendingSuppressed = 0;
  let lines = 0;
  return {
    push(line) {
      lines++;
      let time: string | undefined;
      let message = line;
      for (const p of timestampPatterns) {
        const m = p.exec(line);
        if (m) {
          time = m[1];
          message = line.slice(m[0].length);
          break;
        }
      }
      const suppressed = suppressedPattern.exec(message);
      if (suppressed) {
        const n = Number(suppressed[1]);
        suppressedTotal += n;
        // The kernel prints "N suppressed" just before the next message of the kind it was holding back.
        pendingSuppressed += n;
        return;
      }
      const kind = kinds.find((k) => k.pattern.test(message));
      if (!kind) return;
      const e = events[kind.name];
      e.count++;
      if (e.first === undefined) e.first = time;
      if (time !== undefined) e.last = time;
      e.suppressed += pendingSuppressed;
      pendingSuppressed = 0;
      if (kind.name === 'synFlood') {
        const port = /on port (\S+?)\.?\s/.exec(message);
        if (port && synFloodPorts.length < 100 && !synFloodPorts.includes(port[1])) synFloodPorts.push(port[1]);
      }
    },
    result() {
      for (const e of Object.values(events)) e.estimate = e.count + e.suppressed;
      return {
        values: {
          ...events,
          suppressed: suppressedTotal,
          conntrackDropsEstimate: events.conntrackFull.estimate,
          synFloodPorts,
          lines,
        },
        // Ordinary kernel lines are not a problem: most of any dmesg is unrelated to TCP.
        warnings: [],
      };
    },
  };
}

export const kernelLogParser = lineParser(
  {
    name: 'kernel-log',
    summary: 'Kernel messages behind TCP incidents (conntrack full, time-wait overflow, SYN flood...) from dmesg, journalctl -k or /var/log/messages.',
    commands: ['dmesg', 'dmesg -T', 'journalctl -k --since -1h', 'grep kernel /var/log/messages', 'tail -500 /var/log/messages'],
    values: [
      ...kinds.map((k): ValueInfo => ({ name: k.name, type: 'object', description: `${k.description} \`{ count, first, last, suppressed, estimate }\`.` })),
      { name: 'suppressed', type: 'number', description: 'Sum of N over `net_ratelimit: N callbacks suppressed` and `printk: N messages suppressed.` lines.' },
      { name: 'conntrackDropsEstimate', type: 'number', description: '`conntrackFull.count` plus the suppressed counts attributed to it (see below).' },
      { name: 'synFloodPorts', type: 'list', description: 'Ports (as printed, e.g. `127.0.0.200:47001` or `80`) named in SYN flooding lines.' },
      { name: 'lines', type: 'number', description: 'Lines read.' },
    ],
  },
  createKernelLogAccumulator,
);
