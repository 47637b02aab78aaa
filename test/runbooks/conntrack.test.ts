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

  it('raises the critical finding on 67549/65535 and goes to the kernel log', () => {
    // The step cats count then max: the two recorded files in that order.
    const text = output('cat /proc/sys/net/netfilter/nf_conntrack_count') + output('cat /proc/sys/net/netfilter/nf_conntrack_max');
    const outcome = check('conntrack-usage', text);
    assert.equal(outcome.findings.length, 1);
    assert.equal(outcome.findings[0].severity, 'critical');
    assert.equal(outcome.findings[0].message, 'conntrack table 67549/65535 (103.1%): new connections are being dropped');
    assert.equal(outcome.next, 'kernel-log');
  });

  it('says "not loaded" (info) instead of failing on a host without conntrack', () => {
    const outcome = check('conntrack-usage', 'conntrack not loaded\n');
    assert.deepEqual(outcome.findings.map((f) => f.severity), ['info']);
    assert.match(outcome.findings[0].message, /not loaded on this host/);
    assert.equal(outcome.next, 'end');
  });

  it('stays quiet at 50%', () => {
    const outcome = check('conntrack-usage', '32000\n65536\n');
    assert.deepEqual(outcome.findings, []);
  });

  it('reads the drops out of /var/log/messages, counting the suppressed callbacks', () => {
    const outcome = check('kernel-log', output('tail -500f /var/log/messages'));
    assert.equal(outcome.findings.length, 1);
    assert.equal(outcome.findings[0].severity, 'critical');
    assert.equal(outcome.findings[0].message, 'kernel dropped packets: conntrack table full (10 lines, about 284 drops, last at Aug 12 01:18:23)');
  });

  it('reads the CentOS-era ip_conntrack line of incident 001', () => {
    const outcome = check('kernel-log', output('dmesg'));
    assert.equal(outcome.findings[0]?.severity, 'critical');
    assert.match(outcome.findings[0].message, /conntrack table full \(1 lines/);
  });

  it('verify step reports success after the incident\'s fix (655350) and failure before it', () => {
    assert.deepEqual(check('verify', '67549\n655350\n').findings.map((f) => f.severity), ['info']);
    assert.deepEqual(check('verify', '67549\n65535\n').findings.map((f) => f.severity), ['critical']);
  });

  it('marks the step that changes the host as confirm, and only that one', () => {
    assert.deepEqual(runbook.steps.filter((s) => s.confirm).map((s) => s.id), ['raise-conntrack-max']);
  });
});
