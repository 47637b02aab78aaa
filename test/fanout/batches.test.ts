// Safe changes on groups: the canary/batch plan, stopping on a failing canary or past the
// failure budget, and the max-hosts cap refusing a larger group before anything runs.

import assert from 'node:assert/strict';
import { RunbookError } from '../../src/base/failure';
import { describePlan, parsePolicy, planBatches, runBatches, type BatchReport } from '../../src/engine/batches';

const hosts = Array.from({ length: 20 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const policy = (attrs: Record<string, string>) => parsePolicy(attrs, 'change.runbook.md:12')!;

/** A batch runner that records what it was asked to run and fails the hosts in `failing`. */
function recorder(failing: string[]) {
  const ran: string[][] = [];
  return {
    ran,
    runBatch: async (batch: string[]) => {
      ran.push(batch);
      return batch.map((host) => ({ host, ok: !failing.includes(host) }));
    },
  };
}

describe('engine/batches: canary, batches, failure threshold, max hosts', () => {
  it('plans a canary of 1, then batches of 25%, and says so in words', () => {
    const plan = planBatches(hosts, policy({ canary: '1', batch: '25%', 'max-failures': '1', 'max-hosts': '50' }));
    assert.deepEqual(
      plan.batches.map((b) => [b.kind, b.hosts.length]),
      [
        ['canary', 1],
        ['batch', 5],
        ['batch', 5],
        ['batch', 5],
        ['batch', 4],
      ],
    );
    assert.deepEqual(
      plan.batches.flatMap((b) => b.hosts),
      hosts,
      'every host once, in order',
    );
    const words = describePlan(plan, (h) => h);
    assert.match(words, /^20 hosts in 5 steps; stops if any canary host fails, or once failed hosts exceed 1; at most 50 hosts:/);
    assert.match(words, /1\. canary of 1 \(web-01\)\n2\. batch of 5 \(web-02, web-03 \.\.\. web-06\)/);
  });

  it('a failing canary host stops the plan: nothing else runs', async () => {
    const plan = planBatches(hosts, policy({ canary: '1', batch: '5', 'max-failures': '3' }));
    const run = recorder(['web-01']);
    const reports: Array<BatchReport<string>> = [];
    const outcome = await runBatches(plan, run.runBatch, (r) => reports.push(r));
    assert.deepEqual(run.ran, [['web-01']]);
    assert.equal(outcome.stopped, true);
    assert.match(outcome.reason!, /canary failed on 1 of 1 hosts/);
    assert.equal(outcome.notRun.length, 19);
    assert.deepEqual(
      reports.map((r) => [r.kind, r.failed]),
      [['canary', ['web-01']]],
    );
  });

  it('stops after the batch where failures pass max-failures, and runs everything when they do not', async () => {
    const plan = planBatches(hosts, policy({ canary: '10%', batch: '6', 'max-failures': '1' }));
    const stopped = recorder(['web-04', 'web-09']);
    const outcome = await runBatches(plan, stopped.runBatch);
    assert.deepEqual(
      stopped.ran.map((b) => b.length),
      [2, 6, 6],
    );
    assert.equal(outcome.stopped, true);
    assert.match(outcome.reason!, /2 hosts failed, more than the 1 allowed/);
    assert.deepEqual(outcome.notRun, hosts.slice(14));

    const fine = recorder(['web-04']);
    const all = await runBatches(plan, fine.runBatch);
    assert.equal(all.stopped, false);
    assert.equal(fine.ran.flat().length, 20);
  });

  it('a host the batch does not report on counts as failed', async () => {
    const plan = planBatches(hosts.slice(0, 4), policy({ canary: '2' }));
    const outcome = await runBatches(plan, async (batch) => batch.slice(1).map((host) => ({ host, ok: true })));
    assert.equal(outcome.stopped, true);
    assert.deepEqual(outcome.reports[0].failed, ['web-01']);
  });

  it('max-hosts refuses a larger group up front, with what to do', async () => {
    const run = recorder([]);
    assert.throws(
      () => planBatches(hosts, policy({ 'max-hosts': '10', canary: '1' })),
      (e: unknown) => e instanceof RunbookError && /at most 10 hosts \(max-hosts=10\), and the target has 20/.test(e.message) && /\[0:9\]/.test(e.hint ?? ''),
    );
    assert.deepEqual(run.ran, []);
    assert.equal(planBatches(hosts.slice(0, 10), policy({ 'max-hosts': '10' })).batches.length, 1);
  });

  it('rejects bad policy values with file:line', () => {
    assert.throws(() => policy({ batch: '0' }), /change\.runbook\.md:12: batch=0 must be a number of hosts or a percentage above 0/);
    assert.throws(() => policy({ canary: 'one' }), /canary=one/);
    assert.throws(() => policy({ 'max-hosts': '5%' }), /max-hosts=5% must be a whole number/);
    assert.equal(parsePolicy({}, 'x'), undefined);
    assert.deepEqual(policy({ 'max-failures': '0' }).maxFailures, { count: 0 });
  });
});
