// Turns `ssh -G` style output (from ssh itself or from the fallback) into a HostConfig, doing
// the expansions ssh does only when it connects (IdentityFile tokens, the agent socket).
import { RunbookError } from '../base/failure';
import type { GOutput } from './effectiveConfig';
import { expandPath, type TokenValues } from './tokens';
import type { HostConfig, StrictHostKeyChecking } from './types';

export interface LocalFacts {
  user: string;
  homeDir: string;
  hostname: string;
  uid: number;
}

export function toHostConfig(name: string, g: GOutput, local: LocalFacts, env: NodeJS.ProcessEnv): Omit<HostConfig, 'proxyJump' | 'origin'> {
  const one = (key: string): string | undefined => g.get(key)?.[0];
  const need = (key: string): string => {
    const v = one(key);
    if (v === undefined) throw new RunbookError('internal', `ssh -G output has no "${key}" for ${name}`);
    return v;
  };
  const hostname = need('hostname');
  const user = need('user');
  const port = Number(need('port'));
  const hostKeyAlias = one('hostkeyalias');
  const tokens: TokenValues = {
    homeDir: local.homeDir,
    localUser: local.user,
    hostname,
    user,
    port,
    originalHost: name,
    hostKeyAlias,
    localHostname: local.hostname,
    uid: local.uid,
  };
  const timeout = one('connecttimeout');
  return {
    name,
    kind: 'ssh',
    hostname,
    port,
    user,
    identityFiles: (g.get('identityfile') ?? []).map((f) => expandPath(f, tokens, `IdentityFile for ${name}`)),
    identitiesOnly: one('identitiesonly') === 'yes',
    identityAgent: agentSocket(one('identityagent'), env),
    serverAliveInterval: Number(one('serveraliveinterval') ?? 0),
    serverAliveCountMax: Number(one('serveralivecountmax') ?? 3),
    connectTimeout: timeout === undefined || timeout === 'none' ? undefined : Number(timeout),
    userKnownHostsFiles: splitList(one('userknownhostsfile')),
    globalKnownHostsFiles: splitList(one('globalknownhostsfile')).map((f) => (f.startsWith('~/') ? local.homeDir + f.slice(1) : f)),
    strictHostKeyChecking: strictness(one('stricthostkeychecking')),
    hashKnownHosts: one('hashknownhosts') === 'yes',
    hostKeyAlias,
  };
}

/** IdentityAgent: `none` = no agent; `SSH_AUTH_SOCK` or `$VAR` = from the environment; unset = SSH_AUTH_SOCK. */
function agentSocket(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (value === 'none') return undefined;
  if (value === undefined || value === 'SSH_AUTH_SOCK') return env.SSH_AUTH_SOCK || undefined;
  if (value.startsWith('$')) return env[value.slice(1)] || undefined;
  return value;
}

function splitList(value: string | undefined): string[] {
  return value === undefined || value === 'none' ? [] : value.split(' ').filter((s) => s !== '');
}

function strictness(value: string | undefined): StrictHostKeyChecking {
  switch (value) {
    case 'true':
    case 'yes':
      return 'yes';
    case 'false':
    case 'no':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}
