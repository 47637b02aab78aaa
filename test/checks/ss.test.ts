import assert from 'node:assert/strict';
import { createSsAccumulator, getParser } from '../../src/checks/parsers/index';
import { fixture } from './fixtures';
import { parse } from './parse';

describe('ss-tan parser', () => {
  it('counts the loopback TIME_WAIT / CLOSE_WAIT / SYN_SENT scenario from `ss -tanpo`', () => {
    const { v, warnings } = parse('ss-tan', fixture('ss-tan', 'ss-tanpo-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.total, 220);
    assert.equal(v.states.TIME_WAIT, 150);
    assert.equal(v.states.CLOSE_WAIT, 8);
    assert.equal(v.states.FIN_WAIT2, 8);
    assert.equal(v.states.SYN_SENT, 15);
    assert.equal(v.states.ESTABLISHED, 35);
    assert.equal(v.states.LISTEN, 4);
    assert.equal(v.byLocalPort['18080'], 150, 'server-side TIME_WAIT sits on the server port');
    assert.deepEqual(v.maxPeer, { address: '127.0.0.1', count: 199 });
    assert.equal(v.byPeer['::1'], 2, 'IPv6 [::1]:port is read without brackets');
    assert.equal(v.byProcess.python3, 41);
    assert.equal(v.keepaliveTimers, 19, 'the 4 loopback clients with SO_KEEPALIVE and the 15 download sockets');
    const row = v.rows.find((r: { state?: string; localPort?: string }) => r.localPort === '18082' && r.state === 'LISTEN');
    assert.equal(row.process, 'python3');
    assert.equal(row.fd, 4);
  });

  it('gives the same counts for `ss -tan` (no process, no timers)', () => {
    const { v } = parse('ss-tan', fixture('ss-tan', 'ss-tan-loopback.txt'));
    assert.equal(v.states.TIME_WAIT, 150);
    assert.equal(v.keepaliveTimers, 0);
    assert.equal(Object.keys(v.byProcess).length, 0);
  });

  it('finds the listener whose accept queue is over its backlog in `ss -ltn`', () => {
    const { v } = parse('ss-tan', fixture('ss-tan', 'ss-ltn-listen-overflow.txt'));
    assert.equal(v.listenOverflow.count, 1);
    assert.deepEqual(v.listenOverflow.sockets[0], { local: '127.0.0.1:18082', recvQ: 5, backlog: 4, line: 3 });
    assert.equal(v.byLocalAddress['::1'], 1);
  });

  it('reads `*:22` and `%iface` endpoints and keeps rows capped but counts all', () => {
    const text = [
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*',
      'LISTEN 0      128                *:22               *:*',
      'ESTAB  0      0          10.0.0.5:22       10.0.0.9:51234 timer:(keepalive,1min52sec,0)',
    ].join('\n');
    const { v } = parse('ss-tan', text, { maxRows: 2 });
    assert.equal(v.total, 3);
    assert.equal(v.rows.length, 2);
    assert.equal(v.rowsTruncated, true);
    assert.equal(v.rows[0].interface, 'lo');
    assert.equal(v.rows[0].localAddress, '127.0.0.53');
    assert.equal(v.byLocalPort['22'], 2);
    assert.equal(v.keepaliveTimers, 1);
    assert.deepEqual(v.maxPeer, { address: '10.0.0.9', count: 1 });
  });

  it('warns, naming the line, about rows it cannot read', () => {
    const { v, warnings } = parse('ss-tan', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB x y\n');
    assert.equal(v.total, 0);
    assert.match(warnings[0], /line 2: not an ss socket row/);
  });

  it('streams line by line to the same result as the whole-text parser', () => {
    const text = fixture('ss-tan', 'ss-tanpo-loopback.txt');
    const acc = createSsAccumulator({});
    for (const line of text.split('\n')) acc.push(line);
    assert.deepEqual(acc.result(), getParser('ss-tan')!.parse(text, {}));
  });
});

describe('ss-summary parser', () => {
  it('reads `ss -s`', () => {
    const { v, warnings } = parse('ss-summary', fixture('ss-summary', 'ss-s-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.total, 77);
    assert.equal(v.tcp, 220);
    assert.equal(v.estab, 43);
    assert.equal(v.timewait, 158);
    assert.equal(v.orphaned, 0);
    assert.deepEqual(v.transports.TCP, { total: 62, ip: 59, ipv6: 3 });
  });
});

describe('netstat parser', () => {
  it('gives the same state counts from `netstat -tanp` as ss does for the same moment', () => {
    const { v, warnings } = parse('netstat', fixture('netstat', 'netstat-tanp-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.states.TIME_WAIT, 150);
    assert.equal(v.states.CLOSE_WAIT, 8);
    assert.equal(v.byProcess.python3 > 0, true);
    assert.equal(v.listenOverflow.count, 0, 'netstat prints 0 as Send-Q of a listener, so no backlog is known');
    assert.equal(v.rows.find((r: { state?: string; localPort?: string }) => r.localPort === '18082' && r.state === 'LISTEN').recvQ, 5);
    assert.equal(v.byPeer['::1'], 2, 'netstat writes IPv6 as ::1:18084');
  });

  it('skips udp and unix rows of `netstat -an`', () => {
    const text =
      'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address Foreign Address State\nudp 0 0 0.0.0.0:68 0.0.0.0:*\ntcp 0 0 10.0.0.1:22 10.0.0.2:5000 ESTABLISHED\nunix  2 [ ACC ] STREAM LISTENING 1234 /run/x.sock\n';
    const { v, warnings } = parse('netstat', text);
    assert.deepEqual(warnings, []);
    assert.equal(v.total, 1);
    assert.equal(v.states.ESTABLISHED, 1);
  });
});
