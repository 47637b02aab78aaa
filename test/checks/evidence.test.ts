// Evidence states on real captures: a failed or unreadable output is inconclusive with the reason and
// the way out, never "nothing found"; and each healthy look-alike stays "nothing found" (or its finding).
import { strict as assert } from 'node:assert';
import { evaluateCheck, evidenceOf } from '../../src/checks/evaluate';
import { evidenceText } from '../../src/checks/display';
import { readCheckSpec } from '../../src/checks/readSpec';
import type { CheckSpec } from '../../src/checks/spec';
import { fixture } from './fixtures';

function spec(yaml: string): CheckSpec {
  const { spec, problems } = readCheckSpec(yaml);
  assert.deepEqual(problems, []);
  return spec!;
}

// Modelled on triage's server-sockets step: "nothing listens" is a real finding only on a real ss table.
const listening = spec(`parse: ss-tan
findings:
  - when: states.LISTEN == 0
    severity: critical
    message: nothing listens on the port
`);

// Modelled on open-files' process-limits step.
const processLimits = spec(`parse: kv
findings:
  - when: proc_pid == "none"
    severity: warning
    message: no process found listening on port {{port}}
  - when: open_fds >= nofile_soft * 0.9
    severity: critical
    message: "{{proc_name}} (pid {{proc_pid}}) has {{open_fds}} of {{nofile_soft}} file descriptors open"
  - when: open_fds >= nofile_soft * 0.7 and open_fds < nofile_soft * 0.9
    severity: warning
    message: "{{proc_name}} uses {{open_fds}} of {{nofile_soft}} file descriptors"
`);
const params = { params: { pid: 0, port: 18095 }, pid: 0, port: 18095 };

