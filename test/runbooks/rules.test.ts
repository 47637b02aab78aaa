// Triage's rules on the lab's real faults and look-alike controls, step by step, on this machine
// (as root and as the unprivileged runbook-test user): each fault raises its suspicion and its
// confirming step confirms it; each control raises nothing a user would act on, and a suspicion
// raised on a control is refuted by its own confirming step. The same verdicts over SSH through
// `runbook run --auto` are in triage.e2e.test.ts.

import assert from 'node:assert/strict';
import net from 'node:net';
import { startScenario, type RunningFault } from '../../src/lab';
import { loadRunbook, raised, runStep, type LocalRun } from './localStep';

const isRoot = process.getuid?.() === 0;
const users = isRoot ? [undefined, 'runbook-test'] : [undefined];
const triage = loadRunbook('triage');
const halfOpen = loadRunbook('half-open');
const firstPass = ['conntrack-usage', 'kernel-log', 'server-sockets', 'client-cap', 'time-wait-rate', 'tcp-settings', 'client-sockets', 'listen-counters'];
// Each suspicion and the step that checks it (the `verify:` of its rule).
const verifyOf: Record<string, string> = {
  'server-sockets': 'process-open-files',
  'client-cap': 'capture',
  'time-wait-rate': 'time-wait-side',
  'client-sockets': 'peer-compare',
};

type Runs = Record<string, LocalRun>;

/** The first pass, each step seeing the earlier steps' values, then each raised suspicion's verify step. */
async function walk(vars: Record<string, string | number>, user: string | undefined, alsoVerify: string[] = []): Promise<Runs> {
  const scope = { pid: 0, netns: '', peer_netns: '', ...vars };
  const runs: Runs = {};
  const record = (id: string, run: LocalRun) => {
    runs[id] = run;
    for (const [k, v] of Object.entries(run.outcome?.values ?? {})) if (typeof v === 'string' || typeof v === 'number') (scope as Record<string, unknown>)[k] = v;
  };
  for (const id of firstPass) record(id, await runStep(triage, id, scope, user));
  for (const [id, verify] of Object.entries(verifyOf)) {
    if (raised(runs[id]).some((l) => l.startsWith('WARNING')) || alsoVerify.includes(verify)) record(verify, await runStep(triage, verify, scope, user));
  }
  return runs;
}

const actionable = (run: LocalRun | undefined) => (run ? raised(run).filter((l) => !l.startsWith('INFO')) : []);
const who = (user: string | undefined) => user ?? 'root';

