// `tcpdump -n` lines grouped into connections with their flag sequence (`S S. . F. .`), to spot a
// server that closes right after the handshake (incident 004), resets and SYN retries.
import type { LineAccumulator, ParserOptions } from './types';
import { clip, Warnings } from './text';
import { lineParser } from './byteLines';

/** Flags kept per connection: a long capture of one connection must not grow without end; its packets are still counted. */
const MAX_FLAGS = 1000;

// `16:32:27.133360 IP 127.0.0.1.57838 > 127.0.0.1.18083: Flags [S], seq ..., length 0`; with `-i any`
// tcpdump adds the interface and the direction: `17:21:19.079628 lo    In  IP 127.0.0.1.37242 > ...`.
const packetPattern = /^(\S+\s+)?(?:\S+\s+(?:In|Out|M|P|B)\s+)?(IP6?) (\S+) > (\S+): Flags \[([^\]]*)\](.*)$/;

interface Connection {
  client: string;
  server: string;
  flags: string[];
  packets: number;
  reset: boolean;
  /** Direction of each packet: true when sent by the server. */
  fromServer: boolean[];
  dataBefore: boolean[];
  syns: number;
  sawData: boolean;
}

export interface FlowSummary {
  client: string;
  server: string;
  flags: string;
  packets: number;
  serverFinAfterHandshake: boolean;
  reset: boolean;
  synRetries: number;
}

function isHandshakeDone(c: Connection, upTo: number): boolean {
  const f = c.flags.slice(0, upTo);
  return f.includes('S') && f.includes('S.') && f.lastIndexOf('.') > f.indexOf('S.');
}

function summarise(c: Connection): FlowSummary {
  let serverFin = false;
  for (let i = 0; i < c.flags.length && i < 8; i++) {
    // Within the first packets, the server's FIN comes after the handshake and before any data.
    if (c.fromServer[i] && c.flags[i].includes('F') && isHandshakeDone(c, i) && !c.dataBefore[i]) {
      serverFin = true;
      break;
    }
  }
  return {
    client: c.client,
    server: c.server,
    flags: c.packets > c.flags.length ? `${c.flags.join(' ')} …` : c.flags.join(' '),
    packets: c.packets,
    serverFinAfterHandshake: serverFin,
    reset: c.reset,
    synRetries: Math.max(0, c.syns - 1),
  };
}

export function createTcpdumpAccumulator(options: ParserOptions): LineAccumulator {
  const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
  const connections = new Map<string, Connection>();
  const warnings = new Warnings();
  let packets = 0;
  let n = 0;
  return {
    push(line) {
      n++;
      const m = packetPattern.exec(line);
      if (!m) {
        if (/^\d\d:\d\d:\d\d/.test(line) && / > /.test(line) && /Flags/.test(line)) warnings.add(`line ${n}: could not read packet: ${clip(line)}`);
        return;
      }
      packets++;
      const [, , , from, toWithColon, flags, rest] = m;
      const to = toWithColon;
      const key = from < to ? `${from}|${to}` : `${to}|${from}`;
      let c = connections.get(key);
      if (!c) {
        // Whoever sends the first bare SYN is the client; without one, the first sender is a guess.
        const serverFirst = flags === 'S.';
        c = {
          client: serverFirst ? to : from,
          server: serverFirst ? from : to,
          flags: [],
          packets: 0,
          reset: false,
          fromServer: [],
          dataBefore: [],
          syns: 0,
          sawData: false,
        };
        connections.set(key, c);
      }
      c.packets++;
      if (flags.includes('R')) c.reset = true;
      if (c.flags.length < MAX_FLAGS) {
        c.flags.push(flags);
        c.fromServer.push(from === c.server);
        c.dataBefore.push(c.sawData);
      }
      if (flags === 'S') c.syns++;
      const length = /length (\d+)/.exec(rest);
      if (length && Number(length[1]) > 0) c.sawData = true;
    },
    result() {
      const flows = [...connections.values()].map(summarise);
      return {
        values: {
          packets,
          connections: flows.length,
          serverFinAfterHandshake: flows.filter((f) => f.serverFinAfterHandshake).length,
          resets: flows.filter((f) => f.reset).length,
          synRetries: flows.reduce((sum, f) => sum + f.synRetries, 0),
          flows: flows.slice(0, maxRows),
        },
        warnings: warnings.done(),
      };
    },
  };
}

export const tcpdumpParser = lineParser(
  {
    name: 'tcpdump',
    summary: '`tcpdump -n` packets grouped per connection with their flag sequence; counts server FIN right after handshake, resets, SYN retries.',
    commands: ['tcpdump -n -i any -c 200 tcp port 8080', 'tcpdump -l -n -i bond0 -c 500 tcp port 4222'],
    values: [
      { name: 'packets', type: 'number', description: 'TCP packets read.' },
      { name: 'connections', type: 'number', description: 'Distinct connections (address pairs, either direction).' },
      {
        name: 'serverFinAfterHandshake',
        type: 'number',
        description:
          'Connections where the server sent FIN right after the handshake, before any data (the "server closes at once" signature of incident 004).',
      },
      { name: 'resets', type: 'number', description: 'Connections with a RST from either side.' },
      { name: 'synRetries', type: 'number', description: 'Repeated SYNs (a SYN sent again for the same connection).' },
      {
        name: 'flows',
        type: 'list',
        description: 'Per connection: client, server, flags (`S S. . F. .`), packets, serverFinAfterHandshake, reset, synRetries; at most `maxRows`.',
      },
    ],
    options: [{ name: 'maxRows', type: 'number', description: 'How many flows to keep (default 1000).' }],
  },
  createTcpdumpAccumulator,
);
