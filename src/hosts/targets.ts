// What a user can pick as a target: hosts from ~/.ssh/config, the inventory's hosts and groups,
// and `local`; and turning a picked name into the HostConfigs to run on.
import * as path from 'node:path';
import { RunbookError } from '../base/failure';
import { loadInventory, type Inventory, type InventoryGroup } from './inventory';
import { isConcreteHostName, matchPattern } from './patterns';
import { configFiles, localFacts, resolveHost, tildePath, type ResolveOptions } from './sshConfig';
import type { HostConfig, TargetEntry } from './types';

export interface TargetOptions extends ResolveOptions {
  /** Where `runbook-inventory.yaml` is looked for. */
  workspaceRoot?: string;
  /** The `runbook.inventory` setting: absolute, or relative to the workspace root. */
  inventoryPath?: string;
}

export const DEFAULT_INVENTORY = 'runbook-inventory.yaml';

/** Every name a user can pick, with where it comes from. */
export async function listTargets(options: TargetOptions = {}): Promise<TargetEntry[]> {
  const inventory = await readInventory(options);
  const fromSsh = sshConfigHosts(options);
  const entries: TargetEntry[] = [{ name: 'local', kind: 'local', source: 'builtin', origin: 'builtin', description: 'this machine (/bin/sh)' }];
  for (const host of inventory?.hosts.values() ?? []) {
    entries.push({
      name: host.name,
      kind: 'host',
      source: 'inventory',
      origin: host.origin,
      description: host.description ?? describeHost(host.sshName, host.name, host.overrides),
    });
  }
  for (const [name, origin] of fromSsh) {
    if (!inventory?.hosts.has(name) && !inventory?.groups.has(name)) entries.push({ name, kind: 'host', source: '~/.ssh/config', origin });
  }
  const known = knownHostNames(inventory, fromSsh);
  for (const group of inventory?.groups.values() ?? []) {
    entries.push({
      name: group.name,
      kind: 'group',
      source: 'inventory',
      origin: group.origin,
      members: expandMembers(group.members, known, group),
      description: group.description ?? (group.roles ? `roles: ${Object.keys(group.roles).join(', ')}` : undefined),
    });
  }
  return entries;
}

/** A host, a group (all its members), or `local`, as HostConfigs ready for an executor. */
export async function resolveTarget(name: string, options: TargetOptions = {}): Promise<HostConfig[]> {
  const inventory = await readInventory(options);
  const group = inventory?.groups.get(name);
  if (group) {
    const known = knownHostNames(inventory, sshConfigHosts(options));
    return Promise.all(expandMembers(group.members, known, group).map((m) => resolveOne(m, inventory, options)));
  }
  return [await resolveOne(name, inventory, options)];
}

/** A group written as `{ client: [...], server: [...] }`, resolved per role. */
export async function resolveRoles(name: string, options: TargetOptions = {}): Promise<Record<string, HostConfig[]>> {
  const inventory = await readInventory(options);
  const group = inventory?.groups.get(name);
  if (!group?.roles) {
    throw new RunbookError('config', `"${name}" is not a group with roles`, 'Define it in the inventory as `{ client: [...], server: [...] }`.');
  }
  const known = knownHostNames(inventory, sshConfigHosts(options));
  const out: Record<string, HostConfig[]> = {};
  for (const [role, members] of Object.entries(group.roles)) {
    out[role] = await Promise.all(expandMembers(members, known, group).map((m) => resolveOne(m, inventory, options)));
  }
  return out;
}

export function localHost(): HostConfig {
  const local = localFacts();
  return {
    name: 'local',
    kind: 'local',
    hostname: local.hostname,
    port: 0,
    user: local.user,
    identityFiles: [],
    identitiesOnly: false,
    proxyJump: [],
    serverAliveInterval: 0,
    serverAliveCountMax: 0,
    userKnownHostsFiles: [],
    globalKnownHostsFiles: [],
    strictHostKeyChecking: 'yes',
    hashKnownHosts: false,
    origin: 'builtin',
  };
}

