// The lane's framing against a scripted channel, for orders of arrival a real sshd gives only sometimes:
// what follows a step's X on one stream is not the step's, even while the other stream's X is still on its way.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { SshConnection } from '../../src/ssh/connection';
import { ShellLane } from '../../src/ssh/persistentShell';

/** A channel that records what the client writes and lets the test play the remote side. */
class ScriptedChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  written = '';
  write(b: string | Buffer): boolean {
    this.written += b.toString();
    return true;
  }
  close(): void {
    this.emit('close');
  }
}

async function startLane(logLines: string[]) {
  const channel = new ScriptedChannel();
  const conn = { host: { name: 'scripted' }, exec: async () => channel } as unknown as SshConnection;
  const starting = ShellLane.start(conn, (l) => logLines.push(l), 5000);
  await new Promise((r) => setImmediate(r));
  const token = /T=([0-9a-f]{24})/.exec(channel.written)![1]!;
  const marker = (kind: string, value: string) => Buffer.from(`\x1erb${token} ${kind} ${value}\n`, 'latin1');
  const out = (...parts: (string | Buffer)[]) => channel.emit('data', Buffer.concat(parts.map((p) => Buffer.from(p))));
  const err = (...parts: (string | Buffer)[]) => channel.stderr.emit('data', Buffer.concat(parts.map((p) => Buffer.from(p))));
  out(marker('READY', '1'));
  err(marker('P', '100'));
  return { lane: await starting, marker, out, err, channel };
}

describe('ssh: persistent shell framing (scripted channel)', () => {
  it("bytes after a step's stdout X are dropped even when its stderr X comes later", async () => {
    const logLines: string[] = [];
    const { lane, marker, out, err } = await startLane(logLines);
    const got = { stdout: '', stderr: '' };
    const ended = lane.run(Buffer.from('echo now'), {
      stdout: (b) => (got.stdout += b.toString()),
      stderr: (b) => (got.stderr += b.toString()),
      pgid: () => {},
    });
    // sshd forwarded the stdout pipe (the step's line, its shell's X, then a left-over job's line) before stderr.
    out('now\n', marker('X', '0'), 'late\n');
    err('before-x\n', marker('X', '0'), 'late-err\n');
    assert.deepEqual(await ended, { kind: 'ended', status: 0, exitCode: 0 });
    assert.deepEqual(got, { stdout: 'now\n', stderr: 'before-x\n' });
    assert.equal(logLines.filter((l) => /after the step's shell exited were dropped/.test(l)).length, 2, logLines.join('\n'));
    lane.close();
  });

  it('without an X (the step replaced our EXIT trap) each stream ends at the loop E, and the next step gets its own bytes', async () => {
    const { lane, marker, out, err } = await startLane([]);
    const got = { stdout: '', stderr: '' };
    const io = { stdout: (b: Buffer) => (got.stdout += b.toString()), stderr: (b: Buffer) => (got.stderr += b.toString()), pgid: () => {} };
    const first = lane.run(Buffer.from('trap - EXIT; echo a'), io);
    out('a\n', marker('E', '0'));
    err(marker('E', '0'), marker('P', '101'));
    assert.deepEqual(await first, { kind: 'ended', status: 0, exitCode: undefined });
    const second = lane.run(Buffer.from('echo b'), io);
    out('b\n', marker('X', '0'), marker('E', '0'));
    err(marker('X', '0'), marker('E', '0'));
    assert.deepEqual(await second, { kind: 'ended', status: 0, exitCode: 0 });
    assert.deepEqual(got, { stdout: 'a\nb\n', stderr: '' });
    lane.close();
  });
});
