// A lightweight SSH host simulator for benchmarks at 1,000+ hosts, which real sshds do not fit
// on 2 cores: ssh2's Server on many loopback addresses (127.77.x.y) in one child process, with
// real key exchange, host key and public-key auth, but it EXECUTES NOTHING: every exec request
// gets canned output. Figures measured against it are labelled "simulated".
// It answers the three ways clients run a step: our bootstrap (`head -c N`, script on stdin),
// a plain command (OpenSSH / parallel-ssh), and Ansible's pipelined Python module (JSON reply).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils, type ServerChannel } from 'ssh2';
import { generateKey, type KeyPair } from './keys';

export interface SimulatorOptions {
  count: number;
  /** The client key hosts accept (public-key auth, signature verified). */
  clientKey: KeyPair;
  /** What every command prints; default "ok\n". */
  stdout?: string;
}

export interface SshSimulator {
  addresses: string[];
  port: number;
  knownHostsPath: string;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/** The i-th simulated address (0-based): 127.77.0.1, ..., 127.77.0.254, 127.77.1.1, ... */
export function simulatedAddress(i: number): string {
  return `127.77.${Math.floor(i / 254)}.${(i % 254) + 1}`;
}

/** Starts the simulator in a child process, so the client being measured does not pay for it. */
export async function startSshSimulator(options: SimulatorOptions): Promise<SshSimulator> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sim-'));
  const hostKey = generateKey(join(dir, 'host_ed25519'));
  const config = { count: options.count, hostKeyPath: hostKey.privatePath, clientPublic: options.clientKey.publicLine, stdout: options.stdout ?? 'ok\n' };
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /^listening (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the SSH simulator exited (${code}) before listening`)));
  });
  const addresses = Array.from({ length: options.count }, (_, i) => simulatedAddress(i));
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, addresses.map((a) => `[${a}]:${port} ${hostKey.publicLine}\n`).join(''));
  return {
    addresses,
    port,
    knownHostsPath,
    dir,
    pid: child.pid!,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

interface ServeConfig {
  count: number;
  hostKeyPath: string;
  clientPublic: string;
  stdout: string;
}

/** The child: one ssh2 Server fed by a listener per address, all on one port. */
async function serve(config: ServeConfig): Promise<void> {
  const allowed = utils.parseKey(config.clientPublic);
  if (allowed instanceof Error) throw allowed;
  const server = new Server({ hostKeys: [readFileSync(config.hostKeyPath)] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH())) {
        if (ctx.signature && allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
        return ctx.accept();
      }
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('env', (ok) => ok?.());
        session.on('exec', (acceptExec, _reject, info) => answer(acceptExec(), info.command, config.stdout));
      });
    });
  });
  let port = 0;
  for (let i = 0; i < config.count; i++) {
    const listener = net.createServer((socket) => server.injectSocket(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, simulatedAddress(i), () => resolve());
    });
    port ||= (listener.address() as net.AddressInfo).port;
  }
  process.stdout.write(`listening ${port}\n`);
}

type Channel = ServerChannel;

function answer(channel: Channel, command: string, stdout: string): void {
  const finish = (out: string, err = '', code = 0) => {
    if (out) channel.write(out);
    if (err) channel.stderr.write(err);
    channel.exit(code);
    channel.end();
  };
  const bootstrap = /head -c (\d+)/.exec(command);
  if (bootstrap) {
    // Our bootstrap: report a process group, take exactly N bytes of script, answer for it.
    channel.stderr.write(`@runbook-pgid ${1000 + Math.floor(Math.random() * 30000)}\n`);
    let need = Number(bootstrap[1]);
    if (need === 0) return finish(stdout);
    channel.on('data', (chunk: Buffer) => {
      need -= chunk.length;
      if (need <= 0) finish(stdout);
    });
    return;
  }
  if (/python/.test(command)) {
    // Ansible's pipelined module arrives on stdin; its reply is the module's JSON.
    channel.on('data', () => undefined);
    channel.on('end', () => {
      const now = new Date().toISOString().replace('T', ' ').slice(0, 23);
      finish(`${JSON.stringify({ changed: true, rc: 0, stdout, stderr: '', cmd: 'simulated', start: now, end: now, delta: '0:00:00.001000', msg: '' })}\n`);
    });
    return;
  }
  if (/^\s*echo ~/.test(command) || /echo ~/.test(command)) return finish('/tmp\n');
  finish(stdout);
}

if (process.argv[2] === '--serve' && process.argv[1]?.endsWith('sshSimulator.ts')) {
  serve(JSON.parse(process.argv[3]) as ServeConfig).catch((error: unknown) => {
    process.stderr.write(`ssh simulator: ${String(error)}\n`);
    process.exit(1);
  });
}
