// How the lab tests look at a fault: with the real tools a runbook would run (ss, /proc), never
// by asking the lab. Parsing here is deliberately plain; the real parsers live in src/checks/.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface SocketLine {
  state: string;
  recvQ: number;
  sendQ: number;
  local: string;
  peer: string;
  /** The rest of the line: users:(("node",pid=...)) with -p, timer:(...) with -o. */
  extra: string;
}

/**
 * Runs `ss -Htan` plus `flags` (e.g. ['-p'], ['state', 'time-wait']), optionally inside a namespace.
 * With one `state` filter ss leaves out the State column; the state is then taken from the filter.
 */
export function ss(flags: string[] = [], namespace?: string): SocketLine[] {
  const args = ['-Htan', ...flags];
  const text = namespace
    ? execFileSync('ip', ['netns', 'exec', namespace, 'ss', ...args], { encoding: 'utf8' })
    : execFileSync('ss', args, { encoding: 'utf8' });
  const filtered = flags.includes('state') ? flags[flags.indexOf('state') + 1].toUpperCase() : undefined;
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      if (/^\d+$/.test(fields[0]) && filtered) fields.unshift(filtered);
      const [state, recvQ, sendQ, local, peer, ...extra] = fields;
      return { state, recvQ: Number(recvQ), sendQ: Number(sendQ), local, peer, extra: extra.join(' ') };
    });
}

/** `ss -Hltn` listeners. */
export function listeners(): SocketLine[] {
  return ss(['-l']);
}

/** TcpExt counters from /proc/net/netstat, e.g. ListenOverflows (what `nstat -az TcpExtListenOverflows` prints). */
export function tcpExt(name: string): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'));
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/);
  const index = names.indexOf(name);
  if (index < 0) throw new Error(`no TcpExt counter ${name}`);
  return Number(values[index]);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone, up to `waitMs`. */
export async function gone(pid: number, waitMs = 3000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** What a person with telnet would see: connect from `localAddress` and report how the connection ended. */
export function connectOnce(
  host: string,
  port: number,
  localAddress: string,
  waitMs: number,
): Promise<{ connected: boolean; endedBy: 'server' | 'error' | 'nobody'; afterMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let connected = false;
    const socket = connect({ host, port, localAddress });
    const done = (endedBy: 'server' | 'error' | 'nobody'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ connected, endedBy, afterMs: Date.now() - started });
    };
    const timer = setTimeout(() => done('nobody'), waitMs);
    socket.on('connect', () => (connected = true));
    socket.on('end', () => done('server'));
    socket.on('error', () => done('error'));
  });
}

/**
 * Runs `tcpdump -n -l -i lo -c COUNT FILTER` while `act` runs, and returns its packet lines.
 * Stops after `waitMs` at the latest.
 */
export async function tcpdump(filter: string, count: number, waitMs: number, act: () => Promise<unknown>): Promise<string[]> {
  const child = spawn('tcpdump', ['-n', '-l', '-i', 'lo', '-c', String(count), filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGTERM'), waitMs);
  // tcpdump says "listening on lo" on stderr once it captures.
  await new Promise<void>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('listening on')) resolve();
    });
    void exited.then(() => resolve());
  });
  await act();
  await exited;
  clearTimeout(timer);
  return out.split('\n').filter((line) => line.includes(' > '));
}
