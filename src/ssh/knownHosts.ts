// Reads OpenSSH known_hosts files (plain, hashed |1|salt|hmac, [host]:port, * ? ! patterns, @revoked,
// @cert-authority) and answers: is this key known, changed, revoked or new for this host name?
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RunbookError } from '../base/failure';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: comma-separated patterns or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as in the file. */
  key: string;
}

export type KnownHostVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: KnownHostEntry[]; certAuthorities: KnownHostEntry[] };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise; a HostKeyAlias is used as is. */
export function knownHostsName(hostname: string, port: number, alias?: string): string {
  if (alias) return alias;
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

/** `SHA256:` + unpadded base64, exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked') marker = 'revoked';
    else if (fields[0] === '@cert-authority') marker = 'cert-authority';
    if (fields[0]!.startsWith('@')) fields.shift();
    // Lines OpenSSH cannot read either (no key) are skipped, as ssh does.
    if (fields.length < 3) return;
    entries.push({ file, line: index + 1, marker, hosts: fields[0]!, keyType: fields[1]!, key: fields[2]! });
  });
  return entries;
}

/** Reads every existing file; a file that exists but cannot be read fails closed. */
export function readKnownHostsFiles(files: string[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new RunbookError(
        'config',
        `Cannot read known_hosts file ${file}: ${(err as Error).message}. Host keys cannot be checked, so no connection is made.`,
        `Fix the file's permissions (chmod 600 ${file}) or remove it from UserKnownHostsFile.`,
        { cause: err },
      );
    }
    entries.push(...parseKnownHosts(text, file));
  }
  return entries;
}

/** Does the entry's host field name `name`? Mirrors OpenSSH match_hostname: a negated match wins. */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (wildcardMatch(negated ? pattern.slice(1) : pattern, name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function checkKnownHost(entries: KnownHostEntry[], name: string, keyType: string, keyBlob: Buffer): KnownHostVerdict {
  const key = keyBlob.toString('base64');
  const mine = entries.filter((e) => entryMatches(e, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === key);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.keyType === keyType && e.key === key);
  if (same) return { status: 'known', entry: same };
  const changed = plain.find((e) => e.keyType === keyType);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', otherTypes: plain, certAuthorities: mine.filter((e) => e.marker === 'cert-authority') };
}

/** Appends `name type key` to `file` (hashed when asked), creating its folder like ssh does. */
export function appendKnownHost(file: string, name: string, keyType: string, keyBlob: Buffer, hashed: boolean): void {
  let hosts = name;
  if (hashed) {
    const salt = randomBytes(20);
    hosts = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${hosts} ${keyType} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}

function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}
