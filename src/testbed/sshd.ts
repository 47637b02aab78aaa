// A real OpenSSH server on loopback for tests, benchmarks, the demo and the fault lab:
// temporary host and client keys, a client ssh_config and known_hosts, a DEBUG1 log to assert on.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig } from '../hosts/types';
import { descendantsOf, signalPids } from './processes';
import { currentUser, ensureTestUser, isRoot } from './users';
import { generateKey, hashedKnownHostsLine, type KeyPair } from './keys';

const SSHD = '/usr/sbin/sshd';

export interface TestSshdOptions {
  /** How many loopback addresses to listen on, starting at 127.0.0.<firstAddress>. */
  addresses?: number;
  firstAddress?: number;
  port?: number;
  maxSessions?: number;
  allowTcpForwarding?: boolean;
  passwordAuthentication?: boolean;
  /** Login shell of the non-root test user (root only). */
  testUserShell?: string;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Reuse another instance's client keys so one identity logs in to both (ProxyJump). */
  clientKeysFrom?: TestSshd;
}

export interface TestSshd {
  dir: string;
  port: number;
  addresses: string[];
  pid: number;
  logPath: string;
  knownHostsPath: string;
  sshConfigPath: string;
  hostKey: KeyPair;
  clientKey: KeyPair;
  encryptedClientKey: KeyPair & { passphrase: string };
  /** The current user, and `runbook-test` when running as root. */
  users: { current: string; test?: string };
  /** A HostConfig for one of our addresses, as src/hosts would resolve it. */
  hostConfig(address: string, user?: string, overrides?: Partial<HostConfig>): HostConfig;
  /** Rewrites known_hosts: correct keys, or a wrong key / hashed entry for some addresses. */
  writeKnownHosts(options?: { wrongKeyFor?: string[]; hashed?: boolean; revoked?: boolean; omit?: string[] }): void;
  log(): string;
  countLog(pattern: RegExp): number;
  waitForLog(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  /** Per-connection sshd processes (monitor and session processes), not the listener. */
  connectionPids(): number[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) if (child.pid) signalPids([child.pid], 'SIGKILL');
});

