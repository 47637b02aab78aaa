// Effective SSH settings per host, as OpenSSH computes them: `ssh -G` when the config is
// trusted and a client is installed, otherwise the fallback evaluator; ProxyJump hops likewise.
import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunbookError } from '../base/failure';
import { readConfigFile, type ConfigEntry } from './configFile';
import { evaluateConfig, type GOutput } from './effectiveConfig';
import { toHostConfig, type LocalFacts } from './hostConfig';
import { isConcreteHostName } from './patterns';
import { formatHop, parseProxyJump } from './proxyJump';
import { runSshG } from './sshG';
import type { HostConfig } from './types';

export interface ResolveOptions {
  /** Like `ssh -F`: only this file is read (no /etc/ssh/ssh_config). Default `~/.ssh/config` + the system file. */
  sshConfigPath?: string;
  /** Like `ssh -o Key=value`: wins over the config files. Not passed on to ProxyJump hops. */
  overrides?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /**
   * May `ssh -G` read this config? It executes `Match exec` commands. Default: true for the
   * user's own config (ssh would run those anyway), false when `sshConfigPath` is given.
   */
  trustConfig?: boolean;
  /** Default `ssh`; a missing binary means the fallback is used. */
  sshBinary?: string;
  /** Default /etc/ssh/ssh_config; read only when `sshConfigPath` is not given. */
  systemConfigPath?: string;
  /** Told about settings that were skipped (e.g. `Match exec` in the fallback). */
  onWarning?: (message: string) => void;
}

/** How many jump hosts deep a chain may go before we call it a loop. */
const MAX_JUMP_DEPTH = 8;

export function localFacts(): LocalFacts {
  const info = os.userInfo();
  // ssh uses the passwd entry, not $HOME, for `~` and %d.
  return { user: info.username, homeDir: info.homedir, hostname: os.hostname(), uid: info.uid };
}

export function userConfigPath(local: LocalFacts = localFacts()): string {
  return path.join(local.homeDir, '.ssh', 'config');
}

export async function resolveHost(name: string, options: ResolveOptions = {}): Promise<HostConfig> {
  if (name === '' || name.startsWith('-')) {
    throw new RunbookError('config', `"${name}" is not a host name`, 'Pick a host from `runbook hosts`.');
  }
  return resolveWithChain(name, options.overrides ?? {}, options, []);
}

async function resolveWithChain(name: string, overrides: Record<string, string>, options: ResolveOptions, chain: string[]): Promise<HostConfig> {
  if (chain.includes(name) || chain.length > MAX_JUMP_DEPTH) {
    throw new RunbookError('config', `ProxyJump loop: ${[...chain, name].join(' -> ')}`, 'Fix the ProxyJump settings so no host jumps through itself.');
  }
  const local = localFacts();
  const env = options.env ?? process.env;
  const { g, via } = await effectiveOutput(name, overrides, options, local, env);
  const base = toHostConfig(name, g, local, env);
  const jumpSpec = g.get('proxyjump')?.[0];
  const proxyJump: HostConfig[] = [];
  if (jumpSpec !== undefined && jumpSpec !== 'none') {
    const hops = parseProxyJump(jumpSpec, `ProxyJump of ${name}`);
    const last = hops.pop()!;
    // As ssh.c does: the last hop is reached with `-J <earlier hops>`, the first with its own config.
    const hopOverrides: Record<string, string> = {};
    if (last.user !== undefined) hopOverrides.User = last.user;
    if (last.port !== undefined) hopOverrides.Port = String(last.port);
    if (hops.length > 0) hopOverrides.ProxyJump = hops.map(formatHop).join(',');
    const hop = await resolveWithChain(last.host, hopOverrides, options, [...chain, name]);
    proxyJump.push(...hop.proxyJump, { ...hop, proxyJump: [] });
  }
  return { ...base, proxyJump, origin: hostOrigin(name, options, local) ?? via };
}

/**
 * `ssh -G` (or the evaluator) for one name and set of overrides, cached per configuration: the
 * cache belongs to one read of the config files, so an edited file starts a new one. A config
 * with `Match exec` is never cached (its commands may answer differently each time).
 */
function effectiveOutput(
  name: string,
  overrides: Record<string, string>,
  options: ResolveOptions,
  local: LocalFacts,
  env: NodeJS.ProcessEnv,
): Promise<{ g: GOutput; via: string }> {
  const trusted = options.trustConfig ?? options.sshConfigPath === undefined;
  const files = configFiles(options, local);
  const cacheable = env === process.env && !hasMatchExec(files);
  const key = JSON.stringify([name, overrides, trusted, options.sshBinary ?? 'ssh']);
  let perConfig = outputCache.get(files);
  if (!perConfig) outputCache.set(files, (perConfig = new Map()));
  const hit = cacheable ? perConfig.get(key) : undefined;
  if (hit) return hit;
  const result = computeOutput(name, overrides, options, local, env, trusted, files);
  if (cacheable) {
    perConfig.set(key, result);
    result.catch(() => perConfig.delete(key));
  }
  return result;
}

