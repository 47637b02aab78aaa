// Decides whether to trust the key a host offers, as OpenSSH's StrictHostKeyChecking does:
// known keys pass, changed or revoked keys are refused, new keys are asked about or added.
import type { HostConfig } from '../hosts/types';
import { appendKnownHost, checkKnownHost, fingerprintSha256, knownHostsName, readKnownHostsFiles } from './knownHosts';
import { RunbookError } from '../base/failure';
import type { Prompter } from '../base/prompter';

/** The key type is the first SSH string inside the blob (RFC 4253 section 6.6). */
export function keyTypeOf(keyBlob: Buffer): string {
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** ED25519 for ssh-ed25519, as ssh-keygen -l prints the type. */
function keyLabel(keyType: string): string {
  const known: Record<string, string> = { 'ssh-ed25519': 'ED25519', 'ssh-rsa': 'RSA', 'ssh-dss': 'DSA' };
  return known[keyType] ?? (keyType.startsWith('ecdsa-') ? 'ECDSA' : keyType);
}

/** Resolves when the key may be used; throws RunbookError (host-key-*) otherwise. Never accepts on error. */
export async function verifyHostKey(host: HostConfig, keyBlob: Buffer, prompter: Prompter, log: (line: string) => void): Promise<void> {
  const name = knownHostsName(host.hostname, host.port, host.hostKeyAlias);
  const keyType = keyTypeOf(keyBlob);
  const fingerprint = fingerprintSha256(keyBlob);
  const files = [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  const verdict = checkKnownHost(readKnownHostsFiles(files), name, keyType, keyBlob);
  const where = `${host.name} (${name})`;

  if (verdict.status === 'known') {
    log(`host key for ${where} matches ${verdict.entry.file}:${verdict.entry.line}`);
    return;
  }
  if (verdict.status === 'revoked') {
    throw new RunbookError(
      'host-key-revoked',
      `The ${keyLabel(keyType)} host key offered by ${where} (${fingerprint}) is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}. Refusing to connect.`,
      'Ask the host owner for the current host key; do not remove the @revoked line unless you know why it was added.',
    );
  }
  if (verdict.status === 'changed') {
    const expected = fingerprintSha256(Buffer.from(verdict.entry.key, 'base64'));
    throw new RunbookError(
      'host-key-changed',
      `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${where}! Someone could be eavesdropping on you right now (man-in-the-middle attack), or the host key has just been changed. ` +
        `The ${keyLabel(keyType)} key in ${verdict.entry.file}:${verdict.entry.line} is ${expected}; the host offered ${fingerprint}. Refusing to connect.`,
      `If the change is expected (host reinstalled), remove the old key with: ssh-keygen -R '${name}' -f ${verdict.entry.file}`,
    );
  }

  const target = host.userKnownHostsFiles[0];
  const record = () => {
    if (!target) {
      log(`host key for ${where} accepted for this session only: no UserKnownHostsFile to record it in`);
      return;
    }
    appendKnownHost(target, name, keyType, keyBlob, host.hashKnownHosts);
    log(`added ${keyLabel(keyType)} host key ${fingerprint} for ${name} to ${target}`);
  };
  const notes = [
    verdict.otherTypes.length
      ? `known_hosts has a key of another type for this host (${verdict.otherTypes.map((e) => `${e.keyType} at ${e.file}:${e.line}`).join(', ')}).`
      : '',
    // ssh2 never offers host certificates, so a @cert-authority line cannot vouch for this key.
    verdict.certAuthorities.length
      ? `A @cert-authority line matches (${verdict.certAuthorities[0]!.file}:${verdict.certAuthorities[0]!.line}) but certificate host keys are not supported here.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  switch (host.strictHostKeyChecking) {
    case 'yes':
      throw new RunbookError(
        'host-key-unknown',
        `No host key for ${where} in ${files.join(', ') || '(no known_hosts files)'} and StrictHostKeyChecking is yes. The host offered ${keyLabel(keyType)} key ${fingerprint}. ${notes}`.trim(),
        `Verify the fingerprint with the host owner, then add it (e.g. ssh-keyscan -p ${host.port} ${host.hostname} >> ${target ?? '~/.ssh/known_hosts'}) or set StrictHostKeyChecking ask.`,
      );
    case 'accept-new':
    case 'no':
      record();
      return;
    case 'ask': {
      const yes = await prompter.confirm(
        `The authenticity of host '${name}' can't be established. Trust it and continue connecting?`,
        `${keyLabel(keyType)} key fingerprint is ${fingerprint}. ${notes}`.trim(),
      );
      if (!yes) {
        throw new RunbookError(
          'host-key-unknown',
          `Host key for ${where} (${keyLabel(keyType)} ${fingerprint}) was not accepted; nothing was recorded.`,
          'Run the step again and accept the key once you have checked its fingerprint with the host owner.',
        );
      }
      record();
      return;
    }
  }
}