export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is not installed. Run scripts/setup-system.sh (it installs openssh-server) and try again.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sshd-'));
  // The non-root test user reads authorized_keys itself (sshd drops privileges for it).
  chmodSync(dir, 0o755);
  const first = options.firstAddress ?? 2;
  const addresses = Array.from({ length: options.addresses ?? 1 }, (_, i) => `127.0.0.${first + i}`);
  const port = options.port ?? (await freePort(addresses[0]!));
  const hostKey = generateKey(join(dir, 'host_ed25519'));
  const clientKey = options.clientKeysFrom?.clientKey ?? generateKey(join(dir, 'client_ed25519'));
  const passphrase = 'correct horse battery staple';
  const encryptedClientKey = options.clientKeysFrom?.encryptedClientKey ?? { ...generateKey(join(dir, 'client_encrypted'), passphrase), passphrase };
  const users = { current: currentUser(), test: isRoot() ? ensureTestUser(options.testUserShell) : undefined };
  writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n${encryptedClientKey.publicLine}\n`, { mode: 0o644 });

  const logPath = join(dir, 'sshd.log');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, sshdConfig(dir, addresses, port, hostKey.privatePath, options));
  if (isRoot()) mkdirSync('/run/sshd', { recursive: true });
  execFileSync(SSHD, ['-t', '-f', configPath], { stdio: 'pipe' });

  const knownHostsPath = join(dir, 'known_hosts');
  const sshConfigPath = join(dir, 'ssh_config');
  const wrongKey = generateKey(join(dir, 'wrong_host_ed25519'));
  let child = await launch(configPath, logPath, addresses.length);

  const bed: TestSshd = {
    dir,
    port,
    addresses,
    logPath,
    knownHostsPath,
    sshConfigPath,
    hostKey,
    clientKey,
    encryptedClientKey,
    users,
    get pid() {
      return child.pid!;
    },
    hostConfig(address, user = users.current, overrides = {}) {
      return {
        name: address,
        kind: 'ssh',
        hostname: address,
        port,
        user,
        identityFiles: [clientKey.privatePath],
        identitiesOnly: true,
        proxyJump: [],
        serverAliveInterval: 0,
        serverAliveCountMax: 3,
        connectTimeout: 10,
        userKnownHostsFiles: [knownHostsPath],
        globalKnownHostsFiles: [],
        strictHostKeyChecking: 'yes',
        hashKnownHosts: false,
        origin: `testbed ${dir}`,
        ...overrides,
      };
    },
    writeKnownHosts(o = {}) {
      const lines = addresses
        .filter((a) => !o.omit?.includes(a))
        .map((a) => {
          const key = o.wrongKeyFor?.includes(a) ? wrongKey : hostKey;
          const name = o.hashed ? hashedKnownHostsLine(`[${a}]:${port}`) : `[${a}]:${port}`;
          return `${o.revoked ? '@revoked ' : ''}${name} ${key.publicLine}`;
        });
      writeFileSync(knownHostsPath, lines.join('\n') + '\n');
    },
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    countLog: (pattern) =>
      bed
        .log()
        .split('\n')
        .filter((l) => pattern.test(l)).length,
    async waitForLog(pattern, count = 1, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (bed.countLog(pattern) < count) {
        if (Date.now() > until) throw new Error(`sshd log ${logPath} has fewer than ${count} lines matching ${pattern}`);
        await delay(50);
      }
    },
    connectionPids: () =>
      descendantsOf(child.pid!)
        .filter((p) => p.comm === 'sshd')
        .map((p) => p.pid),
    async stop() {
      // Connection processes first: they outlive the listener otherwise.
      signalPids([...bed.connectionPids(), child.pid!], 'SIGKILL');
      await exited(child);
      running.delete(child);
    },
    async restart() {
      await bed.stop();
      child = await launch(configPath, logPath, addresses.length);
    },
  };
  bed.writeKnownHosts();
  writeFileSync(sshConfigPath, clientConfig(bed));
  const stopAndClean = bed.stop;
  bed.stop = async () => {
    await stopAndClean();
    rmSync(dir, { recursive: true, force: true });
  };
  return bed;
}

function sshdConfig(dir: string, addresses: string[], port: number, hostKey: string, o: TestSshdOptions): string {
  return [
    ...addresses.map((a) => `ListenAddress ${a}:${port}`),
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    `PasswordAuthentication ${o.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'LogLevel DEBUG1',
    `MaxSessions ${o.maxSessions ?? 10}`,
    'MaxStartups 100',
    `AllowTcpForwarding ${o.allowTcpForwarding ? 'yes' : 'no'}`,
    ...(o.extraConfig ?? []),
    '',
  ].join('\n');
}

function clientConfig(bed: TestSshd): string {
  return bed.addresses
    .map((a, i) =>
      [
        `Host testbed-${i + 1}`,
        `  HostName ${a}`,
        `  Port ${bed.port}`,
        `  User ${bed.users.current}`,
        `  IdentityFile ${bed.clientKey.privatePath}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${bed.knownHostsPath}`,
        '  StrictHostKeyChecking yes',
        '  BatchMode yes',
        '',
      ].join('\n'),
    )
    .join('\n');
}

async function launch(configPath: string, logPath: string, addressCount: number): Promise<ChildProcess> {
  // -D keeps sshd in the foreground so we own its pid; -E appends the DEBUG1 log to a file.
  const before = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('Server listening on').length - 1 : 0;
  const child = spawn(SSHD, ['-D', '-f', configPath, '-E', logPath], { stdio: 'ignore' });
  running.add(child);
  const until = Date.now() + 5000;
  for (;;) {
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    if (log.split('Server listening on').length - 1 >= before + addressCount) return child;
    if (child.exitCode !== null || Date.now() > until) {
      running.delete(child);
      if (child.pid) signalPids([child.pid], 'SIGKILL');
      throw new Error(`sshd did not start (config ${configPath}); its log ${logPath} says:\n${log.slice(-2000)}`);
    }
    await delay(30);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
