// What a user can pick as a target: hosts from ~/.ssh/config, the project inventory's hosts and
// groups, an Ansible inventory's hosts and groups, `local`, and Ansible patterns over them; and
// turning a picked name or pattern into the HostConfigs to run on.
import { RunbookError } from '../base/failure';
import { ansibleConnection } from './ansibleHosts';
import { hostVars } from './ansibleModel';
import { evaluatePattern, looksLikePattern, PatternError } from './ansiblePattern';
import { resolveMany, type HostRequest, type ManyOptions } from './resolveMany';
import { closest, expandMembers, knownHostNames, patternUniverse, readSources, type HostSources, type SourceOptions } from './sources';
import { localFacts } from './sshConfig';
import type { HostConfig, TargetEntry } from './types';

export { closest, DEFAULT_INVENTORY } from './sources';

export interface TargetOptions extends SourceOptions, ManyOptions {}

/** Ansible's implicit localhost: a pattern naming it matches even when no inventory lists it. */
const IMPLICIT_LOCAL = ['localhost', '127.0.0.1', '::1'];

/** Every name a user can pick, with where it comes from. */
export async function listTargets(options: TargetOptions = {}): Promise<TargetEntry[]> {
  const sources = await readSources(options);
  const { runbook, ansible } = sources;
  const entries: TargetEntry[] = [{ name: 'local', kind: 'local', source: 'builtin', origin: 'builtin', description: 'this machine (/bin/sh)' }];
  for (const host of runbook?.hosts.values() ?? []) {
    entries.push({
      name: host.name,
      kind: 'host',
      source: 'inventory',
      origin: host.origin,
      description: host.description ?? describeHost(host.sshName, host.name, host.overrides),
    });
  }
  for (const host of ansible?.hosts.values() ?? []) {
    if (runbook?.hosts.has(host.name)) continue;
    const vars = hostVars(ansible!, host.name);
    const address = [
      vars.ansible_user ? `${String(vars.ansible_user)}@` : '',
      vars.ansible_host ?? '',
      vars.ansible_port ? `:${String(vars.ansible_port)}` : '',
    ].join('');
    entries.push({ name: host.name, kind: 'host', source: 'ansible', origin: host.origin, description: address || undefined });
  }
  for (const [name, origin] of sources.sshHosts) {
    if (!runbook?.hosts.has(name) && !runbook?.groups.has(name) && !ansible?.hosts.has(name) && !ansible?.groups.has(name)) {
      entries.push({ name, kind: 'host', source: '~/.ssh/config', origin });
    }
  }
  const universe = patternUniverse(sources);
  for (const group of ansible?.groups.values() ?? []) {
    const members = universe.groupHosts(group.name);
    if (members.length === 0 || group.name === 'all') continue;
    entries.push({
      name: group.name,
      kind: 'group',
      source: 'ansible',
      origin: group.origin,
      members,
      description: group.children.length ? `children: ${group.children.join(', ')}` : undefined,
    });
  }
  for (const group of runbook?.groups.values() ?? []) {
    if (ansible?.groups.has(group.name)) continue;
    entries.push({
      name: group.name,
      kind: 'group',
      source: 'inventory',
      origin: group.origin,
      members: universe.groupHosts(group.name),
      description: group.description ?? (group.roles ? `roles: ${Object.keys(group.roles).join(', ')}` : undefined),
    });
  }
  return entries;
}

/** The hosts an Ansible pattern selects (`web:&prod:!web-3`, `db[0:2]`, `~web-\d+`), as `runbook hosts PATTERN` lists them. */
export async function matchTargets(pattern: string, options: TargetOptions = {}): Promise<TargetEntry[]> {
  const sources = await readSources(options);
  const all = new Map((await listTargets(options)).map((e) => [e.name, e]));
  return selectNames(pattern, sources, true).map(
    (name) => all.get(name) ?? { name, kind: name === 'local' ? 'local' : 'host', source: 'ansible', origin: 'implicit localhost' },
  );
}

/** A host, a group (all its members), an Ansible pattern, or `local`, as HostConfigs ready for an executor. */
export async function resolveTarget(name: string, options: TargetOptions = {}): Promise<HostConfig[]> {
  const sources = await readSources(options);
  return resolveNames(selectNames(name, sources), sources, options);
}

