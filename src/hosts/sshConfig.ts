// Effective SSH settings per host, as OpenSSH computes them: `ssh -G` when the config is
// trusted and a client is installed, otherwise the fallback evaluator; ProxyJump hops likewise.
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

async function effectiveOutput(
  name: string,
  overrides: Record<string, string>,
  options: ResolveOptions,
  local: LocalFacts,
  env: NodeJS.ProcessEnv,
): Promise<{ g: GOutput; via: string }> {
  const trusted = options.trustConfig ?? options.sshConfigPath === undefined;
  if (trusted) {
    const g = await runSshG({ host: name, sshConfigPath: options.sshConfigPath, overrides, env, sshBinary: options.sshBinary ?? 'ssh', timeoutMs: 10_000 });
    if (g) return { g, via: 'ssh -G' };
  }
  const g = evaluateConfig({
    host: name,
    files: configFiles(options, local),
    overrides,
    local,
    env,
    onWarning: options.onWarning ?? (() => undefined),
  });
  return { g, via: 'ssh config defaults' };
}

/** The files OpenSSH reads, in order, with includes spliced in. */
export function configFiles(options: Pick<ResolveOptions, 'sshConfigPath' | 'systemConfigPath'>, local: LocalFacts = localFacts()): ConfigEntry[][] {
  const userBase = path.join(local.homeDir, '.ssh');
  if (options.sshConfigPath !== undefined) {
    return [readConfigFile(options.sshConfigPath, { includeBase: userBase, homeDir: local.homeDir })];
  }
  return [
    readConfigFile(userConfigPath(local), { includeBase: userBase, homeDir: local.homeDir }),
    readConfigFile(options.systemConfigPath ?? '/etc/ssh/ssh_config', { includeBase: '/etc/ssh', homeDir: local.homeDir }),
  ];
}

/** `~/.ssh/config:12` for the first `Host` line naming this host, if any. */
function hostOrigin(name: string, options: ResolveOptions, local: LocalFacts): string | undefined {
  for (const entries of configFiles(options, local)) {
    for (const e of entries) {
      if (e.kind === 'line' && e.keyword === 'host' && e.args.includes(name) && isConcreteHostName(name)) {
        return `${tildePath(e.file, local.homeDir)}:${e.line}`;
      }
    }
  }
  return undefined;
}

export function tildePath(file: string, homeDir: string): string {
  return file.startsWith(homeDir + '/') ? `~${file.slice(homeDir.length)}` : file;
}