async function resolveOne(name: string, inventory: Inventory | undefined, options: TargetOptions): Promise<HostConfig> {
  if (name === 'local') return localHost();
  const host = inventory?.hosts.get(name);
  if (host) {
    const resolved = await resolveHost(host.sshName, { ...options, overrides: { ...host.overrides, ...options.overrides } });
    return { ...resolved, name, origin: host.origin };
  }
  const fromSsh = sshConfigHosts(options);
  if (fromSsh.has(name)) return resolveHost(name, options);
  const known = [...knownHostNames(inventory, fromSsh), ...(inventory?.groups.keys() ?? []), 'local'];
  const close = closest(name, known);
  const where = inventory
    ? `${inventory.file} and ${options.sshConfigPath ?? '~/.ssh/config'}`
    : `${options.sshConfigPath ?? '~/.ssh/config'} (no inventory file found)`;
  throw new RunbookError(
    'config',
    `Unknown host or group "${name}"${close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Names come from ${where}, plus "local".`,
    'Run `runbook hosts` to list the names, or add the host to the inventory.',
  );
}

async function readInventory(options: TargetOptions): Promise<Inventory | undefined> {
  const root = options.workspaceRoot;
  const file = options.inventoryPath
    ? path.resolve(root ?? process.cwd(), options.inventoryPath)
    : root !== undefined
      ? path.join(root, DEFAULT_INVENTORY)
      : undefined;
  if (file === undefined) return undefined;
  const inventory = await loadInventory(file, root !== undefined ? path.relative(root, file) : file);
  if (!inventory && options.inventoryPath) {
    throw new RunbookError('config', `Inventory ${file} does not exist`, 'Fix the runbook.inventory setting or create the file.');
  }
  return inventory;
}

/** Concrete `Host` names in the user's ssh config (patterns skipped, includes followed) -> origin. */
function sshConfigHosts(options: TargetOptions): Map<string, string> {
  const local = localFacts();
  const names = new Map<string, string>();
  const [userFile] = configFiles(options, local);
  for (const e of userFile) {
    if (e.kind !== 'line' || e.keyword !== 'host') continue;
    if (e.args.some((a) => a.startsWith('!'))) continue;
    for (const arg of e.args) {
      if (isConcreteHostName(arg) && !names.has(arg)) names.set(arg, `${tildePath(e.file, local.homeDir)}:${e.line}`);
    }
  }
  return names;
}

function knownHostNames(inventory: Inventory | undefined, fromSsh: Map<string, string>): string[] {
  return [...new Set([...(inventory?.hosts.keys() ?? []), ...fromSsh.keys()])];
}

function expandMembers(members: InventoryGroup['members'], known: string[], group: InventoryGroup): string[] {
  const out: string[] = [];
  for (const { pattern, origin } of members) {
    const hits = /[*?]/.test(pattern) ? known.filter((n) => matchPattern(n, pattern)).sort() : known.includes(pattern) || pattern === 'local' ? [pattern] : [];
    if (hits.length === 0) {
      const close = closest(pattern, known);
      throw new RunbookError(
        'config',
        `${origin}: "${pattern}" in group "${group.name}" matches no known host${close.length > 0 ? ` (did you mean ${close.map((c) => `"${c}"`).join(', ')}?)` : ''}`,
        'Add the host under `hosts:` in the inventory or as a Host in ~/.ssh/config.',
      );
    }
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

function describeHost(sshName: string, name: string, overrides: Record<string, string>): string | undefined {
  const parts = [];
  if (sshName !== name) parts.push(`ssh ${sshName}`);
  if (overrides.User || overrides.HostName || overrides.Port)
    parts.push(`${overrides.User ? `${overrides.User}@` : ''}${overrides.HostName ?? sshName}${overrides.Port ? `:${overrides.Port}` : ''}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Up to three known names within a small edit distance, or sharing a prefix. */
export function closest(name: string, known: string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known
    .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= limit || (name.length >= 3 && k.toLowerCase().startsWith(name.toLowerCase())))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({ k }) => k);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
