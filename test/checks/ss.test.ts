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

  it('warns, naming the line, about rows it cannot read, and says it did not recognise an output with none it could', () => {
    const { v, warnings } = parse('ss-tan', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB x y\n');
    assert.equal(v.total, 0);
    assert.match(warnings[0], /^unrecognised: no line of this output is an ss socket row/);
    assert.match(warnings[1], /line 2: not an ss socket row/);
    const mixed = parse('ss-tan', `${fixture('ss-tan', 'ss-tan-loopback.txt')}ESTAB x y\n`);
    assert.ok(!mixed.warnings.some((w) => w.startsWith('unrecognised:')), 'one bad row among good ones is a warning, not an unrecognised output');
    assert.equal(parse('ss-tan', 'Welcome to host h1\nlast login: yesterday\n').warnings[0].startsWith('unrecognised:'), true);
  });

  describe("`ss ... state X` (no State column: the state is the filter's)", () => {
    it('reads `ss -tan state time-wait` with `state: time-wait` as TIME_WAIT sockets', () => {
      const { v, warnings } = parse('ss-tan', fixture('ss-tan', 'ss-tan-state-time-wait.txt'), { state: 'time-wait' });
      assert.deepEqual(warnings, []);
      assert.equal(v.total, 25);
      assert.equal(v.states.TIME_WAIT, 25);
      assert.equal(Object.keys(v.otherStates).length, 0);
      assert.equal(v.byLocalPort['18090'], 25, 'TIME_WAIT on the server side: the server closed first');
      assert.equal(v.rows[0].state, 'TIME_WAIT');
    });

    it('reads `ss -tn state established` and `ss -tanp state established` with `state: established`', () => {
      const plain = parse('ss-tan', fixture('ss-tan', 'ss-tn-state-established.txt'), { state: 'established' });
      assert.deepEqual(plain.warnings, []);
      assert.equal(plain.v.states.ESTABLISHED, 14);
      assert.equal(plain.v.byPeer['::1'], 2);
      assert.equal(plain.v.byLocalPort['18091'], 6);
      const withProcess = parse('ss-tan', fixture('ss-tan', 'ss-tanp-state-established.txt'), { state: 'ESTABLISHED' });
      assert.deepEqual(withProcess.warnings, []);
      assert.equal(withProcess.v.states.ESTABLISHED, 14);
      assert.equal(withProcess.v.byProcess.python3, 14);
    });

    it('without the option: counted as UNKNOWN and a warning of kind unrecognised naming the fix', () => {
      const { v, warnings } = parse('ss-tan', fixture('ss-tan', 'ss-tan-state-time-wait.txt'));
      assert.equal(v.total, 25);
      assert.equal(v.states.TIME_WAIT, 0);
      assert.equal(v.otherStates.UNKNOWN, 25);
      assert.match(warnings[0], /^unrecognised: this ss output has no State column .*options: \{ state: time-wait \}/);
    });

    it('an empty `state X` output (header only) is read: nothing in that state, no warning', () => {
      const { v, warnings } = parse('ss-tan', 'Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n');
      assert.deepEqual(warnings, []);
      assert.equal(v.total, 0);
    });

    it('a State column wins over the option; `listening` is LISTEN; a misspelt state is unrecognised', () => {
      assert.equal(parse('ss-tan', fixture('ss-tan', 'ss-tan-loopback.txt'), { state: 'established' }).v.states.TIME_WAIT, 150);
      assert.equal(
        parse('ss-tan', 'Recv-Q Send-Q Local Address:Port Peer Address:Port\n0 128 0.0.0.0:22 0.0.0.0:*\n', { state: 'listening' }).v.states.LISTEN,
        1,
      );
      assert.match(parse('ss-tan', 'x', { state: 'time-wiat' }).warnings[0], /^unrecognised: options.state "time-wiat" is no TCP state/);
    });

    it('`ss -H` rows (no header) with the option are read as that state', () => {
      const { v } = parse('ss-tan', '0 0 127.0.0.1:18090 127.0.0.1:45708\n', { state: 'time-wait' });
      assert.equal(v.states.TIME_WAIT, 1);
    });
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
