// Automatic progression on one host, as the CLI's --auto uses it: the general progression
// (progression.ts) with one host, reporting each host run. Stops before a `confirm` step nobody
// said yes to, at a critical finding, an error, a cycle, or the end.

import type { Finding } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Step } from '../runbook/model';
import { runProgression, type StopReason } from './progression';
import { runStep, type Confirmation, type HostRun, type StepRunRequest } from './runStep';
import { hostsForStep } from './stepTargets';

export type { StopReason } from './progression';

export interface AutoRunResult {
  /** Every host run in order, one per step. */
  path: HostRun[];
  stoppedAt?: Step;
  reason: StopReason;
  /** In words, for the CLI and the notebook: "stopped before Raise nf_conntrack_max (confirm)". */
  explanation: string;
  findings: Finding[];
}

export interface AutoRunRequest extends Omit<StepRunRequest, 'step' | 'hosts' | 'confirmation'> {
  from: Step;
  host: HostConfig;
  /** Asked before a `confirm` step; undefined = no (automatic progression never runs it alone). */
  confirm?: (step: Step, hosts: HostConfig[]) => Promise<Confirmation | undefined>;
  /** Stop at a critical finding (default true: the cause is found, a person decides what to change). */
  stopAtCritical?: boolean;
  maxSteps?: number;
  /** Awaited: a save into the record finishes before the next step starts. */
  onStep?: (run: HostRun) => void | Promise<void>;
  /** Steps with their own `hosts=` (see stepTargets.ts) run there instead of on `host`. */
  stepTargets?: Map<string, HostConfig[]>;
}

export async function autoRun(request: AutoRunRequest): Promise<AutoRunResult> {
  const { from, host, confirm, onStep, stopAtCritical, maxSteps, stepTargets, ...stepRequest } = request;
  const result = await runProgression({
    from,
    run: (step, confirmation) => runStep({ ...stepRequest, step, hosts: hostsForStep(step, stepTargets ?? new Map(), [host]), confirmation }),
    confirm: async (step) => confirm?.(step, [host]),
    onStep: (run) => onStep?.(run.hostRuns[0]),
    signal: request.signal,
    stopAtCritical,
    maxSteps,
  });
  return { ...result, path: result.path.map((run) => run.hostRuns[0]) };
}
