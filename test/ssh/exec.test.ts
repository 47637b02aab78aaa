// Running steps over the pool against a real sshd: reuse, session limits, timeouts and cancel that
// leave nothing behind, dead and frozen connections, big outputs.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { SshPool } from '../../src/ssh/pool';
import type { ExecRequest } from '../../src/ssh/types';
import { processesRunning, signalPids } from '../../src/testbed/processes';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { isRoot } from '../../src/testbed/users';
import { killLeftovers, leftovers, recordingPrompter, uniqueSleep } from './support';

function peakSessions(log: string): number {
  let open = 0;
  let peak = 0;
  for (const line of log.split('\n')) {
    if (/session_new: session/.test(line)) peak = Math.max(peak, ++open);
    if (/Close session: /.test(line)) open--;
  }
  return peak;
}

describe('ssh: running steps against a real sshd', function () {
  this.timeout(60000);
  let bed: TestSshd;
  let pool: SshPool;
  let user: string;
  const step = (script: string, extra: Partial<ExecRequest> = {}, who = user) =>
    pool.executor(bed.hostConfig(bed.addresses[0]!, who)).exec({ script, timeoutMs: 10000, ...extra });

  before(async () => {
    bed = await startTestSshd({ maxSessions: 3 });
    // root's own shell rc files may be slow; the plain test user keeps the bulk tests quick.
    user = bed.users.test ?? bed.users.current;
  });
  beforeEach(() => {
    pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 700 });
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  after(async () => {
    await bed?.stop();
  });

  it('runs 50 steps over ONE connection and ONE persistent shell (one login, one session, one exec in the sshd log)', async () => {
    const logins = bed.countLog(/Accepted publickey/);
    const sessions = bed.countLog(/session_new: session/);
    const execs = bed.countLog(/req exec/);
    for (let i = 0; i < 50; i++) assert.equal((await step(`echo ${i}`)).stdout.text, `${i}\n`);
    assert.equal(bed.countLog(/Accepted publickey/) - logins, 1);
    assert.equal(bed.countLog(/session_new: session/) - sessions, 1);
    assert.equal(bed.countLog(/req exec/) - execs, 1);
  });

  it('with persistentShell off, 50 steps are 50 sessions on one connection (the fallback path)', async () => {
    pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 700, persistentShell: false });
    const logins = bed.countLog(/Accepted publickey/);
    const sessions = bed.countLog(/session_new: session/);
    const execs = bed.countLog(/req exec/);
    for (let i = 0; i < 50; i++) assert.equal((await step(`echo ${i}`)).stdout.text, `${i}\n`);
    assert.equal(bed.countLog(/Accepted publickey/) - logins, 1);
    assert.equal(bed.countLog(/session_new: session/) - sessions, 50);
    assert.equal(bed.countLog(/req exec/) - execs, 50);
  });

  it('reports exit codes, signals, separate streams and whole UTF-8 characters', async () => {
    const r = await step('echo out; echo err >&2; exit 3');
    assert.deepEqual([r.termination, r.exitCode, r.stdout.text, r.stderr.text], ['exit', 3, 'out\n', 'err\n']);
    const killed = await step('kill -TERM $$');
    assert.deepEqual([killed.termination, killed.signal], ['signal', 'SIGTERM']);
    const chunks: string[] = [];
    const euro = await step(`printf '\\342'; sleep 0.3; printf '\\202\\254\\n'`, { onStdout: (c) => chunks.push(c) });
    assert.equal(euro.stdout.text, '€\n');
    assert.ok(
      chunks.every((c) => !c.includes('\uFFFD')),
      JSON.stringify(chunks),
    );
    assert.ok(r.timings!.channelMs! >= 0 && r.timings!.firstByteMs! > 0);
  });

  it('with MaxSessions 3, three timed-out `sleep` steps do not block the next step', async () => {
    const s = uniqueSleep();
    try {
      const timedOut = await Promise.all([1, 2, 3].map(() => step(`sleep ${s}`, { timeoutMs: 1000 }, bed.users.current)));
      assert.deepEqual(
        timedOut.map((r) => r.termination),
        ['timeout', 'timeout', 'timeout'],
      );
      assert.equal(timedOut[0]!.error?.kind, 'timeout');
      assert.deepEqual(await leftovers(`sleep ${s}`), []);
      const ok = await step('echo ok', {}, bed.users.current);
      assert.equal(ok.stdout.text, 'ok\n', ok.error?.message);
    } finally {
      killLeftovers(`sleep ${s}`);
    }
  });

  if (isRoot()) {
    it('a timeout ends the remote process for root, where sshd refuses signals (kill over a second channel)', async () => {
      pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 700, persistentShell: false });
      const s = uniqueSleep();
      try {
        const r = await step(`sleep ${s}`, { timeoutMs: 800 }, 'root');
        assert.equal(r.termination, 'timeout');
        assert.ok(bed.countLog(/session signalling requires privilege separation/) > 0);
        assert.deepEqual(await leftovers(`sleep ${s}`), []);
      } finally {
        killLeftovers(`sleep ${s}`);
      }
    });
  }

  if (isRoot()) {
    it('a timeout ends the remote process for a normal user through the ssh signal (killpg in the sshd log)', async () => {
      pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 700, persistentShell: false });
      const s = uniqueSleep();
      try {
        const before = bed.countLog(/killpg\(\d+, 15\)/);
        const r = await step(`sleep ${s}`, { timeoutMs: 800 }, bed.users.test);
        assert.equal(r.termination, 'timeout');
        assert.equal(r.signal, 'SIGTERM');
        assert.equal(bed.countLog(/killpg\(\d+, 15\)/) - before, 1);
        assert.deepEqual(await leftovers(`sleep ${s}`), []);
      } finally {
        killLeftovers(`sleep ${s}`);
      }
    });
  }

  for (const who of ['test', 'current'] as const) {
    it(`cancel escalates to KILL for a step that ignores TERM (${who} user)`, async function () {
      const login = who === 'test' ? bed.users.test : bed.users.current;
      if (!login) return;
      const s = uniqueSleep();
      const controller = new AbortController();
      try {
        const running = step(`trap '' TERM; sleep ${s} & wait; sleep ${s}`, { signal: controller.signal, timeoutMs: 60000 }, login);
        await waitFor(() => leftoversNow(`sleep ${s}`) > 0);
        const began = Date.now();
        controller.abort();
        const r = await running;
        assert.equal(r.termination, 'cancelled');
        assert.equal(r.error?.kind, 'cancelled');
        assert.equal(r.signal, 'SIGKILL');
        assert.ok(Date.now() - began < 5000);
        assert.deepEqual(await leftovers(`sleep ${s}`), []);
      } finally {
        killLeftovers(`sleep ${s}`);
      }
    });
  }

  it('sshd killed mid-step: connection-lost with a socket error, and the next step reconnects', async () => {
    const s = uniqueSleep();
    try {
      assert.equal((await step('echo warm')).termination, 'exit');
      const running = step(`sleep ${s}`, { timeoutMs: 30000 });
      await waitFor(() => leftoversNow(`sleep ${s}`) > 0);
      const execs = bed.countLog(/req exec/);
      signalPids(bed.connectionPids(), 'SIGKILL');
      const r = await running;
      assert.equal(r.termination, 'connection-lost');
      assert.equal(r.error?.kind, 'socket');
      assert.match(r.error!.message, /outcome is unknown; it was not re-run/);
      const next = await step('echo again');
      assert.equal(next.stdout.text, 'again\n', next.error?.message);
      assert.ok(next.timings?.connectMs !== undefined, 'a new connection was made');
      assert.equal(bed.countLog(/req exec/) - execs, 1, 'the interrupted step was not re-run');
    } finally {
      killLeftovers(`sleep ${s}`);
    }
  });

  it('a frozen connection (sshd stopped) is detected by keepalive within interval x count', async () => {
    const s = uniqueSleep();
    const host = bed.hostConfig(bed.addresses[0]!, user, { serverAliveInterval: 1, serverAliveCountMax: 2 });
    let frozen: number[] = [];
    try {
      const ex = pool.executor(host);
      assert.equal((await ex.exec({ script: 'echo warm', timeoutMs: 5000 })).termination, 'exit');
      const running = ex.exec({ script: `sleep ${s}`, timeoutMs: 30000 });
      await waitFor(() => leftoversNow(`sleep ${s}`) > 0);
      frozen = bed.connectionPids();
      signalPids(frozen, 'SIGSTOP');
      const began = Date.now();
      const r = await running;
      const took = Date.now() - began;
      assert.equal(r.termination, 'connection-lost');
      assert.equal(r.error?.kind, 'keepalive');
      assert.ok(took >= 1000 && took < 3500, `detected after ${took} ms`);
    } finally {
      signalPids(frozen, 'SIGKILL');
      killLeftovers(`sleep ${s}`);
    }
  });

  for (const persistentShell of [true, false]) {
    it(`6 concurrent steps on a MaxSessions 2 server all complete, never more than 2 sessions at once (persistent shell ${persistentShell ? 'on' : 'off'})`, async () => {
      pool = new SshPool({ prompter: recordingPrompter(), killGraceMs: 700, persistentShell });
      const narrow = await startTestSshd({ firstAddress: 20, maxSessions: 2 });
      try {
        const before = narrow.log();
        const ex = pool.executor(narrow.hostConfig(narrow.addresses[0]!, narrow.users.test ?? narrow.users.current));
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ex.exec({ script: `sleep 0.5; echo ${i}`, timeoutMs: 20000 })));
        assert.deepEqual(
          results.map((r) => r.stdout.text),
          ['0\n', '1\n', '2\n', '3\n', '4\n', '5\n'],
        );
        assert.ok(peakSessions(narrow.log().slice(before.length)) <= 2);
        // Two persistent shells serve the six steps; without them each step is a session.
        assert.equal(narrow.countLog(/session_new: session/), persistentShell ? 2 : 6);
      } finally {
        await narrow.stop();
      }
    });
  }

  it('1 GB of output: kept in full in a spill file, memory stays bounded', async () => {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const r = await step('head -c 1073741824 /dev/zero; echo done >&2', { timeoutMs: 120000, outputCapBytes: 1024 * 1024 });
    clearInterval(sampler);
    try {
      assert.equal(r.termination, 'exit', r.error?.message);
      assert.equal(r.stdout.bytes, 1073741824);
      assert.equal(r.stdout.truncated, true);
      assert.equal(statSync(r.stdout.fullPath!).size, 1073741824);
      assert.ok(r.stdout.text.length < 1024 * 1024 + 200);
      assert.match(r.stdout.text, /bytes not shown; the full output is in/);
      assert.equal(r.stderr.text, 'done\n');
      assert.ok(peak - rssBefore < 100 * 1024 * 1024, `RSS grew by ${Math.round((peak - rssBefore) / 1e6)} MB`);
    } finally {
      if (r.stdout.fullPath) rmSync(r.stdout.fullPath, { force: true });
    }
  });
});

function leftoversNow(text: string): number {
  return processesRunning(text).length;
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
