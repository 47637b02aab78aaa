// The other parsers on outputs captured on the loopback scenarios (see each fixture's .meta.json).
import assert from 'node:assert/strict';
import { fixture } from './fixtures';
import { parse } from './parse';

describe('ulimit parser', () => {
  for (const shell of ['bash5', 'dash', 'busybox']) {
    it(`reads \`ulimit -a\` from ${shell}`, () => {
      const { v, warnings } = parse('ulimit', fixture('ulimit', `${shell}.txt`));
      assert.deepEqual(warnings, []);
      assert.equal(v.nofile, 20000);
      assert.equal(v.nproc, 96365);
      assert.equal(v.stack, 8192);
      assert.equal(v.cpu, Infinity);
    });
  }
  it('reads a bare `ulimit -n` and warns on junk', () => {
    assert.equal(parse('ulimit', '1024\n').v.value, 1024);
    assert.match(parse('ulimit', 'bash: ulimit: oops\n').warnings[0], /line 1/);
  });
});

describe('proc-limits parser', () => {
  it('reads soft and hard limits of the scenario process', () => {
    const { v, warnings } = parse('proc-limits', fixture('proc-limits', 'python-server.txt'));
    assert.deepEqual(warnings, []);
    assert.deepEqual({ ...v.nofile }, { soft: 20000, hard: 20000, units: 'files' });
    assert.equal(v.stack.soft, 8388608);
    assert.equal(v.stack.hard, Infinity);
    assert.equal(v.rttime.units, 'us');
  });
});

