// The local executor runs real /bin/sh scripts: streaming, exit codes, signals, timeout and
// cancel killing the whole process group (checked with ps), and capped capture of big outputs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalExecutor } from '../../src/ssh/local';

/** Processes whose command line contains `marker` (a unique sleep duration), from ps. */
function processesWith(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

async function waitGone(marker: string, ms: number): Promise<string[]> {
  const until = Date.now() + ms;
  let left = processesWith(marker);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesWith(marker);
  }
  return left;
}

describe('ssh/local: LocalExecutor', function () {
  this.timeout(30000);
  const executor = new LocalExecutor({ killGraceMs: 300 });
  let spill: string;
  before(() => (spill = mkdtempSync(path.join(os.tmpdir(), 'local-exec-'))));
  after(async () => {
    await executor.close();
    rmSync(spill, { recursive: true, force: true });
  });

  it('streams stdout and stderr in the order they are written, and captures both', async () => {
    const events: string[] = [];
    const result = await executor.exec({
      script: 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three',
      timeoutMs: 5000,
      onStdout: (c) => events.push(`out:${c.trim()}`),
      onStderr: (c) => events.push(`err:${c.trim()}`),
    });
    assert.deepEqual(events, ['out:one', 'err:two', 'out:three']);
    assert.equal(result.stdout.text, 'one\nthree\n');
    assert.equal(result.stderr.text, 'two\n');
    assert.equal(result.termination, 'exit');
    assert.equal(result.exitCode, 0);
    assert.equal(result.host, 'local');
    assert.ok(result.durationMs >= 200, `duration ${result.durationMs}`);
    assert.ok(result.timings?.firstByteMs !== undefined);
  });

  it('reports the exit code of a failing script', async () => {
    const result = await executor.exec({ script: 'echo nope >&2; exit 3', timeoutMs: 5000 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.termination, 'exit');
    assert.equal(result.error, undefined);
  });

  it('reports a script killed by a signal', async () => {
    const result = await executor.exec({ script: 'kill -KILL $$', timeoutMs: 5000 });
    assert.equal(result.termination, 'signal');
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.exitCode, null);
  });

  it('timeout kills a sleeping child and a child that traps TERM', async () => {
    const marker = `${1000 + (process.pid % 1000)}.37`;
    const started = Date.now();
    const result = await executor.exec({
      script: `sleep ${marker} & sh -c 'trap "" TERM; sleep ${marker}' & echo started; wait`,
      timeoutMs: 500,
    });
    assert.equal(result.termination, 'timeout');
    assert.equal(result.error?.kind, 'timeout');
    assert.equal(result.stdout.text, 'started\n');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(await waitGone(marker, 2000), []);
  });

  it('cancel through an AbortSignal stops the whole group', async () => {
    const marker = `${2000 + (process.pid % 1000)}.41`;
    const controller = new AbortController();
    const run = executor.exec({
      script: `echo ready; sleep ${marker}`,
      timeoutMs: 60000,
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    const result = await run;
    assert.equal(result.termination, 'cancelled');
    assert.equal(result.error?.kind, 'cancelled');
    assert.deepEqual(await waitGone(marker, 2000), []);
  });

  it('an already-cancelled request does not start', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await executor.exec({ script: `touch ${spill}/should-not-exist`, timeoutMs: 1000, signal: controller.signal });
    assert.equal(result.termination, 'cancelled');
    assert.throws(() => statSync(`${spill}/should-not-exist`));
  });

  it('keeps 200 MB of output out of memory: capped text, full spill file', async () => {
    const heapBefore = process.memoryUsage().rss;
    let streamed = 0;
    const result = await executor.exec({
      script: 'head -c 209715200 /dev/zero | tr "\\0" "x"; echo done >&2',
      timeoutMs: 60000,
      outputCapBytes: 64 * 1024,
      spillDir: spill,
      onStdout: (c) => (streamed += c.length),
    });
    assert.equal(result.termination, 'exit');
    assert.equal(result.stdout.bytes, 209715200);
    assert.equal(streamed, 209715200);
    assert.equal(result.stdout.truncated, true);
    assert.equal(result.stdout.text.length, 64 * 1024);
    assert.ok(result.stdout.fullPath?.startsWith(spill));
    assert.equal(statSync(result.stdout.fullPath!).size, 209715200);
    assert.equal(result.stderr.text, 'done\n');
    assert.equal(result.stderr.truncated, false);
    const grown = process.memoryUsage().rss - heapBefore;
    assert.ok(grown < 100 * 1024 * 1024, `rss grew by ${Math.round(grown / 1e6)} MB`);
  });

  it('does not split a UTF-8 character at the cap', async () => {
    const result = await executor.exec({ script: 'printf "ab\\344\\275\\240cd"', timeoutMs: 5000, outputCapBytes: 3, spillDir: spill });
    assert.equal(result.stdout.text, 'ab');
    assert.equal(result.stdout.truncated, true);
    assert.equal(readFileSync(result.stdout.fullPath!, 'utf8'), 'ab你cd');
  });

  it('does not wait forever for a background job that keeps the output open', async () => {
    const marker = `${3000 + (process.pid % 1000)}.43`;
    const started = Date.now();
    const result = await executor.exec({ script: `sleep ${marker} & echo bye`, timeoutMs: 60000 });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.text, 'bye\n');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(await waitGone(marker, 2000), []);
  });
});
