// Every output quoted in the field incidents (/work/shared/field-incidents/), read by its parser.
import assert from 'node:assert/strict';
import { fixture } from './fixtures';
import { parse } from './parse';

describe('outputs quoted in the field incidents', () => {
  it('000: CentOS `ulimit -a` says open files 1024 before the fix and 4096 after', () => {
    const before = parse('ulimit', fixture('ulimit', 'incident-000-centos-1024.txt'));
    const after = parse('ulimit', fixture('ulimit', 'incident-000-centos-4096.txt'));
    assert.deepEqual(before.warnings, []);
    assert.equal(before.v.nofile, 1024);
    assert.equal(after.v.nofile, 4096);
    assert.equal(before.v.nproc, 15669);
    assert.equal(before.v.sigpending, 15669);
    assert.equal(before.v.memlock, 64);
    assert.equal(before.v.pipe, 8);
    assert.equal(before.v.data, Infinity, '`unlimited` compares as Infinity');
    assert.equal(before.v.core, 0);
  });

  it('000: `netstat -an | grep ESTABLISHED | wc -l` = 1237 exceeds the 1024 open-files limit', () => {
    const { v } = parse('numbers', fixture('numbers', 'incident-000-established.txt'), { names: ['established'] });
    assert.equal(v.established, 1237);
    assert.equal(v.value, 1237);
  });

  it('000: /var/log/messages: 10 conntrack drops shown, 274 suppressed just before them', () => {
    const { v, warnings } = parse('kernel-log', fixture('kernel-log', 'incident-000-messages.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.conntrackFull.count, 10);
    assert.equal(v.conntrackFull.first, 'Aug 12 01:18:23');
    assert.equal(v.conntrackFull.last, 'Aug 12 01:18:23');
    assert.equal(v.suppressed, 274);
    assert.equal(v.conntrackFull.suppressed, 274);
    assert.equal(v.conntrackDropsEstimate, 284);
    assert.equal(v.lines, 12);
  });

  it('000: nf_conntrack_max 65535 and nf_conntrack_count 67549', () => {
    assert.equal(parse('numbers', fixture('numbers', 'incident-000-nf-conntrack-max.txt')).v.value, 65535);
    assert.equal(parse('numbers', fixture('numbers', 'incident-000-nf-conntrack-count.txt')).v.value, 67549);
  });

  it('000: `sysctl -p` after the fix', () => {
    const { v, warnings } = parse('sysctl', fixture('sysctl', 'incident-000-sysctl-p.txt'));
    assert.deepEqual(warnings, []);
    assert.equal(v.sysctl['net.netfilter.nf_conntrack_max'], 655350);
    assert.equal(v.nf_conntrack_max, 655350);
    assert.equal(v.nf_conntrack_tcp_timeout_established, 1200);
  });

  it('001: the old `ip_conntrack: table full, dropping packet` dmesg line', () => {
    const { v } = parse('kernel-log', fixture('kernel-log', 'incident-001-dmesg-ip-conntrack.txt'));
    assert.equal(v.conntrackFull.count, 1);
    assert.equal(v.conntrackFull.first, undefined, 'plain dmesg -c lines of that era carry no timestamp here');
  });

  it('001: `printk: N messages suppressed.` + `TCP: time wait bucket table overflow`', () => {
    const { v } = parse('kernel-log', fixture('kernel-log', 'incident-001-dmesg-tw-overflow.txt'));
    assert.equal(v.timeWaitOverflow.count, 2);
    assert.equal(v.suppressed, 17661 + 17931);
    assert.equal(v.timeWaitOverflow.estimate, 2 + 17661 + 17931);
    assert.equal(v.conntrackFull.count, 0);
  });

  it('001: the state-count hashes before (TIME-WAIT 59157) and after (103) tuning', () => {
    const before = parse('state-counts', fixture('state-counts', 'incident-001-before.txt'));
    const after = parse('state-counts', fixture('state-counts', 'incident-001-after.txt'));
    assert.deepEqual(before.warnings, []);
    assert.equal(before.v.states.TIME_WAIT, 59157);
    assert.equal(before.v.states.ESTABLISHED, 2373);
    assert.equal(before.v.states.FIN_WAIT2, 1207);
    assert.equal(before.v.states.SYN_RECV, 402);
    assert.equal(before.v.states.LAST_ACK, 1);
    assert.equal(before.v.total, 8 + 2373 + 10 + 1 + 1207 + 59157 + 402 + 24, 'the `State` header row is not a state');
    assert.equal(after.v.states.TIME_WAIT, 103);
    assert.equal(after.v.states.CLOSING, 1);
    assert.equal(after.v.states.FIN_WAIT1, 45);
  });

  it('001: the `net.ipv4.* = ...` sysctl lines, including a two-number range', () => {
    const { v } = parse('sysctl', fixture('sysctl', 'incident-001-net-ipv4.txt'));
    assert.equal(v.tcp_fin_timeout, 3);
    assert.equal(v.tcp_max_tw_buckets, 100);
    assert.equal(v.sysctl['net.ipv4.ip_local_port_range'], '1024 65535');
    assert.equal(v.rp_filter, 0);
  });

  it('003: sysctl.conf lines as quoted, the last one running into prose', () => {
    const { v } = parse('sysctl', fixture('sysctl', 'incident-003-sysctl-conf.txt'));
    assert.equal(v.tcp_tw_recycle, 1);
    assert.equal(v.tcp_syncookies, 1);
    assert.equal(typeof v.tcp_fin_timeout, 'string', 'not silently read as 30');
  });
});