describe('evidence: an output that cannot answer is inconclusive', () => {
  it('a wrong namespace (empty stdout) is inconclusive, not "nothing listens"', () => {
    const stderr = 'Cannot open network namespace "nope": No such file or directory\n';
    const outcome = evaluateCheck(listening, fixture('ss-tan', 'ss-tan-wrong-netns-empty.txt'), {}, undefined, { stderr });
    assert.equal(outcome.evidence, 'inconclusive');
    assert.deepEqual(outcome.findings, [], 'no "nothing listens" on an output that was never read');
    assert.match(outcome.inconclusive!.reason, /^the command printed nothing, so there was nothing to read \(the ss-tan parser reads the output of ss -tan/);
    assert.match(outcome.inconclusive!.hint!, /check the command by hand on the host \(a wrong namespace/);
  });

  it('look-alike: ss printed its header and no row, so nothing listens is a real finding', () => {
    const outcome = evaluateCheck(listening, fixture('ss-tan', 'ss-tan-nothing-listens.txt'), {});
    assert.equal(outcome.evidence, 'findings');
    assert.equal(outcome.inconclusive, undefined);
    assert.deepEqual(
      outcome.findings.map((f) => f.message),
      ['nothing listens on the port'],
    );
  });

  it('an empty output with "Permission denied" on stderr says to use sudo', () => {
    const outcome = evaluateCheck(listening, '', {}, undefined, { stderr: 'ss: Permission denied\n' });
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.hint!, /run the step with `sudo`/);
  });

  it('`empty: nothing-found` lets a runbook say that no rows is an answer (ss -H state close-wait)', () => {
    const s = spec('parse: ss-tan\nempty: nothing-found\nfindings:\n  - when: states.CLOSE_WAIT > 0\n    severity: warning\n    message: m\n');
    const outcome = evaluateCheck(s, '', {});
    assert.equal(outcome.evidence, 'nothing-found');
  });

  it('look-alike: an empty kernel-log search found nothing, which is evidence', () => {
    const s = spec('parse: kernel-log\nfindings:\n  - when: conntrackFull.count > 0\n    severity: critical\n    message: table full\n');
    const outcome = evaluateCheck(s, '', {});
    assert.equal(outcome.evidence, 'nothing-found');
  });

  it('as non-root without pid: inconclusive, naming the values and saying to pass pid', () => {
    const outcome = evaluateCheck(processLimits, fixture('kv', 'process-limits-nonroot-no-pid.txt'), params);
    assert.equal(outcome.evidence, 'inconclusive');
    assert.deepEqual(
      outcome.findings.map((f) => f.severity),
      ['warning'],
    );
    assert.match(
      outcome.inconclusive!.reason,
      /^finding 2 \(`open_fds >= nofile_soft \* 0.9`\) and finding 3 .* could not be decided: the output gave no usable `open_fds` or `nofile_soft`/,
    );
    assert.match(outcome.inconclusive!.hint!, /^pass pid=<the service's process id>/);
  });

  it('as non-root with pid: /proc/PID/fd unreadable is inconclusive with the sudo hint, not healthy', () => {
    const outcome = evaluateCheck(processLimits, fixture('kv', 'process-limits-nonroot-pid.txt'), { ...params, pid: 17722, params: { pid: 17722 } });
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /the output gave no usable `open_fds`/);
    assert.match(outcome.inconclusive!.hint!, /run the step with `sudo`/);
    assert.ok(outcome.warnings.some((w) => w.includes('open_fds is "unreadable (not root)", not a number')));
  });

  it('look-alike: as root, 46 of 20000 open files is nothing found', () => {
    const outcome = evaluateCheck(processLimits, fixture('kv', 'process-limits-root.txt'), params);
    assert.equal(outcome.evidence, 'nothing-found');
    assert.deepEqual(outcome.findings, []);
  });

  it('a critical finding raised anyway wins over a missing value elsewhere', () => {
    const s = spec(`parse: kv
findings:
  - when: open_fds >= nofile_soft * 0.9
    severity: critical
    message: "{{open_fds}} of {{nofile_soft}}"
  - when: accept_queue > 0
    severity: warning
    message: queue
`);
    const outcome = evaluateCheck(s, 'open_fds=19990\nnofile_soft=20000\n', {});
    assert.equal(outcome.evidence, 'findings');
    assert.equal(outcome.inconclusive, undefined);
    const warningOnly = evaluateCheck(s, 'open_fds=10\nnofile_soft=20000\n', {});
    assert.equal(warningOnly.evidence, 'inconclusive');
  });

  it('a parser warning `unrecognised:` makes the check inconclusive and says what the parser reads', () => {
    const s = spec('parse: netstat-s\nfindings:\n  - when: listenOverflows > 0\n    severity: warning\n    message: m\n');
    const outcome = evaluateCheck(s, fixture('sockstat', 'sockstat-loopback.txt'), {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /^the netstat-s parser did not recognise the output \(no TCP counters in it/);
    assert.match(outcome.inconclusive!.hint!, /netstat-s parser reads the output of netstat -s, netstat -st, nstat -az/);
    // The same contract for streamed results the engine passes in.
    const streamed = evaluateCheck(listening, 'garbage\n', {}, { values: {}, warnings: ['unrecognised: no ss header (State Recv-Q Send-Q ...)'] });
    assert.equal(streamed.evidence, 'inconclusive');
    assert.match(streamed.inconclusive!.reason, /ss-tan parser did not recognise the output \(no ss header/);
  });

  it('a counter nstat did not print is inconclusive with the nstat -az hint; printed as 0 it is healthy', () => {
    const s = spec('parse: netstat-s\nfindings:\n  - when: timeWaitOverflow > 0\n    severity: warning\n    message: m\n');
    const absent = evaluateCheck(s, fixture('netstat-s', 'nstat-a-no-zeros.txt'), {});
    assert.equal(absent.evidence, 'inconclusive');
    assert.match(absent.inconclusive!.reason, /the output gave no usable `timeWaitOverflow`/);
    assert.match(absent.inconclusive!.hint!, /nstat -az/);
    const zero = evaluateCheck(s, fixture('netstat-s', 'nstat-az-loopback.txt'), {});
    assert.equal(zero.evidence, 'nothing-found');
  });

  it('a derived value that is missing is traced back to the value the output lacked', () => {
    const s = spec('parse: kv\nvalues:\n  headroom: nofile_soft - open_fds\nfindings:\n  - when: headroom < 50\n    severity: critical\n    message: m\n');
    const outcome = evaluateCheck(s, 'nofile_soft=1024\n', {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /gave no usable `open_fds`/);
  });

  it('a rule on another step or a parameter says which', () => {
    const s = spec('findings:\n  - when: steps["per-client"].maxPeer.count > params.cap\n    severity: critical\n    message: m\n');
    const outcome = evaluateCheck(s, '', { params: {}, steps: {} });
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /`steps\["per-client"\]` is not known \(that step has not run/);
    assert.match(outcome.inconclusive!.hint!, /^run step `per-client` first; pass cap=<value>/);
    const param = evaluateCheck(spec('findings:\n  - when: count > params.cap\n    severity: critical\n    message: m\n'), '', { count: 3, params: {} });
    assert.match(param.inconclusive!.reason, /the parameter `cap` was not given/);
    assert.match(param.inconclusive!.hint!, /^pass cap=<value>/);
  });

  it('evidenceOf reads outcomes built by hand', () => {
    assert.equal(evidenceOf({ values: {}, findings: [], why: '', warnings: [] }), 'nothing-found');
  });

  it('an empty tcpdump capture says tcpdump needs root', () => {
    const s = spec('parse: tcpdump\nfindings:\n  - when: flows > 0\n    severity: info\n    message: m\n');
    const outcome = evaluateCheck(s, '', {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.hint!, /^tcpdump needs root/);
  });

  it('evidenceText says it in one line for every front', () => {
    const empty = evaluateCheck(listening, '', {}, undefined, { stderr: 'Permission denied' });
    assert.match(evidenceText(empty), /^inconclusive: the command printed nothing, .*\. What to do: run the step with `sudo`/);
    assert.equal(evidenceText(evaluateCheck(listening, fixture('ss-tan', 'ss-tan-nothing-listens.txt'), {})), '1 finding');
    assert.equal(evidenceText(evaluateCheck(processLimits, fixture('kv', 'process-limits-root.txt'), params)), 'nothing found');
  });
});