describe('sysctl parser', () => {
  it('reads `sysctl net...` and offers unambiguous last segments', () => {
    const { v } = parse('sysctl', fixture('sysctl', 'sysctl-net.txt'));
    assert.equal(v.nf_conntrack_max, 262144);
    assert.equal(v.somaxconn, 4096);
    assert.equal(v.sysctl['net.ipv4.ip_local_port_range'], '32768 60999');
  });
  it('leaves out a last segment two keys share', () => {
    const { v } = parse('sysctl', 'net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.default.rp_filter = 0\n');
    assert.equal(v.rp_filter, undefined);
    assert.equal(v.sysctl['net.ipv4.conf.all.rp_filter'], 1);
  });
  it('names `sysctl -n` values from options.names and reports sysctl errors', () => {
    const { v, warnings } = parse('sysctl', '0\n262144\nsysctl: cannot stat /proc/sys/net/x: No such file or directory\n', {
      names: ['net.netfilter.nf_conntrack_count', 'net.netfilter.nf_conntrack_max'],
    });
    assert.equal(v.nf_conntrack_count, 0);
    assert.equal(v.nf_conntrack_max, 262144);
    assert.match(warnings[0], /line 3: sysctl: cannot stat/);
  });
  it('reads the 90 tcp keys of `sysctl -a`', () => {
    const { v, warnings } = parse('sysctl', fixture('sysctl', 'sysctl-a-tcp.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(Object.keys(v.sysctl).length, 90);
    assert.equal(v.tcp_fin_timeout, 60);
  });
});

describe('numbers parser', () => {
  it('names `sysctl -n count max` values', () => {
    const { v } = parse('numbers', fixture('numbers', 'sysctl-n-conntrack.txt'), { names: ['count', 'max'] });
    assert.equal(v.count, 0);
    assert.equal(v.max, 262144);
  });
  it('warns when fewer numbers than names', () => {
    const { v, warnings } = parse('numbers', '5\n', { names: ['count', 'max'] });
    assert.equal(v.max, undefined);
    assert.match(warnings.join(), /expected 2 numbers/);
  });
});

describe('state-counts parser', () => {
  it('reads the awk one-liner on the loopback scenario', () => {
    const { v, warnings } = parse('state-counts', fixture('state-counts', 'awk-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.states.TIME_WAIT, 150);
    assert.equal(v.states.FIN_WAIT2, 8);
    assert.equal(v.total, 216);
  });
});

describe('netstat-s parser', () => {
  it('gives the same named counters from `netstat -s` and `nstat -az`', () => {
    const a = parse('netstat-s', fixture('netstat-s', 'netstat-s-loopback.txt'));
    const b = parse('netstat-s', fixture('netstat-s', 'nstat-az-loopback.txt'));
    for (const r of [a, b]) {
      assert.deepEqual(r.warnings, []);
      assert.equal(r.v.listenOverflows, 30, 'the 20 connects to the backlog-4 listener overflowed its queue');
      assert.equal(r.v.listenDrops, 30);
      assert.equal(r.v.resetsSent, 166);
      assert.equal(r.v.retransmits, 15);
      assert.equal(r.v.synRetransmits, 15);
      assert.equal(r.v.abortOnData, 83);
    }
    assert.equal(a.v.counters.TcpExtTCPKeepAlive, 331, 'netstat -s `Name: N` lines get nstat names');
    // nstat -az prints zero counters; netstat -s leaves them out, and absent is not 0.
    assert.equal(b.v.timeWaitOverflow, 0);
    assert.equal(a.v.timeWaitOverflow, undefined);
    assert.equal('timeWaitOverflow' in a.v, false);
  });

  it('keeps a counter nstat did not print absent, never 0', () => {
    const { v, warnings } = parse('netstat-s', fixture('netstat-s', 'nstat-a-no-zeros.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.listenOverflows, 408);
    assert.equal(v.resetsSent, 320);
    // Zero on this machine, so `nstat -a` (no -z) did not print them.
    for (const name of ['timeWaitOverflow', 'synsDropped', 'abortOnMemory']) assert.equal(v[name], undefined, name);
  });

  it('reads the `netstat -s | grep -i listen` fallback the runbooks use', () => {
    const text = fixture('netstat-s', 'netstat-s-loopback.txt')
      .split('\n')
      .filter((l) => /listen/i.test(l))
      .join('\n');
    const { v, warnings } = parse('netstat-s', text);
    assert.deepEqual(warnings, []);
    assert.equal(v.listenOverflows, 30);
    assert.equal(v.listenDrops, 30);
    assert.equal(v.resetsSent, undefined);
  });

  it('says it did not recognise output that has no TCP counters', () => {
    const { warnings } = parse('netstat-s', fixture('sockstat', 'sockstat-loopback.txt'));
    assert.match(warnings[0], /^unrecognised: no TCP counters/);
  });
});

describe('sockstat parsers', () => {
  it('reads /proc/net/sockstat during the loopback scenario', () => {
    const { v, warnings } = parse('sockstat', fixture('sockstat', 'sockstat-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.deepEqual({ ...v.sockets }, { used: 56 });
    assert.deepEqual({ ...v.tcp }, { inuse: 35, orphan: 0, tw: 40, alloc: 42, mem: 7 });
    assert.equal(v.tcp.tw, 40, 'the 40 connections the server closed first');
    assert.deepEqual({ ...v.frag }, { inuse: 0, memory: 0 });
    assert.deepEqual({ ...v.udplite }, { inuse: 0 });
  });

  it('reads an idle host: no TIME_WAIT', () => {
    const { v, warnings } = parse('sockstat', fixture('sockstat', 'sockstat-idle.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.tcp.tw, 0);
    assert.equal(v.tcp.inuse, 1);
  });

  it('reads /proc/net/sockstat6', () => {
    const { v, warnings } = parse('sockstat6', fixture('sockstat6', 'sockstat6-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.tcp6.inuse, 7, 'listener, 3 client and 3 server ends on ::1, and one more IPv6 socket on the machine');
    assert.deepEqual({ ...v.frag6 }, { inuse: 0, memory: 0 });
  });

  it('says so when the input is not sockstat, and names odd lines', () => {
    const { warnings } = parse('sockstat', fixture('netstat-s', 'nstat-az-listen-old-1.txt'));
    assert.match(warnings[0], /^unrecognised: no "TCP: inuse N/);
    const mixed = parse('sockstat', 'TCP: inuse 3 orphan 0 tw 1 alloc 3 mem 1\ncat: /proc/net/sockstat: oops\n');
    assert.equal(mixed.v.tcp.tw, 1);
    assert.deepEqual(mixed.warnings, ['line 2 is not "PROTOCOL: name number ...": cat: /proc/net/sockstat: oops']);
  });
});

describe('kernel-log parser', () => {
  it('reads modern SYN flooding lines with dmesg and dmesg -T timestamps', () => {
    const plain = parse('kernel-log', fixture('kernel-log', 'dmesg-syn-flooding.txt'));
    assert.equal(plain.v.synFlood.count, 2);
    assert.equal(plain.v.synFlood.first, '419.799686');
    assert.deepEqual(plain.v.synFloodPorts, ['127.0.0.200:47001', '127.0.0.200:47002']);
    const human = parse('kernel-log', fixture('kernel-log', 'dmesg-T.txt'));
    assert.equal(human.v.synFlood.last, 'Mon Nov 23 16:32:52 2026');
    assert.equal(human.v.conntrackFull.count, 0);
  });
});

describe('lsof parser', () => {
  it('counts sockets per command and TCP state from `lsof -i`', () => {
    const { v, warnings } = parse('lsof', fixture('lsof', 'lsof-i-loopback.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.count, 56);
    assert.equal(v.byCommand.python3, 41);
    assert.equal(v.states.CLOSE_WAIT, 8);
    assert.equal(v.states.LISTEN, 3);
    assert.equal(v.byType.IPv6, 3);
    assert.match(
      v.rows.find((r: { state?: string; localPort?: string }) => r.state === 'CLOSE_WAIT').name,
      /^127\.0\.0\.1:18081->127\.0\.0\.1:\d+ \(CLOSE_WAIT\)$/,
    );
  });
});

describe('fd-count parser', () => {
  it('reads `ls /proc/PID/fd | wc -l` and counts a listing', () => {
    assert.equal(parse('fd-count', fixture('fd-count', 'python-server.txt')).v.count, 48);
    assert.equal(parse('fd-count', '0\n1\n2\n3\n').v.count, 4);
    assert.match(parse('fd-count', "ls: cannot access '/proc/9/fd': No such file or directory\n").warnings[0], /cannot read/);
  });
});

describe('tcpdump parser', () => {
  it('spots a server that closes every connection right after the handshake (incident 004)', () => {
    const { v, warnings } = parse('tcpdump', fixture('tcpdump', 'close-after-accept.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.packets, 21);
    assert.equal(v.connections, 3);
    assert.equal(v.serverFinAfterHandshake, 3);
    assert.equal(v.flows[0].flags, 'S S. . F. . F. .');
    assert.equal(v.flows[0].server, '127.0.0.1.18083');
    assert.equal(v.resets, 0);
  });
  it('reads `tcpdump -i any` lines, which carry the interface and direction', () => {
    const { v, warnings } = parse('tcpdump', fixture('tcpdump', 'any-interface.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.packets, 6);
    assert.equal(v.serverFinAfterHandshake, 1);
    assert.equal(v.flows[0].flags, 'S S. . F. F. .');
  });
  it('counts refused connections as resets, and not as server FIN', () => {
    const { v } = parse('tcpdump', fixture('tcpdump', 'refused.txt'));
    assert.equal(v.resets, 2);
    assert.equal(v.serverFinAfterHandshake, 0);
    assert.equal(v.flows[0].flags, 'S R.');
  });
  it('does not flag a server FIN that comes after data', () => {
    const text = [
      '10:00:00.000001 IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 1, length 0',
      '10:00:00.000002 IP 10.0.0.2.80 > 10.0.0.1.5000: Flags [S.], seq 1, ack 2, win 1, length 0',
      '10:00:00.000003 IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [.], ack 1, win 1, length 0',
      '10:00:00.000004 IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [P.], seq 1:10, ack 1, win 1, length 9',
      '10:00:00.000005 IP 10.0.0.2.80 > 10.0.0.1.5000: Flags [F.], seq 1, ack 10, win 1, length 0',
      '10:00:00.000006 IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 1, length 0',
    ].join('\n');
    const { v } = parse('tcpdump', text);
    assert.equal(v.serverFinAfterHandshake, 0);
    assert.equal(v.synRetries, 1);
  });
});

describe('generic parsers', () => {
  it('lines, kv, table, json, regex', () => {
    assert.equal(parse('lines', 'a\n\nb\n').v.count, 2);
    const kv = parse('kv', 'LimitNOFILE=524288\nMainPID: 812\n__proto__: 1\n');
    assert.equal(kv.v.LimitNOFILE, 524288);
    assert.equal(kv.v.MainPID, 812);
    assert.equal(Object.getPrototypeOf(kv.v), Object.prototype, '`__proto__` from output does not change the values object');
    const table = parse('table', '  PID NLWP COMMAND\n  812    4 nginx: worker\n');
    assert.deepEqual({ ...table.v.rows[0] }, { PID: 812, NLWP: 4, COMMAND: 'nginx: worker' });
    const json = parse('json', '{"open": 12, "constructor": 1}');
    assert.equal(json.v.open, 12);
    assert.equal(json.v.constructor, Object, 'an output key `constructor` is not copied over the values object');
    assert.match(parse('json', '{oops').warnings[0], /not JSON/);
    const re = parse('regex', fixture('ulimit', 'incident-000-centos-1024.txt'), { pattern: 'open files\\s+\\(-n\\)\\s+(?<nofile>\\d+)' });
    assert.equal(re.v.nofile, 1024);
    const all = parse('regex', 'port 1\nport 22\n', { pattern: 'port (?<p>\\d+)', all: true });
    assert.equal(all.v.count, 2);
    assert.equal(all.v.matches[1].p, 22);
    assert.match(parse('regex', 'x', { pattern: '(' }).warnings[0], /not a valid regular expression/);
  });
});
