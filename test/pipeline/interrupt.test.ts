// Ctrl-C (SIGINT) or SIGTERM during `runbook run`: the remote step is killed as a timeout would kill
// it (nothing of it left on the host), the journal records the cancel, what was captured is kept, and
// the exit code is 130 or 143. The CLI runs as its own process, the step on a real sshd.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { processesRunning } from '../../src/testbed/processes';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

// tsx by its file URL: the CLI runs in the test's folder, where `tsx` would not resolve by name.
const CLI = ['--import', pathToFileURL(require.resolve('tsx')).href, path.resolve('src/cli/main.ts')];

function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    const tick = () => (check() ? resolve(true) : Date.now() > deadline ? resolve(false) : setTimeout(tick, 100));
    tick();
  });
}

describe('runbook run: SIGINT and SIGTERM stop the remote step', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let dir: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 147 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-interrupt-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: exit ${code}, no process of the step left on the host, the cancel journaled, the output kept`, async () => {
      const tick = `1.0${signal === 'SIGINT' ? 4 : 5}31${process.pid % 97}`;
      const file = path.join(dir, 'runbooks', `${signal}.runbook.md`);
      fs.writeFileSync(
        file,
        `# Long\n\n\`\`\`sh {id=long timeout=60s}\necho started-${signal}\nfor i in 1 2 3 4 5 6 7 8 9 10; do sleep ${tick}; done\n\`\`\`\n`,
      );
      const child = spawn(process.execPath, [...CLI, 'run', file, '--host', 'testbed-1', '-F', sshd.sshConfigPath, '--incident', signal], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.ok(await waitFor(() => processesRunning(`sleep ${tick}`).length > 0, 30_000), `the step started on the host: ${out}`);
      const sentAt = Date.now();
      child.kill(signal);
      const status = await exited;
      assert.equal(status, code, out);
      assert.ok(Date.now() - sentAt < 15_000, 'it stopped promptly');
      assert.ok(await waitFor(() => processesRunning(`sleep ${tick}`).length === 0, 5_000), 'nothing of the step is left on the host');

      const incidents = path.join(dir, 'incidents');
      const journal = fs
        .readdirSync(incidents)
        .find((f) => f.startsWith(new Date().toISOString().slice(0, 10)) && f.includes(signal.toLowerCase()) && f.endsWith('.journal.jsonl'));
      assert.ok(journal, fs.readdirSync(incidents).join(', '));
      const entries = fs
        .readFileSync(path.join(incidents, journal), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; termination?: string; outputRef?: string });
      const end = entries.find((e) => e.type === 'step-end');
      assert.equal(end?.termination, 'cancelled', JSON.stringify(entries));
      assert.match(
        fs.readFileSync(path.join(incidents, end!.outputRef!), 'utf8'),
        new RegExp(`started-${signal}`),
        'what was captured before the cancel is kept',
      );
    });
  }

  it('a sequential run that loses its connection stops there and says so; the next step does not run', async () => {
    const file = path.join(dir, 'runbooks', 'lost.runbook.md');
    const tick = `1.0631${process.pid % 97}`;
    fs.writeFileSync(
      file,
      `# Lost\n\n\`\`\`sh {id=first timeout=30s}\nsleep ${tick}; sleep ${tick}; sleep ${tick}; echo first-done\n\`\`\`\n\n\`\`\`sh {id=second}\necho second-ran\n\`\`\`\n`,
    );
    const child = spawn(process.execPath, [...CLI, 'run', file, '--host', 'testbed-1', '-F', sshd.sshConfigPath, '--step', 'first', '--step', 'second'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.ok(await waitFor(() => processesRunning(`sleep ${tick}`).length > 0, 30_000), out);
    // The network goes: every per-connection sshd process dies.
    for (const pid of sshd.connectionPids()) process.kill(pid, 'SIGKILL');
    const status = await exited;
    assert.equal(status, 1, out);
    assert.match(out, /Stopped: the connection was lost during first/);
    assert.doesNotMatch(out, /second-ran/);
  });
});
