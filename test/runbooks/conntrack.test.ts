// The conntrack runbook against the incidents' own outputs (the lab never fills this machine's
// conntrack table): the recorded outputs go through the runbook's real check blocks.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { evaluateCheck } from '../../src/checks/evaluate';
import type { CheckOutcome } from '../../src/checks/spec';
import { recordedOutputs } from '../../src/lab';
import { parseRunbook } from '../../src/runbook/parse';

const file = path.resolve('runbooks/conntrack.runbook.md');
const runbook = parseRunbook(fs.readFileSync(file, 'utf8'), file);
const recorded = recordedOutputs('conntrack-full');
const output = (command: string) => {
  const found = recorded.find((r) => r.command === command);
  assert.ok(found, `no recorded output for ${command}`);
  return found.output;
};

function check(stepId: string, text: string, scope: Record<string, unknown> = {}): CheckOutcome {
  const step = runbook.steps.find((s) => s.id === stepId);
  assert.ok(step?.check?.spec, `step ${stepId} has no check block`);
  return evaluateCheck(step.check.spec, text, scope);
}

describe('conntrack runbook on incident 000/001 outputs', () => {
  it('parses with no diagnostics', () => {
    assert.deepEqual(runbook.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  /** The usage step prints kv lines; the incident's two /proc files give the numbers. */
  const usage = (count: string, max: string) => `loaded=yes\ncount=${count.trim()}\nmax=${max.trim()}\n`;
  const incidentUsage = () => usage(output('cat /proc/sys/net/netfilter/nf_conntrack_count'), output('cat /proc/sys/net/netfilter/nf_conntrack_max'));

  it('raises the critical finding on 67549/65535 and reads the timeouts next', () => {
    const outcome = check('conntrack-usage', incidentUsage());
    assert.deepEqual(
      outcome.findings.map((f) => [f.severity, f.message]),
      [['critical', 'conntrack table 67549/65535 (103.1%): new connections are being dropped']],
    );
    assert.equal(outcome.next, 'conntrack-timeouts');
  });

  it('says "not loaded" (info) instead of failing on a host without conntrack', () => {
    const outcome = check('conntrack-usage', 'loaded=no\ncount=0\nmax=0\n');
    assert.deepEqual(
      outcome.findings.map((f) => f.severity),
      ['info'],
    );
    assert.match(outcome.findings[0].message, /not loaded on this host/);
    assert.equal(outcome.next, 'end');
  });

  it('calls a table at 50% not the cause', () => {
    const outcome = check('conntrack-usage', usage('32768', '65536'));
    assert.deepEqual(
      outcome.findings.map((f) => [f.severity, f.message]),
      [['info', 'conntrack table 50% full (32768/65536): not full, not the cause now']],
    );
    assert.equal(outcome.next, 'kernel-log');
  });

  it('reads the drops out of /var/log/messages, counting the suppressed callbacks, and leads to the fix', () => {
    const scope = check('conntrack-usage', incidentUsage()).values;
    const outcome = check('kernel-log', `kernel log source: dmesg\n${output('tail -500f /var/log/messages')}`, scope);
    assert.deepEqual(
      outcome.findings.map((f) => [f.severity, f.message]),
      [['critical', 'kernel dropped packets: conntrack table full (10 lines, about 284 drops, last at Aug 12 01:18:23)']],
    );
    assert.equal(outcome.next, 'raise-conntrack-max');
  });

  it('reads the CentOS-era ip_conntrack line of incident 001', () => {
    const scope = check('conntrack-usage', usage('262000', '262144')).values;
    const outcome = check('kernel-log', `kernel log source: dmesg\n${output('dmesg')}`, scope);
    assert.equal(outcome.findings[0]?.severity, 'critical');
    assert.match(outcome.findings[0].message, /conntrack table full \(1 lines/);
  });

  it('never leads a table that is 0% full to "raise nf_conntrack_max", even with old drops in the log', () => {
    const scope = check('conntrack-usage', usage('0', '262144')).values;
    assert.equal(check('conntrack-usage', usage('0', '262144')).next, 'kernel-log');
    const outcome = check('kernel-log', `kernel log source: dmesg\n${output('tail -500f /var/log/messages')}`, scope);
    assert.notEqual(outcome.next, 'raise-conntrack-max');
    assert.deepEqual(
      outcome.findings.map((f) => [f.severity, f.message]),
      [['warning', 'the table was full within the last hour (10 lines, last at Aug 12 01:18:23) but is 0% full now: a burst']],
    );
    // And a quiet log on a quiet table ends the runbook.
    assert.equal(check('kernel-log', 'kernel log source: dmesg\n[  1.0] Linux version 6.1\n', scope).next, 'end');
  });

  it('says the kernel log was not read, instead of "no drops", when it is not readable', () => {
    const scope = check('conntrack-usage', usage('10', '262144')).values;
    const outcome = check('kernel-log', 'kernel log source: none\n', scope);
    assert.deepEqual(
      outcome.findings.map((f) => f.message),
      ['the kernel log is not readable as this user: drops were not looked for (run as root)'],
    );
  });

  it('verify step reports success after the incident\'s fix (655350) and failure before it', () => {
    assert.deepEqual(check('verify', '67549\n655350\n').findings.map((f) => f.severity), ['info']);
    assert.deepEqual(check('verify', '67549\n65535\n').findings.map((f) => f.severity), ['critical']);
  });

  it('marks the step that changes the host as confirm, and only that one', () => {
    assert.deepEqual(runbook.steps.filter((s) => s.confirm).map((s) => s.id), ['raise-conntrack-max']);
  });
});
