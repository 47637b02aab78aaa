// One place that turns a host into something that runs scripts: the SSH pool for SSH hosts,
// the local executor for `local`. Both CLI and extension use it, so both behave the same.

import type { HostConfig } from '../hosts/types';
import { LocalExecutor } from '../ssh/local';
import { SshPool } from '../ssh/pool';
import type { Executor } from '../ssh/types';
import type { Prompter } from '../base/prompter';

export interface Executors {
  executorFor(host: HostConfig): Executor;
  closeAll(): Promise<void>;
}

export function createExecutors(options: {
  prompter: Prompter;
  maxSessionsPerHost?: number;
  keepaliveSeconds?: number;
  log?: (line: string) => void;
}): Executors {
  const pool = new SshPool({
    prompter: options.prompter,
    maxSessionsPerHost: options.maxSessionsPerHost,
    keepaliveSeconds: options.keepaliveSeconds,
    log: options.log,
  });
  let local: LocalExecutor | undefined;
  return {
    executorFor(host) {
      if (host.kind === 'local') return (local ??= new LocalExecutor());
      return pool.executor(host);
    },
    async closeAll() {
      await Promise.allSettled([pool.closeAll(), local?.close()]);
    },
  };
}