describe('triage rules on the lab (local, step by step)', function () {
  this.timeout(300_000);
  let fault: RunningFault | undefined;
  afterEach(async () => {
    await fault?.stop();
    fault = undefined;
  });
  const start = async (name: string, n: number) =>
    (fault = await startScenario(name, { address: `127.0.0.${n}`, clientAddress: `127.0.0.${n + 100}`, otherClientAddress: `127.0.0.${n + 150}`, basePort: 0 }));

  for (const [control, n] of [
    ['healthy', 71],
    ['busy-server', 72],
    ['idle-client', 73],
    ['old-overflows', 74],
  ] as const) {
    it(`${control}: nothing to act on; a keepalive suspicion is refuted by the server's side`, async () => {
      const f = await start(control, n);
      for (const user of users) {
        const runs = await walk({ port: f.details.port }, user);
        for (const id of firstPass.filter((s) => s !== 'client-sockets')) assert.deepEqual(actionable(runs[id]), [], `${control} as ${who(user)}, ${id}`);
        for (const [id, run] of Object.entries(runs)) assert.ok(run.ok, `${control} as ${who(user)}: ${id} failed: ${run.stderr}`);
        if (actionable(runs['client-sockets']).length) {
          assert.deepEqual(actionable(runs['peer-compare']), [], `${control}: peer-compare`);
          assert.match(raised(runs['peer-compare'])[0] ?? '', /^INFO the server still has all \d+ connections from this host/);
        }
      }
    });
  }

  it('time-wait: suspects TIME_WAIT churn from the rate and confirms the server closes first', async () => {
    const f = await start('time-wait', 75);
    for (const user of users) {
      const runs = await walk({ port: f.details.port }, user);
      assert.match(actionable(runs['time-wait-rate']).join(), /^WARNING \d+ new TIME_WAIT per second on port \d+ \(\d+ in all\): the server closes first/);
      assert.match(actionable(runs['time-wait-side']).join(), /^CRITICAL this server closes first, about \d+ connections a second .* with 127\.0\.0\.175\)/);
      assert.deepEqual(actionable(runs['client-cap']), [], 'no cap suspected: the server holds nothing from the client');
    }
  });

  it('close-wait: CLOSE_WAIT that stays across samples, with the owner named as root', async () => {
    const f = await start('close-wait', 76);
    for (const user of users) {
      const runs = await walk({ port: f.details.port }, user);
      assert.deepEqual(actionable(runs['server-sockets']), [`WARNING 40 connections on port ${f.details.port} in CLOSE_WAIT`]);
      const owner = await runStep(triage, 'close-wait-owner', { port: f.details.port, netns: '' }, user);
      const name = user ? 'a process runbook-test cannot see \\(run as root to name it\\)' : `node \\(pid ${f.details.serverPid}\\)`;
      assert.match(raised(owner).join(), new RegExp(`^CRITICAL 40 connections on port \\d+ stayed in CLOSE_WAIT for 3 s, held by ${name}; 40 of them from 127\\.0\\.0\\.176`));
    }
  });

  it('open-files: the full accept queue is confirmed by the process at its limit (by port as root, by pid otherwise)', async () => {
    const f = await start('open-files', 77);
    for (const user of users) {
      const runs = await walk({ port: f.details.port, pid: user ? f.details.serverPid : 0 }, user);
      assert.match(actionable(runs['server-sockets']).join(), /^WARNING the accept queue of port \d+ is full \(\d+ connections wait, backlog 8\)/);
      assert.match(actionable(runs['process-open-files']).join(), new RegExp(`^CRITICAL perl \\(pid ${f.details.serverPid}\\) is at its open-files limit: 6\\d`));
    }
    if (isRoot) {
      const blind = await runStep(triage, 'process-open-files', { port: f.details.port, pid: 0 }, 'runbook-test');
      assert.equal(blind.exitCode, 3, 'not visible without pid: the step fails (inconclusive), it does not read as healthy');
      assert.match(blind.stderr, /no process listening on port \d+ is visible to runbook-test: pass pid=PID, or run as root/);
    }
  });

  for (const [name, n] of [
    ['conn-cap', 78],
    ['conn-cap-served', 79],
  ] as const) {
    it(`${name}: suspects the capped client by its own counts; the capture confirms it (root), or fails for want of sudo`, async () => {
      const f = await start(name, n);
      for (const user of users) {
        const runs = await walk({ port: f.details.port }, user);
        const others = name === 'conn-cap' ? '0 other clients hold 0' : '1 other clients hold 3';
        assert.match(actionable(runs['client-cap']).join(), new RegExp(`^WARNING 127\\.0\\.0\\.${n + 100} keeps the same 8 connections open .*\\(${others}\\)`));
        if (user) {
          assert.equal(runs.capture.ok, false, 'tcpdump through sudo -n without sudo rights fails');
          assert.match(runs.capture.stderr, /sudo/);
        } else {
          assert.match(actionable(runs.capture).join(), new RegExp(`^CRITICAL the server closed \\d+ of \\d+ connections from 127\\.0\\.0\\.${n + 100} right after the handshake`));
        }
      }
    });
  }

  if (isRoot) {
    it('busy-server as root: a capture of the busy client refutes a cap (data before the FIN)', async () => {
      const f = await start('busy-server', 80);
      const capture = await runStep(triage, 'capture', { port: f.details.port, netns: '', suspect: f.details.clientAddress });
      assert.ok(capture.ok, capture.stderr);
      assert.match(raised(capture).join(), /^INFO the server did not hang up on 127\.0\.0\.180 right after the handshake in \d+ connections: no connection cap/);
    });

    it('half-open: the server has none of the client connections (namespaces)', async () => {
      fault = await startScenario('half-open');
      const d = fault.details;
      const runs = await walk({ port: d.port, netns: d.clientNamespace, peer_netns: d.serverNamespace }, undefined);
      assert.match(actionable(runs['client-sockets']).join(), /^WARNING 2 of 2 connections from this host to port 4222 have no keepalive/);
      assert.deepEqual(actionable(runs['peer-compare']), [
        `CRITICAL half-open: this host has 2 ESTABLISHED connections to port 4222, the server has 0 of them; 2 of them have no keepalive, so the client never finds out`,
      ]);
    });
  }

  it('connections that open and close while the two ends are compared are not half-open (a busy client)', async () => {
    // One idle client stays connected; another client opens and closes connections as fast as it can
    // while peer-compare runs: a connection listed on the client and gone from the server a moment
    // later is churn, not a half-open connection (the busy-server control raised this once).
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.76', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const idle = net.connect({ host: '127.0.0.76', port, localAddress: '127.0.0.176' });
    await new Promise((resolve) => idle.once('connect', resolve));
    let churning = true;
    let opened = 0;
    const churn = async () => {
      while (churning && opened < 20_000) {
        opened++;
        await new Promise<void>((resolve) => {
          const c = net.connect({ host: '127.0.0.76', port, localAddress: '127.0.0.177' }, () => setTimeout(() => c.destroy(), 2));
          c.on('close', () => resolve());
          c.on('error', () => resolve());
        });
      }
    };
    const churners = [churn(), churn(), churn()];
    try {
      for (const [runbook, stepId, round] of [0, 1, 2].flatMap((r) => [[triage, 'peer-compare', r] as const, [halfOpen, 'server-view', r] as const])) {
        const run = await runStep(runbook, stepId, { port, netns: '', peer_netns: '', client_blind: 1 });
        assert.ok(run.ok, run.stderr);
        assert.deepEqual(actionable(run), [], `${stepId}, round ${round + 1}, ${opened} connections churned:\n${run.stdout}`);
        assert.match(raised(run)[0] ?? '', /^INFO the server still has all 1 connections from this host/);
      }
    } finally {
      churning = false;
      await Promise.all(churners);
      idle.destroy();
      server.close();
    }
  });

  it('a wrong namespace: the step fails with its reason and prints nothing to misread', async () => {
    const run = await runStep(triage, 'server-sockets', { port: 1, netns: 'rblab-no-such-namespace' });
    assert.notEqual(run.exitCode, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Cannot open network namespace "rblab-no-such-namespace"/);
  });
});
