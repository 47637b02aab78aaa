// Each analysis rule on a small runbook: the code, the range and a message that says what to do.
// Plus: every bundled runbook in runbooks/ analyses without errors.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { parseRunbook } from '../../src/runbook/parse';
import { analyzeRunbook } from '../../src/analysis/analyze';
import { hostChangesInLine } from '../../src/analysis/hostChanges';
import { closestName } from '../../src/analysis/names';
import type { Diagnostic } from '../../src/runbook/model';

function analyze(text: string): Diagnostic[] {
  return analyzeRunbook(parseRunbook(text, 'test.runbook.md'));
}

function codes(text: string): string[] {
  return analyze(text).map((d) => d.code);
}

/** A step with a check block. */
function step(id: string, command: string, check?: string, extra = ''): string {
  return `\`\`\`sh {id=${id}${extra}}\n${command}\n\`\`\`\n\n${check ? `\`\`\`check\n${check}\n\`\`\`\n\n` : ''}`;
}

describe('analysis rules', () => {
  it('unknown next: error on the value with the closest id', () => {
    const text = step('a', 'uptime', 'next: bb') + step('b', 'uptime', 'next: end');
    const [d] = analyze(text).filter((x) => x.code === 'unknown-next');
    assert.deepEqual(d.range, { start: { line: 5, character: 6 }, end: { line: 5, character: 8 } });
    assert.match(d.message, /^line 6: no step has id "bb"; did you mean "b"\?/);
  });

  it('a next to a step without id says to give it one', () => {
    const text = step('a', 'uptime', 'next: step-2') + '```sh\nuptime\n```\n';
    // The step cannot be reached by its key either, so it is also unreachable.
    assert.deepEqual(codes(text), ['next-step-without-id', 'unreachable-step']);
  });

  it('reachability follows findings, block next and fall-through; a step after next: end is unreachable', () => {
    const findings = 'findings:\n  - when: 1 > 0\n    severity: info\n    message: m\n    next: c\nnext: end';
    const text = step('a', 'uptime', findings) + step('b', 'uptime') + step('c', 'uptime', 'next: end') + step('d', 'uptime');
    const unreachable = analyze(text).filter((d) => d.code === 'unreachable-step');
    assert.deepEqual(
      unreachable.map((d) => d.range.start.line),
      [text.split('\n').indexOf('```sh {id=b}'), text.split('\n').indexOf('```sh {id=d}')],
    );
    // Without the block's `next: end`, a falls through to b, b to c.
    assert.deepEqual(
      codes(text.replace('next: c\nnext: end', 'next: c')).filter((c) => c === 'unreachable-step'),
      ['unreachable-step'],
    );
  });

  it('a loop with no exit is an error; a loop with a way out is not', () => {
    const loop = step('a', 'uptime') + step('b', 'uptime', 'next: c') + step('c', 'uptime', 'next: b');
    const d = analyze(loop).find((x) => x.code === 'loop-without-exit');
    assert.ok(d);
    assert.equal(d.range.start.line, loop.split('\n').indexOf('```sh {id=b}'));
    const exit = loop.replace('next: b', 'findings:\n  - when: 1 > 0\n    severity: info\n    message: m\n    next: end\nnext: b');
    assert.deepEqual(codes(exit), []);
    // A step that only goes to itself.
    assert.deepEqual(codes(step('a', 'uptime', 'next: a')), ['loop-without-exit']);
  });

  it('an unknown parser is an error on its name', () => {
    const [d] = analyze(step('a', 'ss -tan', 'parse: sstan'));
    assert.equal(d.code, 'unknown-parser');
    assert.deepEqual(d.range, { start: { line: 5, character: 7 }, end: { line: 5, character: 12 } });
    assert.match(d.message, /did you mean "ss-tan"\?/);
  });

  it('an invalid extract regex is an error with the JavaScript message', () => {
    const [d] = analyze(step('a', 'uptime', 'extract:\n  load: "average: ([0-9.]+"'));
    assert.equal(d.code, 'check-regex');
    assert.equal(d.range.start.line, 6);
    assert.match(d.message, /Unterminated group/);
  });

  it('expressions that do not parse, in when and values, point at the offset', () => {
    const text = step('a', 'ss -tan', 'parse: ss-tan\nvalues:\n  ratio: total / / 2\nfindings:\n  - when: total >\n    severity: info\n    message: m');
    const found = analyze(text).filter((d) => d.code === 'expression-syntax');
    assert.equal(found.length, 2);
    assert.deepEqual(found[0].range.start, { line: 7, character: 17 });
    assert.equal(found[1].range.start.line, 9);
  });

  it('unknown values: warning unless the parser, extract, values, a parameter or another step defines them', () => {
    const front = '---\nparams:\n  port: 8080\n---\n\n';
    const known =
      'parse: ss-tan\nextract:\n  pid: "pid=(\\\\d+)"\nvalues:\n  tw: states.TIME_WAIT\nfindings:\n  - when: tw > 0 and pid > 0 and port > 0 and params.port > 0 and steps.b.count > 0 and count > 1 and listenOverflow.count > 0\n    severity: info\n    message: "{{tw}} on {{port}}"';
    const text = front + step('a', 'ss -tan', known) + step('b', 'wc -l < /etc/hosts', 'parse: lines\nnext: end');
    assert.deepEqual(codes(text), []);
    const bad = analyze(text.replace('params.port > 0', 'params.prot > 0').replace('steps.b.count', 'steps.b.cnt').replace('tw > 0', 'tww > 0'));
    assert.deepEqual(
      bad.map((d) => d.code),
      ['unknown-value', 'unknown-value', 'unknown-value'],
    );
    assert.match(bad[0].message, /"tww".*did you mean "tw"\?/);
    assert.match(bad[1].message, /no parameter "prot" is declared; did you mean "port"\?/);
    assert.match(bad[2].message, /step b has no value "cnt"; did you mean "count"\?/);
  });

  it('open parsers (kv, json, sysctl -a) define any name; sysctl with keys defines their last segments', () => {
    assert.deepEqual(codes(step('a', 'cat /etc/os-release', 'parse: kv\nfindings:\n  - when: ID == "centos"\n    severity: info\n    message: m')), []);
    const sysctl = step(
      'a',
      'sysctl net.netfilter.nf_conntrack_max',
      'parse: sysctl\nfindings:\n  - when: nf_conntrack_max < 1000 or nf_conntrack_count > 0\n    severity: info\n    message: m',
    );
    assert.deepEqual(
      analyze(sysctl).map((d) => [d.code, d.message.includes('nf_conntrack_count')]),
      [['unknown-value', true]],
    );
  });

  it('{{var}} in commands: parameters and earlier steps only', () => {
    const front = '---\nparams:\n  port: 8080\n---\n\n';
    const text =
      front +
      step('a', 'ss -ltn "sport = :{{port}}" # {{pid}}') +
      step('b', 'pgrep nginx', 'extract:\n  pid: "(\\\\d+)"') +
      step('c', 'cat /proc/{{pid}}/limits');
    const found = analyze(text).filter((d) => d.code === 'undefined-variable');
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].range, { start: { line: 6, character: 30 }, end: { line: 6, character: 37 } });
  });

  it('commands that change the host need confirm', () => {
    const text = step('a', 'echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse') + step('b', 'systemctl restart nginx', undefined, ' confirm');
    const found = analyze(text);
    assert.deepEqual(
      found.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]),
      [['unconfirmed-change', 1, 0, 40]],
    );
  });

  it('recognises what changes a host, and what only reads', () => {
    const changes = [
      'sysctl -w net.ipv4.tcp_tw_reuse=1',
      'sudo sysctl -p',
      'kill -9 1234',
      'pkill nginx',
      'killall java',
      'reboot',
      'shutdown -r now',
      'rm -f /tmp/x',
      'systemctl restart nginx',
      'service nginx reload',
      'iptables -A INPUT -p tcp --dport 80 -j DROP',
      'nft add rule inet filter input drop',
      'ip link set eth0 down',
      'echo 262144 > /proc/sys/net/netfilter/nf_conntrack_max',
      'echo x | sudo tee -a /etc/security/limits.conf',
      'kubectl drain node-1',
      'kubectl delete pod x',
      'mv a b',
      'chmod 600 f',
      'chown root f',
      'conntrack -F',
      'ss -K dst 10.0.0.1',
      'pgrep java | xargs kill',
    ];
    for (const c of changes) assert.equal(hostChangesInLine(c).length, 1, c);
    const reads = [
      'sysctl -a',
      'sysctl net.netfilter.nf_conntrack_max',
      'kill -0 1234',
      'ss -tan state time-wait | wc -l',
      'iptables -L -n',
      'iptables -t nat -S',
      'nft list ruleset',
      'ip link show',
      'systemctl status nginx',
      'cat /etc/sysctl.conf 2>&1',
      'ulimit -n 65535',
      'grep -c rm /var/log/x',
      '# rm -rf /',
      'journalctl -k | grep -i "kill"',
      'kubectl get pods',
      'dmesg -T > /tmp/dmesg.txt',
    ];
    for (const r of reads) assert.deepEqual(hostChangesInLine(r), [], r);
  });

  it('did you mean: only close names', () => {
    assert.equal(closestName('conntrak', ['conntrack', 'drops']), 'conntrack');
    assert.equal(closestName('xyz', ['conntrack', 'drops']), undefined);
  });

  it('every bundled runbook in runbooks/ has no errors', () => {
    const dir = path.resolve(__dirname, '..', '..', 'runbooks');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.runbook.md')) : [];
    for (const file of files) {
      const errors = analyze(fs.readFileSync(path.join(dir, file), 'utf8')).filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => `${file}:${d.range.start.line + 1}: ${d.message}`),
        [],
      );
    }
  });
});
