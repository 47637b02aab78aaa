// Host key checking and login against a real sshd from src/testbed (OpenSSH 9.2 on this machine).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostConfig } from '../../src/hosts/types';
import { checkKnownHost, fingerprintSha256, parseKnownHosts } from '../../src/ssh/knownHosts';
import { SshPool } from '../../src/ssh/pool';
import type { Prompter } from '../../src/base/prompter';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { recordingPrompter } from './support';

describe('ssh: host keys and login against a real sshd', function () {
  this.timeout(30000);
  let bed: TestSshd;
  let logLines: string[];
  const pools: SshPool[] = [];
  const newPool = (prompter: Prompter) => {
    const pool = new SshPool({ prompter, log: (l) => logLines.push(l) });
    pools.push(pool);
    return pool;
  };
  const run = (host: HostConfig, prompter: Prompter = recordingPrompter()) => newPool(prompter).executor(host).exec({ script: 'echo ok', timeoutMs: 10000 });

  before(async () => {
    bed = await startTestSshd({ addresses: 2 });
  });
  beforeEach(() => {
    logLines = [];
    bed.writeKnownHosts();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.closeAll()));
  });
  after(async () => {
    await bed?.stop();
  });

  it('logs in with a key file and runs a step', async () => {
    const r = await run(bed.hostConfig(bed.addresses[0]!));
    assert.equal(r.termination, 'exit', r.error?.message);
    assert.equal(r.stdout.text, 'ok\n');
  });

  it('logs in through a real ssh-agent loaded with ssh-add', async () => {
    const agentDir = join(bed.dir, 'agent');
    const out = execFileSync('ssh-agent', ['-s', '-a', join(bed.dir, 'agent.sock')], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)![1]);
    try {
      const sock = join(bed.dir, 'agent.sock');
      execFileSync('ssh-add', [bed.clientKey.privatePath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
      const r = await run(bed.hostConfig(bed.addresses[0]!, undefined, { identityFiles: [join(agentDir, 'none')], identityAgent: sock }));
      assert.equal(r.termination, 'exit', r.error?.message);
      assert.equal(r.stdout.text, 'ok\n');
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });

  it('asks once for the passphrase of an encrypted key and never logs it', async () => {
    const prompter = recordingPrompter({ secret: bed.encryptedClientKey.passphrase });
    const pool = newPool(prompter);
    const ex = pool.executor(bed.hostConfig(bed.addresses[0]!, undefined, { identityFiles: [bed.encryptedClientKey.privatePath] }));
    for (let i = 0; i < 3; i++) assert.equal((await ex.exec({ script: 'echo ok', timeoutMs: 10000 })).stdout.text, 'ok\n');
    assert.equal(prompter.secrets.length, 1);
    assert.match(prompter.secrets[0]!, /Passphrase for key .*client_encrypted/);
    assert.ok(!logLines.join('\n').includes(bed.encryptedClientKey.passphrase));
    assert.ok(!bed.log().includes(bed.encryptedClientKey.passphrase));
  });

  it('reports a refused password as an auth error naming what was tried', async () => {
    const prompter = recordingPrompter({ secret: 'not-the-password' });
    const withPasswords = await startTestSshd({ firstAddress: 40, passwordAuthentication: true });
    try {
      const r = await run(withPasswords.hostConfig(withPasswords.addresses[0]!, undefined, { identityFiles: [] }), prompter);
      assert.equal(r.termination, 'error');
      assert.equal(r.error?.kind, 'auth');
      assert.match(r.error!.message, /Could not log in to .*Tried: password\. The server accepts: publickey, password\./);
      assert.match(r.error!.hint!, /ssh-add|IdentityFile/);
      assert.equal(prompter.secrets.length, 1);
      assert.ok(!r.error!.message.includes('not-the-password'));
    } finally {
      await withPasswords.stop();
    }
  });

  it('asks about an unknown host key with the ssh-keygen -lf fingerprint, records it only when accepted', async () => {
    bed.writeKnownHosts({ omit: [bed.addresses[0]!] });
    const before = readFileSync(bed.knownHostsPath, 'utf8');
    const host = bed.hostConfig(bed.addresses[0]!, undefined, { strictHostKeyChecking: 'ask' });
    const expected = execFileSync('ssh-keygen', ['-lf', `${bed.hostKey.privatePath}.pub`], { encoding: 'utf8' }).split(' ')[1]!;

    const loginsBefore = bed.countLog(/Accepted publickey/);
    const declining = recordingPrompter({ confirm: false });
    const refused = await run(host, declining);
    assert.equal(refused.error?.kind, 'host-key-unknown');
    assert.equal(declining.confirms.length, 1);
    assert.ok(declining.confirms[0]!.detail.includes(`ED25519 key fingerprint is ${expected}`), declining.confirms[0]!.detail);
    assert.equal(readFileSync(bed.knownHostsPath, 'utf8'), before);
    // Refused before login: sshd saw no authentication attempt from us.
    assert.equal(bed.countLog(/Accepted publickey/), loginsBefore);

    const accepting = recordingPrompter({ confirm: true });
    const ok = await run(host, accepting);
    assert.equal(ok.termination, 'exit', ok.error?.message);
    const added = readFileSync(bed.knownHostsPath, 'utf8').slice(before.length);
    assert.equal(added, `[${bed.addresses[0]}]:${bed.port} ${bed.hostKey.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    // OpenSSH agrees the recorded line matches this host.
    execFileSync('ssh-keygen', ['-F', `[${bed.addresses[0]}]:${bed.port}`, '-f', bed.knownHostsPath], { stdio: 'pipe' });
  });

  it('refuses a changed host key with the known_hosts file and line and both fingerprints', async () => {
    bed.writeKnownHosts({ wrongKeyFor: [bed.addresses[1]!] });
    const before = bed.countLog(/Accepted publickey/);
    const r = await run(bed.hostConfig(bed.addresses[1]!, undefined, { strictHostKeyChecking: 'no' }));
    assert.equal(r.error?.kind, 'host-key-changed');
    assert.match(r.error!.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.ok(r.error!.message.includes(`${bed.knownHostsPath}:2`), r.error!.message);
    assert.ok(r.error!.message.includes(bed.hostKey.fingerprint));
    assert.match(r.error!.hint!, /ssh-keygen -R/);
    assert.equal(bed.countLog(/Accepted publickey/), before, 'no login happened');
  });

  it('accepts a hashed known_hosts entry (as ssh-keygen -H writes it)', async () => {
    writeFileSync(bed.knownHostsPath, `[${bed.addresses[0]}]:${bed.port} ${bed.hostKey.publicLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', bed.knownHostsPath], { stdio: 'pipe' });
    assert.match(readFileSync(bed.knownHostsPath, 'utf8'), /^\|1\|/);
    const r = await run(bed.hostConfig(bed.addresses[0]!));
    assert.equal(r.termination, 'exit', r.error?.message);
  });

  it('refuses a key marked @revoked', async () => {
    bed.writeKnownHosts({ revoked: true });
    const r = await run(bed.hostConfig(bed.addresses[0]!, undefined, { strictHostKeyChecking: 'accept-new' }));
    assert.equal(r.error?.kind, 'host-key-revoked');
  });

  it('fails closed when known_hosts cannot be read', async function () {
    if (process.getuid?.() === 0) {
      // root reads files whatever their mode; a directory in place of the file is unreadable for anyone.
      bed.writeKnownHosts();
      const host = bed.hostConfig(bed.addresses[0]!, undefined, { userKnownHostsFiles: [bed.dir] });
      const r = await run(host);
      assert.equal(r.error?.kind, 'config');
      assert.match(r.error!.message, /Cannot read known_hosts file/);
    }
  });

  it('reaches a host through a ProxyJump host, each hop verified under its own name', async () => {
    const jump = await startTestSshd({ firstAddress: 10, allowTcpForwarding: true, clientKeysFrom: bed });
    try {
      const jumpHost = jump.hostConfig(jump.addresses[0]!);
      const target = bed.hostConfig(bed.addresses[0]!, undefined, { proxyJump: [jumpHost] });
      const r = await run(target);
      assert.equal(r.termination, 'exit', r.error?.message);
      assert.equal(r.stdout.text, 'ok\n');
      assert.ok(logLines.some((l) => l.includes(`matches ${jump.knownHostsPath}`)));
      assert.ok(logLines.some((l) => l.includes(`matches ${bed.knownHostsPath}`)));
      // The target saw the login come through the jump host's forwarding.
      assert.equal(jump.countLog(/direct-tcpip|server_request_direct_tcpip/) > 0, true);

      jump.writeKnownHosts({ wrongKeyFor: jump.addresses });
      const refused = await run(target);
      assert.equal(refused.error?.kind, 'host-key-changed');
      assert.ok(refused.error!.message.includes(jump.addresses[0]!));
    } finally {
      await jump.stop();
    }
  });
});

describe('ssh/knownHosts: parsing and matching', () => {
  const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOb4l1n3sZ2c0XW9kLw3kq5y1c1Jq3N7m7O1yB8g5k8Q', 'base64');
  const key = blob.toString('base64');

  it('matches patterns with * ? and a negation that wins', () => {
    const entries = parseKnownHosts(`*.prod,!bastion.prod ssh-ed25519 ${key}\nweb?.dev ssh-ed25519 ${key}\n`, 'kh');
    assert.equal(checkKnownHost(entries, 'db.prod', 'ssh-ed25519', blob).status, 'known');
    assert.equal(checkKnownHost(entries, 'bastion.prod', 'ssh-ed25519', blob).status, 'unknown');
    assert.equal(checkKnownHost(entries, 'web1.dev', 'ssh-ed25519', blob).status, 'known');
    assert.equal(checkKnownHost(entries, 'web10.dev', 'ssh-ed25519', blob).status, 'unknown');
  });

  it('recognises @cert-authority lines without trusting them for a plain key', () => {
    const entries = parseKnownHosts(`@cert-authority *.prod ssh-ed25519 ${key}\n`, 'kh');
    const verdict = checkKnownHost(entries, 'db.prod', 'ssh-ed25519', blob);
    assert.equal(verdict.status, 'unknown');
    assert.equal(verdict.status === 'unknown' && verdict.certAuthorities.length, 1);
  });

  it('prints fingerprints as ssh-keygen -l does (no base64 padding)', () => {
    assert.match(fingerprintSha256(blob), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
