// Protocol counters from `netstat -s` (sentences) and `nstat -az` (`TcpExtListenOverflows 30 0.0`),
// under stable names so a runbook works with either tool. A counter the tool did not print is absent.
import type { Parser } from './types';
import type { ValueInfo } from '../spec';
import { forEachLine, newMap } from './text';

interface Counter {
  name: string;
  /** The nstat / SNMP name (also what `netstat -s` section + `Name:` lines give). */
  snmp: string;
  /** The `netstat -s` sentence, with `N` where the number stands. */
  sentence?: RegExp;
  description: string;
}

const counters: Counter[] = [
  {
    name: 'listenOverflows',
    snmp: 'TcpExtListenOverflows',
    sentence: /^(\d+) times the listen queue of a socket overflowed/,
    description: 'Connections that found a full accept queue (the application does not accept fast enough).',
  },
  {
    name: 'listenDrops',
    snmp: 'TcpExtListenDrops',
    sentence: /^(\d+) SYNs to LISTEN sockets (?:dropped|ignored)/,
    description: 'SYNs to listening sockets dropped (includes overflows).',
  },
  { name: 'synsDropped', snmp: 'TcpExtTCPReqQFullDrop', description: 'SYNs dropped because the SYN queue was full and syncookies were off.' },
  {
    name: 'synCookiesSent',
    snmp: 'TcpExtSyncookiesSent',
    sentence: /^(\d+) SYN cookies sent/,
    description: 'SYN cookies sent (SYN queue full, possible SYN flood).',
  },
  { name: 'synCookiesFailed', snmp: 'TcpExtSyncookiesFailed', sentence: /^(\d+) invalid SYN cookies received/, description: 'Invalid SYN cookies received.' },
  { name: 'resetsReceived', snmp: 'TcpEstabResets', sentence: /^(\d+) connection resets received/, description: 'Resets received on established connections.' },
  { name: 'resetsSent', snmp: 'TcpOutRsts', sentence: /^(\d+) resets sent/, description: 'Resets sent.' },
  {
    name: 'failedConnectionAttempts',
    snmp: 'TcpAttemptFails',
    sentence: /^(\d+) failed connection attempts/,
    description: 'Connection attempts that failed (SYN_SENT/SYN_RECV to CLOSED).',
  },
  { name: 'activeOpens', snmp: 'TcpActiveOpens', sentence: /^(\d+) active connection openings/, description: 'Outgoing connections opened.' },
  {
    name: 'passiveOpens',
    snmp: 'TcpPassiveOpens',
    sentence: /^(\d+) passive connection openings/,
    description: 'Incoming connections accepted by the kernel.',
  },
  {
    name: 'currentEstablished',
    snmp: 'TcpCurrEstab',
    sentence: /^(\d+) connections established/,
    description: 'Connections currently ESTABLISHED or CLOSE_WAIT.',
  },
  { name: 'retransmits', snmp: 'TcpRetransSegs', sentence: /^(\d+) segments retransmit+ed/, description: 'Segments retransmitted.' },
  { name: 'synRetransmits', snmp: 'TcpExtTCPSynRetrans', description: 'SYN and SYN-ACK retransmissions.' },
  {
    name: 'timeWaitOverflow',
    snmp: 'TcpExtTCPTimeWaitOverflow',
    description: 'Sockets that skipped TIME_WAIT because tcp_max_tw_buckets was reached ("time wait bucket table overflow").',
  },
  {
    name: 'timeWaitFastTimer',
    snmp: 'TcpExtTW',
    sentence: /^(\d+) TCP sockets finished time wait in fast timer/,
    description: 'Sockets that finished TIME_WAIT in the fast timer.',
  },
  {
    name: 'abortOnData',
    snmp: 'TcpExtTCPAbortOnData',
    sentence: /^(\d+) connections reset due to unexpected data/,
    description: 'Connections reset because data arrived after close.',
  },
  {
    name: 'abortOnClose',
    snmp: 'TcpExtTCPAbortOnClose',
    sentence: /^(\d+) connections reset due to early user close/,
    description: 'Connections reset because the application closed with unread data.',
  },
  {
    name: 'abortOnTimeout',
    snmp: 'TcpExtTCPAbortOnTimeout',
    sentence: /^(\d+) connections aborted due to timeout/,
    description: 'Connections aborted after retransmission or keepalive timeouts.',
  },
  {
    name: 'abortOnMemory',
    snmp: 'TcpExtTCPAbortOnMemory',
    sentence: /^(\d+) connections aborted due to memory pressure/,
    description: 'Connections aborted for lack of socket memory (orphans, tcp_mem).',
  },
  { name: 'backlogDrop', snmp: 'TcpExtTCPBacklogDrop', description: 'Packets dropped because the socket backlog was full.' },
  { name: 'keepAlive', snmp: 'TcpExtTCPKeepAlive', description: 'Keepalive probes sent.' },
];

export const netstatSParser: Parser = {
  info: {
    name: 'netstat-s',
    summary: 'Protocol counters from `netstat -s` or `nstat -az` under stable names (listenOverflows, resetsSent, retransmits...).',
    commands: ['netstat -s', 'netstat -st', 'nstat -az', 'nstat -a'],
    values: [
      ...counters.map((c): ValueInfo => ({
        name: c.name,
        type: 'number',
        description: `${c.description} (${c.snmp}); missing when the tool did not print it`,
      })),
      {
        name: 'counters',
        type: 'map',
        description:
          'Every counter read, by its nstat name (`TcpExtListenOverflows`); `netstat -s` `Name: N` lines become section + name (`TcpExtTCPKeepAlive`).',
      },
    ],
  },
  parse(text) {
    const raw = newMap<number>();
    let section = '';
    let sawTcp = false;
    forEachLine(text, (line) => {
      const nstat = /^([A-Z][A-Za-z0-9]+)\s+(\d+)(?:\s+[\d.]+)?\s*$/.exec(line);
      if (nstat) {
        raw[nstat[1]] = Number(nstat[2]);
        if (nstat[1].startsWith('Tcp')) sawTcp = true;
        return;
      }
      const header = /^([A-Za-z0-9]+):\s*$/.exec(line);
      if (header) {
        section = header[1];
        if (section.startsWith('Tcp')) sawTcp = true;
        return;
      }
      const trimmed = line.trim();
      const named = /^([A-Za-z][A-Za-z0-9]*):\s+(\d+)$/.exec(trimmed);
      if (named) {
        raw[section + named[1]] = Number(named[2]);
        return;
      }
      for (const c of counters) {
        const m = c.sentence?.exec(trimmed);
        if (m) {
          raw[c.snmp] = Number(m[1]);
          // `netstat -s | grep -i listen` keeps only the sentences: still TCP counters.
          sawTcp = true;
        }
      }
    });
    const values: Record<string, unknown> = { counters: raw };
    // `netstat -s` and `nstat` without -z leave counters that are 0 out; a counter not printed is
    // unknown, never 0, so a rule that needs it says so instead of calling the host healthy.
    for (const c of counters) if (raw[c.snmp] !== undefined) values[c.name] = raw[c.snmp];
    const warnings = sawTcp || text.trim() === '' ? [] : ['unrecognised: no TCP counters in it; is this the output of `netstat -s` or `nstat -az`?'];
    return { values, warnings };
  },
};
