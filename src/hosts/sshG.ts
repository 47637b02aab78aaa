// Asks the installed OpenSSH client what it would use (`ssh -G`), the source of truth when the
// config is trusted: `ssh -G` runs `Match exec` commands, so untrusted configs never get here.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { RunbookError } from '../base/failure';
import type { GOutput } from './effectiveConfig';

export interface SshGRequest {
  host: string;
  sshConfigPath?: string;
  overrides: Record<string, string>;
  env: NodeJS.ProcessEnv;
  sshBinary: string;
  timeoutMs: number;
}

/**
 * At most this many `ssh -G` at once for the whole process: a fleet of 10,000 hosts must not
 * mean 10,000 processes (each is ~8 ms of CPU, so more than the cores buys nothing).
 */
export const SSH_G_CONCURRENCY = Math.max(2, Math.min(8, availableParallelism() * 2));
let running = 0;
const waiting: Array<() => void> = [];

/** Resolves undefined when no ssh client is installed, so the caller can fall back. */
export async function runSshG(request: SshGRequest): Promise<GOutput | undefined> {
  // A finished run hands its slot straight to the next waiter, so the bound is never overshot.
  if (running < SSH_G_CONCURRENCY) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await spawnSshG(request);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** How many `ssh -G` run right now (the bench samples it to show the bound). */
export function sshGRunning(): number {
  return running;
}

function spawnSshG(request: SshGRequest): Promise<GOutput | undefined> {
  const args = ['-G'];
  if (request.sshConfigPath !== undefined) args.push('-F', request.sshConfigPath);
  for (const [key, value] of Object.entries(request.overrides)) args.push('-o', `${key}=${value}`);
  // `--` keeps a host name starting with `-` from being read as an option.
  args.push('--', request.host);
  return new Promise((resolve, reject) => {
    const child = spawn(request.sshBinary, args, { env: request.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: request.timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolve(undefined);
      else reject(new RunbookError('config', `Could not run ${request.sshBinary} -G: ${err.message}`, undefined, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(parseSshG(stdout));
        return;
      }
      const why =
        stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('Pseudo-terminal'))
          .join('; ') || `exit ${code ?? signal}`;
      reject(new RunbookError('config', `ssh -G ${request.host} failed: ${why}`, 'Fix the ssh config line it names; `ssh -G <host>` shows the same error.'));
    });
  });
}

export function parseSshG(text: string): GOutput {
  const out: GOutput = new Map();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space).toLowerCase();
    const values = out.get(key) ?? [];
    values.push(line.slice(space + 1));
    out.set(key, values);
  }
  return out;
}
