// One place that turns a host into something that runs scripts: the SSH pool (or Ansible, with
// the `ansible` engine) for SSH hosts, the local executor for `local`. Both CLI and extension
// use it, so both behave the same.

import type { HostConfig } from '../hosts/types';
import { AnsibleEngine, type AnsibleEngineOptions } from '../ssh/ansibleExecutor';
import { LocalExecutor } from '../ssh/local';
import { SshPool } from '../ssh/pool';
import type { ExecRequest, ExecResult, Executor } from '../ssh/types';
import type { Prompter } from '../base/prompter';

/** `ssh2`: our pool, one connection per host, reused across steps. `ansible`: one ad-hoc ansible process per step. */
export type EngineName = 'ssh2' | 'ansible';
export const ENGINES: EngineName[] = ['ssh2', 'ansible'];

/**
 * The engine for a target from the `runbook.executor` setting: `{ "*": "ssh2", "inventories/prod.ini": "ansible" }`
 * maps inventory paths (as written in settings, or their basenames) to engines; `*` is the default.
 */
export function engineForInventory(setting: Record<string, string> | string | undefined, inventoryPath: string | undefined): EngineName {
  const pick = (v: string | undefined): EngineName | undefined => (v === 'ssh2' || v === 'ansible' ? v : undefined);
  if (typeof setting === 'string') return pick(setting) ?? 'ssh2';
  if (!setting) return 'ssh2';
  if (inventoryPath) {
    const base = inventoryPath.split('/').pop()!;
    for (const [key, value] of Object.entries(setting))
      if (key !== '*' && (inventoryPath === key || inventoryPath.endsWith(`/${key}`) || base === key)) return pick(value) ?? 'ssh2';
  }
  return pick(setting['*']) ?? 'ssh2';
}

export interface Executors {
  executorFor(host: HostConfig): Executor;
  /**
   * Every host of a step at once: one ansible process with the ansible engine, the per-host
   * executors otherwise. Results are in host order.
   */
  execMany(hosts: HostConfig[], request: ExecRequest, perHost?: ExecRequest[]): Promise<ExecResult[]>;
  /** Hosts runStep should run at the same time: all of them with Ansible (it batches them into one process). */
  concurrencyFor(hostCount: number, requested?: number): number;
  readonly engine: EngineName;
  closeAll(): Promise<void>;
}

export function createExecutors(options: {
  prompter: Prompter;
  maxSessionsPerHost?: number;
  keepaliveSeconds?: number;
  log?: (line: string) => void;
  engine?: EngineName;
  ansible?: AnsibleEngineOptions;
}): Executors {
  const engine = options.engine ?? 'ssh2';
  let pool: SshPool | undefined;
  const sshPool = () =>
    (pool ??= new SshPool({
      prompter: options.prompter,
      maxSessionsPerHost: options.maxSessionsPerHost,
      keepaliveSeconds: options.keepaliveSeconds,
      log: options.log,
    }));
  let ansible: AnsibleEngine | undefined;
  const ansibleEngine = () => (ansible ??= new AnsibleEngine({ log: options.log, ...options.ansible }));
  let local: LocalExecutor | undefined;
  const executorFor = (host: HostConfig): Executor => {
    if (host.kind === 'local') return (local ??= new LocalExecutor());
    return engine === 'ansible' ? ansibleEngine().executor(host) : sshPool().executor(host);
  };
  return {
    engine,
    executorFor,
    async execMany(hosts, request, perHost) {
      const remote = engine === 'ansible' ? hosts.filter((h) => h.kind !== 'local') : [];
      const viaAnsible =
        remote.length > 0
          ? await ansibleEngine().execMany(
              remote,
              request,
              perHost?.filter((_, i) => hosts[i].kind !== 'local'),
            )
          : [];
      let next = 0;
      return Promise.all(hosts.map((h, i) => (engine === 'ansible' && h.kind !== 'local' ? viaAnsible[next++] : executorFor(h).exec(perHost?.[i] ?? request))));
    },
    concurrencyFor(hostCount, requested) {
      return engine === 'ansible' ? Math.max(1, hostCount) : (requested ?? 32);
    },
    async closeAll() {
      await Promise.allSettled([pool?.closeAll(), ansible?.close(), local?.close()]);
    },
  };
}
