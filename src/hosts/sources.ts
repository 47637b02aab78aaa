// Where host names come from for one lookup: the project's inventory, an Ansible inventory
// (`-i`, the runbook.inventory setting, or ANSIBLE_INVENTORY), and ~/.ssh/config; and the set
// of groups and hosts Ansible patterns are evaluated over.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RunbookError } from '../base/failure';
import { ansibleInventoryFromEnv, loadAnsibleInventory, type AnsibleReadOptions } from './ansibleInventory';
import { groupHosts, type AnsibleInventory } from './ansibleModel';
import type { PatternUniverse } from './ansiblePattern';
import { loadInventory, type Inventory, type InventoryGroup } from './inventory';
import { matchPattern, isConcreteHostName } from './patterns';
import { configFiles, localFacts, tildePath, type ResolveOptions } from './sshConfig';

export interface SourceOptions extends ResolveOptions {
  /** Where `runbook-inventory.yaml` is looked for. */
  workspaceRoot?: string;
  /** `--inventory` / the runbook.inventory setting: the project's inventory or an Ansible one (detected). */
  inventoryPath?: string;
  /** More Ansible inventory sources (`-i` given several times); ANSIBLE_INVENTORY is used when there are none. */
  ansibleInventories?: string[];
  ansible?: AnsibleReadOptions;
}

export interface HostSources {
  runbook?: Inventory;
  ansible?: AnsibleInventory;
  /** Concrete `Host` names of the ssh config -> `file:line`. */
  sshHosts: Map<string, string>;
}

export const DEFAULT_INVENTORY = 'runbook-inventory.yaml';

export async function readSources(options: SourceOptions): Promise<HostSources> {
  const root = options.workspaceRoot;
  const given = options.inventoryPath !== undefined ? path.resolve(root ?? process.cwd(), options.inventoryPath) : undefined;
  const ansibleSources = [...(options.ansibleInventories ?? [])].map((s) => (s.includes(',') ? s : path.resolve(root ?? process.cwd(), s)));
  let runbookFile = given;
  if (given !== undefined && !isRunbookInventory(given)) {
    ansibleSources.unshift(given);
    runbookFile = undefined;
  }
  if (ansibleSources.length === 0) ansibleSources.push(...ansibleInventoryFromEnv(options.env ?? process.env));
  if (runbookFile === undefined && given === undefined && root !== undefined) runbookFile = path.join(root, DEFAULT_INVENTORY);
  let runbook: Inventory | undefined;
  if (runbookFile !== undefined) {
    runbook = await loadInventory(runbookFile, root !== undefined ? path.relative(root, runbookFile) : runbookFile);
    if (!runbook && given !== undefined)
      throw new RunbookError('config', `Inventory ${runbookFile} does not exist`, 'Fix the --inventory path or the runbook.inventory setting.');
  }
  const ansible = ansibleSources.length > 0 ? await loadAnsibleInventory(ansibleSources, { env: options.env, ...options.ansible }) : undefined;
  return { runbook, ansible, sshHosts: sshConfigHosts(options) };
}

/**
 * The project's inventory is YAML with only `hosts:` and `groups:` at the top; an Ansible YAML
 * inventory has groups there (`all:`), whose values hold hosts/children/vars. Anything that is
 * not YAML (INI, a directory, a script) is Ansible's.
 */
export function isRunbookInventory(file: string): boolean {
  if (!/\.ya?ml$/i.test(file)) return false;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    // A missing file is reported by the reader; a YAML error by our own parser, with its line.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || !(error as NodeJS.ErrnoException).code;
  }
  if (data === null || data === undefined) return true;
  if (typeof data !== 'object' || Array.isArray(data)) return true;
  const keys = Object.keys(data);
  if (!keys.every((k) => k === 'hosts' || k === 'groups')) return false;
  const hosts = (data as Record<string, unknown>).hosts;
  const groupLike = (v: unknown) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.keys(v).every((k) => ['hosts', 'children', 'vars'].includes(k));
  return !(keys.length === 1 && groupLike(hosts));
}

/** Concrete `Host` names in the user's ssh config (patterns skipped, includes followed) -> origin. */
export function sshConfigHosts(options: ResolveOptions): Map<string, string> {
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

export function knownHostNames(sources: HostSources): string[] {
  return [...new Set([...(sources.runbook?.hosts.keys() ?? []), ...(sources.ansible?.hosts.keys() ?? []), ...sources.sshHosts.keys()])];
}

/**
 * What patterns see. With an Ansible inventory: its groups and hosts (so `all` and globs mean
 * what they mean to `ansible`), plus the project inventory's; ~/.ssh/config hosts stay out (a
 * personal config is not a fleet) but can still be named one by one. Without one: the project
 * inventory and ~/.ssh/config, and `all` is every host of both.
 */
export function patternUniverse(sources: HostSources): PatternUniverse {
  const { ansible, runbook } = sources;
  const hostNames = [...new Set([...(ansible?.hosts.keys() ?? []), ...(runbook?.hosts.keys() ?? []), ...(ansible ? [] : sources.sshHosts.keys())])];
  const runbookGroups = [...(runbook?.groups.values() ?? [])].filter((g) => !ansible?.groups.has(g.name));
  const known = knownHostNames(sources);
  const groupNames = [...(ansible?.groups.keys() ?? ['all']), ...runbookGroups.map((g) => g.name)];
  const memo = new Map<string, string[]>();
  const hostSet = new Set(hostNames);
  return {
    groupNames,
    hostNames,
    hasHost: (name) => hostSet.has(name),
    groupHosts(name) {
      let hosts = memo.get(name);
      if (hosts) return hosts;
      if (ansible?.groups.has(name)) hosts = groupHosts(ansible, name);
      else if (name === 'all') hosts = hostNames;
      else {
        const group = runbook?.groups.get(name);
        hosts = group ? expandMembers(group.members, known, group) : [];
      }
      memo.set(name, hosts);
      return hosts;
    },
  };
}

/** A project-inventory group's members: names and globs over the known host names. */
export function expandMembers(members: InventoryGroup['members'], known: string[], group: InventoryGroup): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
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
    for (const h of hits) {
      if (!seen.has(h)) {
        seen.add(h);
        out.push(h);
      }
    }
  }
  return out;
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
