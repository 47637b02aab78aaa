// Throwaway keys for the test bed, made by ssh-keygen so they are exactly what users have on disk.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KeyPair {
  privatePath: string;
  /** `ssh-ed25519 AAAA... comment` */
  publicLine: string;
  /** As `ssh-keygen -lf` prints it: `SHA256:...` */
  fingerprint: string;
}

export function generateKey(path: string, passphrase = ''): KeyPair {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'runbook-testbed', '-f', path], { stdio: 'pipe' });
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { privatePath: path, publicLine: readFileSync(`${path}.pub`, 'utf8').trim(), fingerprint };
}

/** `|1|salt|hmac` as OpenSSH's HashKnownHosts writes it (hostfile.c host_hash). */
export function hashedKnownHostsLine(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
