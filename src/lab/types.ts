// The fault lab's shapes: what a scenario is, how it is started, and what a running fault tells
// a runbook author (ports, pids, addresses) so the diagnostic commands can be aimed at it.

/** How to start a scenario. Every address must be in 127.0.0.0/8: the lab never sends traffic elsewhere. */
export interface StartOptions {
  /** Loopback address the server listens on. Default 127.0.0.1. */
  address?: string;
  /** Loopback address the lab's clients connect from. Default: the same as `address`. */
  clientAddress?: string;
  /**
   * Loopback address of a second, well-behaved client (busy-server's idle client, conn-cap-served's
   * served client). Default: 127.0.0.1 + 200 on the last byte of `clientAddress`, wrapped.
   */
  otherClientAddress?: string;
  /** Port the server listens on; 0 picks a free port. Default: the scenario's documented port (docs/LAB.md). */
  basePort?: number;
  /** Progress lines for a person watching the lab. */
  log?: (line: string) => void;
}

/** A fault that is happening now. `stop()` ends every process, socket and namespace it made. */
export interface RunningFault {
  name: string;
  summary: string;
  /** What a runbook needs to find the fault: ports, pids, addresses, log paths, namespace names. */
  details: Record<string, string | number>;
  stop(): Promise<void>;
}

/** StartOptions with the defaults filled in and checked. */
export type ResolvedOptions = Required<Pick<StartOptions, 'address' | 'clientAddress' | 'otherClientAddress' | 'basePort'>> & StartOptions;

export interface ScenarioInfo {
  name: string;
  summary: string;
  /** True when the scenario needs root (network namespaces); start throws "needs root: ..." otherwise. */
  needsRoot: boolean;
}

export interface Scenario extends ScenarioInfo {
  /** The port used when StartOptions.basePort is absent (listed in docs/LAB.md). */
  defaultPort: number;
  start(options: ResolvedOptions): Promise<RunningFault>;
}

/** One command's output as captured in a field incident, for playing through the parsers. */
export interface RecordedOutput {
  /** The command as it was typed in the incident. */
  command: string;
  output: string;
  /** Which incident file and section it comes from. */
  source: string;
}
