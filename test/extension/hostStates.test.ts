// The Hosts view's connection state, from real runs on this machine: a step that exits non-zero
// still reached the host; a host that cannot be reached is failed with the reason.
import assert from 'node:assert/strict';
import { HostStates } from '../../src/extension/hostStates';
import { localHost } from '../../src/hosts/targets';
import { createRedactor } from '../../src/redact/redactor';
import { parseRunbook } from '../../src/runbook/parse';
import { IncidentSession } from '../../src/engine/session';
import { LocalExecutor } from '../../src/ssh/local';
import { SshPool } from '../../src/ssh/pool';

describe('extension/hostStates: connection state per host', () => {
  it('is idle, then running, then connected, even when the step exits 1', async () => {
    const states = new HostStates();
    const seen: string[] = [];
    states.onChange(() => seen.push(states.get('local').state));
    assert.equal(states.get('local').state, 'idle');
    const runbook = parseRunbook('# t\n\n```sh {id=fails}\necho no; exit 1\n```\n', 't.runbook.md');
    const local = new LocalExecutor();
    const session = new IncidentSession({
      runbook,
      params: {},
      executorFor: () => local,
      redactor: createRedactor(),
      observer: { started: (r) => states.started(r.host.name), ended: (r) => states.ended(r) },
    });
    try {
      await session.run(runbook.steps[0], [localHost()]);
    } finally {
      session.close();
      await local.close();
    }
    assert.deepEqual(seen, ['running', 'connected']);
    assert.match(states.get('local').detail ?? '', /fails: exit 1/);
  });

  it('is failed with the reason when the host refuses the connection', async () => {
    const states = new HostStates();
    const runbook = parseRunbook('# t\n\n```sh {id=a}\necho hi\n```\n', 't.runbook.md');
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const host = { ...localHost(), name: 'nowhere', kind: 'ssh' as const, hostname: '127.0.0.1', port: 1, user: 'nobody' };
    const pool = new SshPool({ prompter: { askSecret: async () => undefined, confirm: async () => false } });
    const session = new IncidentSession({
      runbook,
      params: {},
      executorFor: (h) => pool.executor(h),
      redactor: createRedactor(),
      observer: { ended: (r) => states.ended(r) },
    });
    try {
      await session.run(runbook.steps[0], [host]);
    } finally {
      session.close();
      await pool.closeAll();
    }
    assert.equal(states.get('nowhere').state, 'failed');
    assert.match(states.get('nowhere').detail ?? '', /^socket: /);
  });
});
