// Evidence files over the real sshd: fetched with SFTP on the connection the steps already use (one
// login for exec and fetch), with a size cap checked before and while reading, and clear errors for a
// missing file, a folder and a host without the sftp subsystem; the local executor copies with the same rules.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalExecutor } from '../../src/ssh/local';
import { SshPool } from '../../src/ssh/pool';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { recordingPrompter } from './support';

describe('ssh: fetching evidence files (SFTP)', function () {
  this.timeout(60000);
  let bed: TestSshd;
  let noSftp: TestSshd;
  let dir: string;
  const pools: SshPool[] = [];
  const pool = () => {
    const p = new SshPool({ prompter: recordingPrompter() });
    pools.push(p);
    return p;
  };

  before(async () => {
    bed = await startTestSshd({ firstAddress: 60, extraConfig: ['Subsystem sftp internal-sftp'] });
    noSftp = await startTestSshd({ firstAddress: 61 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fetch-'));
    fs.chmodSync(dir, 0o755);
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.closeAll()));
    await bed?.stop();
    await noSftp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a file a step wrote, byte for byte, over the same connection as the step', async () => {
    const file = path.join(dir, 'cap.bin');
    const executor = pool().executor(bed.hostConfig(bed.addresses[0]!));
    const before = bed.countLog(/Accepted publickey/);
    const r = await executor.exec({ script: `head -c 70000 /dev/urandom > ${file}; chmod 644 ${file}`, timeoutMs: 10000 });
    assert.equal(r.exitCode, 0, r.stderr.text);
    const fetched = await executor.fetchFile!({ remotePath: file, maxBytes: 1_000_000 });
    const local = fs.readFileSync(file);
    assert.equal(fetched.data.length, 70000);
    assert.equal(createHash('sha256').update(fetched.data).digest('hex'), createHash('sha256').update(local).digest('hex'));
    await bed.waitForLog(/subsystem.*sftp/i);
    assert.equal(bed.countLog(/Accepted publickey/) - before, 1, 'one login for the step and the fetch');
  });

  it('refuses a file over the cap, a missing file and a folder, each saying why', async () => {
    const file = path.join(dir, 'big.txt');
    fs.writeFileSync(file, 'x'.repeat(5000));
    const executor = pool().executor(bed.hostConfig(bed.addresses[0]!));
    await assert.rejects(executor.fetchFile!({ remotePath: file, maxBytes: 4096 }), /5000 bytes, over the fetch cap of 4096 bytes: not fetched/);
    await assert.rejects(executor.fetchFile!({ remotePath: path.join(dir, 'nope.pcap'), maxBytes: 4096 }), /no such file on the host/);
    await assert.rejects(executor.fetchFile!({ remotePath: dir, maxBytes: 4096 }), /is not a regular file/);
    // The connection is still good for the next step.
    const r = await executor.exec({ script: 'echo still-here', timeoutMs: 10000 });
    assert.equal(r.stdout.text, 'still-here\n');
  });

  it('a host without the sftp subsystem: a channel error that says how to enable it', async () => {
    const executor = pool().executor(noSftp.hostConfig(noSftp.addresses[0]!));
    await assert.rejects(executor.fetchFile!({ remotePath: '/etc/hostname', maxBytes: 4096 }), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'channel');
      assert.match(err.message, /refused the SFTP subsystem/);
      return true;
    });
  });

  it('the local executor copies with the same cap and errors', async () => {
    const file = path.join(dir, 'local.log');
    fs.writeFileSync(file, 'line 1\nline 2\n');
    const local = new LocalExecutor();
    const fetched = await local.fetchFile({ remotePath: file, maxBytes: 100 });
    assert.equal(fetched.data.toString(), 'line 1\nline 2\n');
    await assert.rejects(local.fetchFile({ remotePath: file, maxBytes: 5 }), /over the fetch cap of 5 bytes/);
    await assert.rejects(local.fetchFile({ remotePath: path.join(dir, 'missing'), maxBytes: 5 }), /no such file/);
  });
});
