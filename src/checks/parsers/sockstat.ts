// `/proc/net/sockstat` and `/proc/net/sockstat6`: the kernel's socket totals per protocol
// (`TCP: inuse 35 orphan 0 tw 40 alloc 42 mem 7`), cheap to read even with a million sockets,
// where counting `ss` rows would take seconds.
import type { Parser, ParseResult } from './types';
import type { ValueInfo } from '../spec';
import { clip, forEachLine, newMap, unsafeKeys, Warnings } from './text';

/** `TCP: inuse 35 orphan 0 tw 40` -> protocol `tcp`, fields { inuse: 35, orphan: 0, tw: 40 }. */
const LINE = /^([A-Za-z][A-Za-z0-9]*):((?:\s+[a-z_]+\s+\d+)+)\s*$/;

function parseSockstat(text: string): ParseResult {
  const values: Record<string, unknown> = newMap();
  const warnings = new Warnings();
  let read = 0;
  forEachLine(text, (line, n) => {
    if (line.trim() === '') return;
    const m = LINE.exec(line);
    if (!m) {
      warnings.add(`line ${n} is not "PROTOCOL: name number ...": ${clip(line)}`);
      return;
    }
    const protocol = m[1].toLowerCase();
    if (unsafeKeys.has(protocol)) return;
    const fields = newMap<number>();
    const tokens = m[2].trim().split(/\s+/);
    for (let i = 0; i + 1 < tokens.length; i += 2) if (!unsafeKeys.has(tokens[i])) fields[tokens[i]] = Number(tokens[i + 1]);
    values[protocol] = fields;
    read++;
  });
  const list = warnings.done();
  if (read === 0 && text.trim() !== '') list.unshift('unrecognised: no "TCP: inuse N ..." lines; is this the content of /proc/net/sockstat?');
  return { values, warnings: list };
}

const v4: ValueInfo[] = [
  { name: 'sockets', type: 'object', description: '`sockets.used`: sockets of every kind in use.' },
  {
    name: 'tcp',
    type: 'object',
    description:
      '`tcp.inuse` (TCP sockets in use, LISTEN included, TIME_WAIT not), `tcp.orphan` (closed by the application, not yet by TCP; compare with net.ipv4.tcp_max_orphans), `tcp.tw` (TIME_WAIT; compare with net.ipv4.tcp_max_tw_buckets), `tcp.alloc` (allocated), `tcp.mem` (pages of memory, compare with net.ipv4.tcp_mem).',
  },
  { name: 'udp', type: 'object', description: '`udp.inuse`, `udp.mem` (pages).' },
  { name: 'udplite', type: 'object', description: '`udplite.inuse`.' },
  { name: 'raw', type: 'object', description: '`raw.inuse`.' },
  { name: 'frag', type: 'object', description: '`frag.inuse`, `frag.memory` (bytes of IP fragments waiting for reassembly).' },
];

const v6: ValueInfo[] = [
  { name: 'tcp6', type: 'object', description: '`tcp6.inuse`: IPv6 TCP sockets in use (TIME_WAIT and orphans of both families are in /proc/net/sockstat).' },
  { name: 'udp6', type: 'object', description: '`udp6.inuse`.' },
  { name: 'udplite6', type: 'object', description: '`udplite6.inuse`.' },
  { name: 'raw6', type: 'object', description: '`raw6.inuse`.' },
  { name: 'frag6', type: 'object', description: '`frag6.inuse`, `frag6.memory`.' },
];

export const sockstatParser: Parser = {
  info: {
    name: 'sockstat',
    summary: 'Socket totals per protocol from /proc/net/sockstat: TCP in use, orphans, TIME_WAIT, memory pages (tcp.tw, tcp.orphan, tcp.mem...).',
    commands: ['cat /proc/net/sockstat'],
    values: v4,
  },
  parse: (text) => parseSockstat(text),
};

export const sockstat6Parser: Parser = {
  info: {
    name: 'sockstat6',
    summary: 'IPv6 socket totals per protocol from /proc/net/sockstat6 (tcp6.inuse, udp6.inuse...).',
    commands: ['cat /proc/net/sockstat6'],
    values: v6,
  },
  parse: (text) => parseSockstat(text),
};
