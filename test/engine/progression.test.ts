// Automatic progression as both fronts use it (through src/pipeline/), on this machine with /bin/sh: it follows
// the check's decision, stops at a critical finding or before an unconfirmed `confirm` step, and
// records who confirmed.
import assert from 'node:assert/strict';
import { runProgression } from '../../src/engine/progression';
import { findStep } from '../../src/engine/decide';
import { localHost } from '../../src/hosts/targets';
import type { Step } from '../../src/runbook/model';
import { IncidentSession } from '../../src/engine/session';
import type { HostConfig } from '../../src/hosts/types';
import { createRedactor } from '../../src/redact/redactor';
import { parseRunbook } from '../../src/runbook/parse';
import { LocalExecutor } from '../../src/ssh/local';
import type { Executor } from '../../src/ssh/types';
import { fixtureSession, localGroup, TEXT } from './runbookFixture';

describe('engine/progression: Run All with automatic progression', () => {
  it('follows the decisions and stops at the critical finding, naming the proposed next step', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const seen: string[] = [];
      const result = await runProgression({
        from: runbook.steps[0],
        hosts: [localHost()],
        run: (step, hosts, confirmation) => session.run(step, hosts, { confirmation }),
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
        hosts: [localHost()],
        run: (step, hosts, confirmation) => session.run(step, hosts, { confirmation }),
        confirm: async (question) => (asked.push(question.step.key), undefined),
      });
      assert.deepEqual(asked, ['fix']);
      assert.equal(declined.reason, 'confirm');
      assert.equal(declined.steps.length, 0, 'nothing ran');

      const confirmed = await runProgression({
        from: fix,
        hosts: [localHost()],
        run: (step, hosts, confirmation) => session.run(step, hosts, { confirmation }),
        confirm: async (question) => ({ confirmation: session.confirmation('test'), hosts: question.hosts }),
      });
      assert.equal(confirmed.steps[0].hostRuns[0].result.stdout.text, 'changed\n');
      // `slow` follows `fix` and times out: progression stops with the error, not silently.
      assert.equal(confirmed.reason, 'error');
      assert.match(confirmed.explanation, /slow.* did not finish \(local: /);
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
        hosts,
        run: (step, those, confirmation) => session.run(step, those, { confirmation }),
        confirm: async () => undefined,
        stopAtCritical: false,
      });
      assert.deepEqual(
        result.steps.map((r) => r.hostRuns.map((h) => h.host.name)),
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
        hosts: [localHost()],
        run: (step, hosts, confirmation) => session.run(step, hosts, { confirmation, signal: abort.signal }),
        confirm: async () => undefined,
        signal: abort.signal,
      });
      assert.equal(result.reason, 'cancelled');
      assert.ok(Date.now() - started < 4000, 'the sleeping step was stopped, not waited for');
    } finally {
      await close();
    }
  });

  it('lets each host of a group follow its own findings: the outlier goes to its branch, the others end', async () => {
    // One check, two outcomes: web-2 sees many TIME_WAIT (critical, goes to `fix`), web-1 and web-3 end.
    const text = `# Per host

\`\`\`sh {id=count}
case "$RUNBOOK_HOST" in web-2) echo 5000;; *) echo 10;; esac
\`\`\`

\`\`\`check
parse: numbers
options: { names: [timewait] }
findings:
  - when: timewait > 1000
    severity: critical
    message: "{{timewait}} in TIME_WAIT"
    next: fix
next: end
\`\`\`

\`\`\`sh {id=fix confirm}
echo fixed
\`\`\`
`;
    const runbook = parseRunbook(text, 'per-host.runbook.md');
    const local = new LocalExecutor();
    // Each "host" runs here, told its name, as real hosts differ by their own state.
    const executorFor = (h: HostConfig): Executor => ({
      host: h.name,
      exec: (req) => local.exec({ ...req, script: `RUNBOOK_HOST=${h.name}\n${req.script}` }),
      close: async () => {},
    });
    const session = new IncidentSession({ runbook, params: {}, executorFor, redactor: createRedactor() });
    try {
      const hosts = localGroup(['web-1', 'web-2', 'web-3']);
      const asked: { step: string; hosts: string[]; ledBy: string[] }[] = [];
      const result = await runProgression({
        from: runbook.steps[0],
        hosts,
        // Tell each host who it is, as a real host would differ by its own state.
        run: (step, those, confirmation) => session.run(step, those, { confirmation }),
        confirm: async (q) => (asked.push({ step: q.step.key, hosts: q.hosts.map((h) => h.name), ledBy: q.ledBy.map((r) => r.host.name) }), undefined),
        stopAtCritical: false,
      });
      const verdicts = Object.fromEntries(result.hosts.map((h) => [h.host.name, h.reason]));
      assert.deepEqual(verdicts, { 'web-1': 'end', 'web-2': 'confirm', 'web-3': 'end' });
      assert.deepEqual(asked, [{ step: 'fix', hosts: ['web-2'], ledBy: ['web-2'] }], 'only the critical host reaches the fix, and is asked about');
      assert.deepEqual(
        result.steps[0].routes.map((r) => [r.next?.key ?? 'end', r.hosts.map((h) => h.host.name), r.severity]),
        [
          ['fix', ['web-2'], 'critical'],
          ['end', ['web-1', 'web-3'], undefined],
        ],
      );
      assert.equal(result.steps[0].decision.next, undefined, 'no host decides for the group');
    } finally {
      session.close();
      await local.close();
    }
  });

  describe('a suspected cause is confirmed by its read-only steps before progression stops', () => {
    const text = (verdict: string) => `# Cap

\`\`\`sh {id=count}
echo 9
\`\`\`

\`\`\`check
parse: numbers
options: { names: [held] }
findings:
  - when: held > 5
    severity: critical
    message: "{{held}} connections held by one client"
    cause: conn-cap
    verify: [capture]
next: end
\`\`\`

\`\`\`sh {id=fix confirm}
echo changed
\`\`\`

\`\`\`sh {id=capture}
echo ${verdict}
\`\`\`

\`\`\`check
parse: lines
findings:
  - when: count > 0 and lines[0] == "fin-after-accept"
    severity: critical
    message: "the server closes right after accept"
    confirms: conn-cap
  - when: count > 0 and lines[0] == "data-served"
    severity: info
    message: "the server served the client"
    refutes: conn-cap
next: end
\`\`\`
`;
    const run = async (verdict: string) => {
      const { runbook, session, close } = fixtureSession(text(verdict));
      try {
        return await runProgression({
          from: runbook.steps[0],
          hosts: [localHost()],
          run: (step, hosts, confirmation) => session.run(step, hosts, { confirmation }),
          confirm: async () => assert.fail('no host change without a yes'),
          findStep: (id) => findStep(runbook, id),
        });
      } finally {
        await close();
      }
    };

    it('confirmed: the capture step ran, and the cause is named the root cause', async () => {
      const result = await run('fin-after-accept');
      assert.deepEqual(
        result.hosts[0].path.map((s) => s.key),
        ['count', 'capture'],
      );
      assert.equal(result.reason, 'critical');
      assert.deepEqual(result.verdicts, ['Root cause (confirmed): the server closes right after accept']);
    });

    it('refuted: progression goes on as if the suspicion had not been raised', async () => {
      const result = await run('data-served');
      assert.deepEqual(
        result.hosts[0].path.map((s) => s.key),
        ['count', 'capture'],
      );
      assert.equal(result.reason, 'end');
      assert.deepEqual(result.verdicts, ['Refuted: conn-cap (9 connections held by one client)']);
    });

    it('unconfirmed: it stops at the critical finding and says it was not confirmed', async () => {
      const result = await run('nothing-either-way');
      assert.equal(result.reason, 'critical');
      assert.match(result.explanation, /not confirmed: its confirming step \(capture\) did not confirm it/);
      assert.deepEqual(result.verdicts, ['Suspected cause (unconfirmed): 9 connections held by one client']);
    });
  });
});