/** A group written as `{ client: [...], server: [...] }`, resolved per role. */
export async function resolveRoles(name: string, options: TargetOptions = {}): Promise<Record<string, HostConfig[]>> {
  const sources = await readSources(options);
  const group = sources.runbook?.groups.get(name);
  if (!group?.roles) {
    throw new RunbookError('config', `"${name}" is not a group with roles`, 'Define it in the inventory as `{ client: [...], server: [...] }`.');
  }
  const known = knownHostNames(sources);
  const out: Record<string, HostConfig[]> = {};
  for (const [role, members] of Object.entries(group.roles)) out[role] = await resolveNames(expandMembers(members, known, group), sources, options);
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

/** Names for a target: a known host or group as itself, else an Ansible pattern; an unknown plain name is an error. */
function selectNames(target: string, sources: HostSources, allowEmpty = false): string[] {
  const universe = patternUniverse(sources);
  if (target === 'local') return ['local'];
  if (sources.runbook?.hosts.has(target) || sources.ansible?.hosts.has(target) || (sources.sshHosts.has(target) && !universe.groupNames.includes(target))) {
    return [target];
  }
  if (universe.groupNames.includes(target) || looksLikePattern(target)) {
    let names: string[];
    try {
      names = evaluatePattern(target, universe);
    } catch (error) {
      if (error instanceof PatternError) throw new RunbookError('config', error.message, 'Ansible patterns: web:&prod:!web-3, db[0:2], ~web-\\d+, "*".');
      throw error;
    }
    if (names.length === 0 && IMPLICIT_LOCAL.includes(target)) return [target];
    if (names.length === 0 && !allowEmpty) {
      throw new RunbookError(
        'config',
        `"${target}" matches no host`,
        `Run \`runbook hosts\` to list the names; \`runbook hosts '${target}'\` shows what a pattern selects.`,
      );
    }
    return names;
  }
  if (IMPLICIT_LOCAL.includes(target) && sources.ansible) return [target];
  const known = [...knownHostNames(sources), ...universe.groupNames, 'local'];
  const close = closest(target, known);
  const where = [sources.runbook?.file, sources.ansible?.sources.join(', '), 'ssh config'].filter(Boolean).join(', ');
  throw new RunbookError(
    'config',
    `Unknown host or group "${target}"${close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Names come from ${where}${sources.runbook || sources.ansible ? '' : ' (no inventory file found)'}, plus "local".`,
    'Run `runbook hosts` to list the names, or add the host to the inventory.',
  );
}

async function resolveNames(names: string[], sources: HostSources, options: TargetOptions): Promise<HostConfig[]> {
  const out = new Array<HostConfig | undefined>(names.length);
  const requests: Array<{ index: number; request: HostRequest }> = [];
  names.forEach((name, index) => {
    if (name === 'local') return void (out[index] = localHost());
    const fromRunbook = sources.runbook?.hosts.get(name);
    if (fromRunbook)
      return void requests.push({ index, request: { name, sshName: fromRunbook.sshName, overrides: fromRunbook.overrides, origin: fromRunbook.origin } });
    const ansible = sources.ansible;
    if (ansible?.hosts.has(name) || (ansible && IMPLICIT_LOCAL.includes(name))) {
      const host = ansible.hosts.get(name);
      const vars = host ? hostVars(ansible, name) : { ansible_connection: 'local' };
      const conn = ansibleConnection(name, vars, host?.origin ?? 'implicit localhost');
      const tag = { inventory: ansible.sources, name };
      if (conn.local) return void (out[index] = { ...localHost(), name, origin: host?.origin ?? 'implicit localhost', ansible: tag });
      if (conn.unsupported.length > 0)
        options.onWarning?.(`${host!.origin}: host "${name}": ${conn.unsupported.join(' ')} is not used by the ssh2 engine (use --executor ansible).`);
      return void requests.push({ index, request: { name, sshName: conn.sshName, overrides: conn.overrides, origin: host!.origin, ansible: tag } });
    }
    requests.push({ index, request: { name, sshName: name, overrides: {}, origin: sources.sshHosts.get(name) } });
  });
  const resolved = await resolveMany(
    requests.map((r) => r.request),
    options,
  );
  requests.forEach((r, i) => (out[r.index] = resolved[i]));
  return out as HostConfig[];
}

function describeHost(sshName: string, name: string, overrides: Record<string, string>): string | undefined {
  const parts = [];
  if (sshName !== name) parts.push(`ssh ${sshName}`);
  if (overrides.User || overrides.HostName || overrides.Port)
    parts.push(`${overrides.User ? `${overrides.User}@` : ''}${overrides.HostName ?? sshName}${overrides.Port ? `:${overrides.Port}` : ''}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
