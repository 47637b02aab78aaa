// What `ansible` is given to reach a set of hosts: the user's own Ansible inventory when every
// host came from the same one (so Ansible reaches them as it always does), else an inventory
// written from our resolved HostConfigs, so both engines connect with the same settings.

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HostConfig } from '../hosts/types';

export interface AnsibleTargets {
  inventory: string[];
  /** The pattern that selects exactly these hosts: their inventory names, comma-separated. */
  pattern: string;
  /** Our host -> its inventory name, to map results back. */
  nameOf: Map<HostConfig, string>;
}

export function ansibleTargets(hosts: HostConfig[], workDir: string): AnsibleTargets {
  const first = hosts[0]?.ansible;
  const sameInventory = first !== undefined && hosts.every((h) => h.ansible && h.ansible.inventory.join('\0') === first.inventory.join('\0'));
  const nameOf = new Map<HostConfig, string>();
  if (sameInventory) {
    for (const h of hosts) nameOf.set(h, h.ansible!.name);
    return { inventory: first.inventory, pattern: [...nameOf.values()].join(','), nameOf };
  }
  const inventoryHosts: Record<string, Record<string, unknown>> = {};
  for (const h of hosts) {
    nameOf.set(h, h.name);
    inventoryHosts[h.name] = connectionVars(h);
  }
  const file = path.join(workDir, 'inventory.json');
  // JSON is YAML: Ansible's yaml plugin reads it, with no quoting questions for odd values.
  writeFileSync(file, JSON.stringify({ all: { hosts: inventoryHosts } }), { mode: 0o600 });
  return { inventory: [file], pattern: [...nameOf.values()].join(','), nameOf };
}

/** Our effective settings as Ansible vars; host keys checked strictly against the same known_hosts. */
export function connectionVars(h: HostConfig): Record<string, unknown> {
  const opts = [
    `-o StrictHostKeyChecking=${h.strictHostKeyChecking === 'accept-new' ? 'accept-new' : 'yes'}`,
    h.identitiesOnly ? '-o IdentitiesOnly=yes' : '',
    h.userKnownHostsFiles.length ? `-o UserKnownHostsFile=${quoteList(h.userKnownHostsFiles)}` : '',
    h.globalKnownHostsFiles.length ? `-o GlobalKnownHostsFile=${quoteList(h.globalKnownHostsFiles)}` : '',
    h.hostKeyAlias ? `-o HostKeyAlias=${h.hostKeyAlias}` : '',
    h.serverAliveInterval ? `-o ServerAliveInterval=${h.serverAliveInterval} -o ServerAliveCountMax=${h.serverAliveCountMax}` : '',
    h.proxyJump.length ? `-o ProxyJump=${h.proxyJump.map((j) => `${j.user}@${j.hostname}:${j.port}`).join(',')}` : '',
    h.identityFiles
      .slice(1)
      .map((f) => `-o IdentityFile=${quote(f)}`)
      .join(' '),
  ].filter(Boolean);
  return {
    ansible_host: h.hostname,
    ansible_port: h.port,
    ansible_user: h.user,
    ...(h.identityFiles[0] ? { ansible_ssh_private_key_file: h.identityFiles[0] } : {}),
    ansible_ssh_common_args: opts.join(' '),
    ...(h.connectTimeout ? { ansible_ssh_timeout: h.connectTimeout } : {}),
  };
}

function quote(s: string): string {
  return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function quoteList(files: string[]): string {
  return files.length === 1 ? quote(files[0]) : `"${files.join(' ').replace(/["\\$`]/g, '\\$&')}"`;
}
