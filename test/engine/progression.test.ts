// Automatic progression as the notebook's Run All uses it, on this machine with /bin/sh: it follows
// the check's decision, stops at a critical finding or before an unconfirmed `confirm` step, and
// records who confirmed.
import assert from 'node:assert/strict';
import { runProgression } from '../../src/engine/progression';
import { findStep } from '../../src/engine/decide';
import { localHost } from '../../src/hosts/targets';
import type { Step } from '../../src/runbook/model';
import { fixtureSession, localGroup, TEXT } from './runbookFixture';

describe('engine/progression: Run All with automatic progression', () => {
  it('follows the decisions and stops at the critical finding, naming the proposed next step', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const seen: string[] = [];
      const result = await runProgression({
        from: runbook.steps[0],
        run: (step, confirmation) => session.run(step, [localHost()], { confirmation }),
        confirm: async () => assert.fail('no confirm step is reached before the critical finding'),
        onStep: (run) => void seen.push(run.step.key),
      });
      assert.deepEqual(seen, ['count', 'states']);
      assert.equal(result.reason, 'critical');
      assert.equal(result.stoppedAt?.key, 'fix');
      assert.match(result.explanation, /4500 sockets in TIME_WAIT.*proposed next: fix/);
      assert.deepEqual(
        result.findings.map((f) => f.severity),
        ['warning', 'critical'],
      );
    } finally {
      await close();
    }
  });

  it('stops before a confirm step when the user says no, and runs it with the confirmation when yes', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const fix = findStep(runbook, 'fix') as Step;
      const asked: string[] = [];
      const declined = await runProgression({
        from: fix,
        run: (step, confirmation) => session.run(step, [localHost()], { confirmation }),
        confirm: async (step) => (asked.push(step.key), undefined),
      });
      assert.deepEqual(asked, ['fix']);
      assert.equal(declined.reason, 'confirm');
      assert.equal(declined.path.length, 0, 'nothing ran');

      const confirmed = await runProgression({
        from: fix,
        run: (step, confirmation) => session.run(step, [localHost()], { confirmation }),
        confirm: async () => session.confirmation('test'),
      });
      assert.equal(confirmed.path[0].hostRuns[0].result.stdout.text, 'changed\n');
      // `slow` follows `fix` and times out: progression stops with the error, not silently.
      assert.equal(confirmed.reason, 'error');
      assert.match(confirmed.explanation, /slow failed on local/);
    } finally {
      await close();
    }
  });

  it('runs a group step by step, one result per step for all hosts, and stops before the confirm step', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const hosts = localGroup(['web-1', 'web-2']);
      const result = await runProgression({
        from: runbook.steps[0],
        run: (step, confirmation) => session.run(step, hosts, { confirmation }),
        confirm: async () => undefined,
        stopAtCritical: false,
      });
      assert.deepEqual(
        result.path.map((r) => r.hostRuns.map((h) => h.host.name)),
        [
          ['web-1', 'web-2'],
          ['web-1', 'web-2'],
        ],
      );
      assert.equal(result.reason, 'confirm');
      assert.equal(result.stoppedAt?.key, 'fix');
    } finally {
      await close();
    }
  });

  it('stops at once when cancelled', async () => {
    const { runbook, session, close } = fixtureSession(TEXT.replace('echo 95 100', 'sleep 5; echo 95 100'));
    try {
      const abort = new AbortController();
      const started = Date.now();
      setTimeout(() => abort.abort(), 200);
      const result = await runProgression({
        from: runbook.steps[0],
        run: (step, confirmation) => session.run(step, [localHost()], { confirmation, signal: abort.signal }),
        confirm: async () => undefined,
        signal: abort.signal,
      });
      assert.equal(result.reason, 'cancelled');
      assert.ok(Date.now() - started < 4000, 'the sleeping step was stopped, not waited for');
    } finally {
      await close();
    }
  });
});
