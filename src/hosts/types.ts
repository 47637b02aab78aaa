// Where steps can run: the effective settings of one host, as OpenSSH would compute them,
// and the targets a user can pick (hosts, groups, the local machine).

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/** Effective SSH settings for one host (one ProxyJump hop has its own). */
export interface HostConfig {
  /** The name the user picked: an ssh_config alias, an inventory name, or `local`. */
  name: string;
  kind: 'ssh' | 'local';
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Agent socket to use (from IdentityAgent or SSH_AUTH_SOCK); undefined = none. */
  identityAgent?: string;
  /** Jump hosts, outermost first; each resolved with its own config. */
  proxyJump: HostConfig[];
  /** Seconds; OpenSSH's default is 0 (off), but the pool turns keepalive on when 0 (see ssh/). */
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Seconds; undefined = OpenSSH's default (the system's TCP timeout). */
  connectTimeout?: number;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hashKnownHosts: boolean;
  /** The name to look up in known_hosts instead of hostname:port. */
  hostKeyAlias?: string;
  /** Where this host came from, for `runbook hosts` and the Hosts view: `~/.ssh/config:12`, `inventory.yaml:4`, `ssh -G`. */
  origin: string;
  /** Set for hosts of an Ansible inventory: what `ansible` is given to reach it (--executor ansible). */
  ansible?: { inventory: string[]; name: string };
}

/** A name the user can pick in the host picker or pass as `--host`/`--group`. */
export interface TargetEntry {
  name: string;
  kind: 'host' | 'group' | 'local';
  /** For groups: member host names. */
  members?: string[];
  /** `~/.ssh/config`, `inventory`, `builtin`. */
  source: string;
  origin: string;
  description?: string;
}