const outputCache = new WeakMap<ConfigEntry[][], Map<string, Promise<{ g: GOutput; via: string }>>>();
const matchExec = new WeakMap<ConfigEntry[][], boolean>();

function hasMatchExec(files: ConfigEntry[][]): boolean {
  let known = matchExec.get(files);
  if (known === undefined) {
    known = files.some((list) => list.some((e) => e.kind === 'line' && e.keyword === 'match' && e.args.some((a) => /^!?exec$/i.test(a))));
    matchExec.set(files, known);
  }
  return known;
}

async function computeOutput(
  name: string,
  overrides: Record<string, string>,
  options: ResolveOptions,
  local: LocalFacts,
  env: NodeJS.ProcessEnv,
  trusted: boolean,
  files: ConfigEntry[][],
): Promise<{ g: GOutput; via: string }> {
  if (trusted) {
    const g = await runSshG({ host: name, sshConfigPath: options.sshConfigPath, overrides, env, sshBinary: options.sshBinary ?? 'ssh', timeoutMs: 10_000 });
    if (g) return { g, via: 'ssh -G' };
  }
  const g = evaluateConfig({
    host: name,
    files,
    overrides,
    local,
    env,
    onWarning: options.onWarning ?? (() => undefined),
  });
  return { g, via: 'ssh config defaults' };
}

/** The files OpenSSH reads, in order, with includes spliced in; cached while their modification times stay the same. */
export function configFiles(options: Pick<ResolveOptions, 'sshConfigPath' | 'systemConfigPath'>, local: LocalFacts = localFacts()): ConfigEntry[][] {
  const key = `${options.sshConfigPath ?? ''}\0${options.systemConfigPath ?? ''}\0${local.homeDir}`;
  const hit = filesCache.get(key);
  const now = Date.now();
  // Re-checking the files costs a stat each: at most every 200 ms, not once per host of a fleet.
  if (hit && now - hit.checkedAt < RECHECK_MS) return hit.entries;
  if (hit && fingerprint(hit.files) === hit.fingerprint) {
    hit.checkedAt = now;
    return hit.entries;
  }
  const entries = readConfigFiles(options, local);
  const files = [
    ...new Set(
      entries.flatMap((list, i) => [
        i === 0 ? (options.sshConfigPath ?? userConfigPath(local)) : (options.systemConfigPath ?? '/etc/ssh/ssh_config'),
        ...list.flatMap((e) => (e.kind === 'enter' ? [e.file] : [])),
      ]),
    ),
  ];
  filesCache.set(key, { entries, files, fingerprint: fingerprint(files), checkedAt: now });
  if (filesCache.size > 16) filesCache.delete(filesCache.keys().next().value!);
  return entries;
}

const RECHECK_MS = 200;
const filesCache = new Map<string, { entries: ConfigEntry[][]; files: string[]; fingerprint: string; checkedAt: number }>();

function fingerprint(files: string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return '-';
      }
    })
    .join(',');
}

function readConfigFiles(options: Pick<ResolveOptions, 'sshConfigPath' | 'systemConfigPath'>, local: LocalFacts): ConfigEntry[][] {
  const userBase = path.join(local.homeDir, '.ssh');
  if (options.sshConfigPath !== undefined) {
    return [readConfigFile(options.sshConfigPath, { includeBase: userBase, homeDir: local.homeDir })];
  }
  return [
    readConfigFile(userConfigPath(local), { includeBase: userBase, homeDir: local.homeDir }),
    readConfigFile(options.systemConfigPath ?? '/etc/ssh/ssh_config', { includeBase: '/etc/ssh', homeDir: local.homeDir }),
  ];
}

/** Concrete `Host` names -> the first `file:line` naming them, built once per read of the files. */
const originIndex = new WeakMap<ConfigEntry[][], Map<string, string>>();

/** `~/.ssh/config:12` for the first `Host` line naming this host, if any. */
function hostOrigin(name: string, options: ResolveOptions, local: LocalFacts): string | undefined {
  if (!isConcreteHostName(name)) return undefined;
  const files = configFiles(options, local);
  let index = originIndex.get(files);
  if (!index) {
    index = new Map();
    for (const entries of files) {
      for (const e of entries) {
        if (e.kind !== 'line' || e.keyword !== 'host') continue;
        for (const arg of e.args) if (!index.has(arg)) index.set(arg, `${tildePath(e.file, local.homeDir)}:${e.line}`);
      }
    }
    originIndex.set(files, index);
  }
  return index.get(name);
}

export function tildePath(file: string, homeDir: string): string {
  return file.startsWith(homeDir + '/') ? `~${file.slice(homeDir.length)}` : file;
}
