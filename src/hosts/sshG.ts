// Asks the installed OpenSSH client what it would use (`ssh -G`), the source of truth when the
// config is trusted: `ssh -G` runs `Match exec` commands, so untrusted configs never get here.
import { spawn } from 'node:child_process';
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

/** Resolves undefined when no ssh client is installed, so the caller can fall back. */
export function runSshG(request: SshGRequest): Promise<GOutput | undefined> {
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
