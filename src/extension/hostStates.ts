// Connection state per host for the Hosts view: idle until a run, then connected or failed with
// what happened. Updated from the engine's runs; no vscode here.

import type { HostRun } from '../engine/runStep';

export type ConnectionState = 'idle' | 'running' | 'connected' | 'failed';

export interface HostState {
  state: ConnectionState;
  /** What happened last, in words: "exit 0 at 12:01:05", "auth: ...". */
  detail?: string;
  at?: Date;
}

export class HostStates {
  private readonly states = new Map<string, HostState>();
  private readonly listeners = new Set<() => void>();

  get(host: string): HostState {
    return this.states.get(host) ?? { state: 'idle' };
  }

  onChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  started(host: string): void {
    this.set(host, { state: 'running', detail: 'running a step', at: new Date() });
  }

  ended(run: HostRun): void {
    const { result } = run;
    // A step that exits non-zero or times out still reached the host: the connection is fine.
    const reached = result.termination === 'exit' || result.termination === 'signal' || result.termination === 'timeout' || result.termination === 'cancelled';
    const connectionFailure =
      result.error &&
      ['auth', 'host-key-unknown', 'host-key-changed', 'host-key-revoked', 'socket', 'dns', 'keepalive', 'config', 'channel'].includes(result.error.kind);
    const at = new Date(result.startedAt.getTime() + result.durationMs);
    if (reached && !connectionFailure) {
      this.set(run.host.name, {
        state: 'connected',
        detail: `${run.step.key}: ${result.termination === 'exit' ? `exit ${result.exitCode}` : result.termination}`,
        at,
      });
    } else {
      this.set(run.host.name, { state: 'failed', detail: result.error ? `${result.error.kind}: ${result.error.message}` : result.termination, at });
    }
  }

  private set(host: string, state: HostState): void {
    this.states.set(host, state);
    for (const listener of this.listeners) listener();
  }
}
