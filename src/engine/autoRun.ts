// Automatic progression: follow the chain of decisions from a step until a `confirm` step that
// nobody said yes to, a critical finding, an error, a cycle, or the end, recording the path taken.

import type { Finding } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Step } from '../runbook/model';
import { stepLabel } from './decide';
import { runStep, type Confirmation, type HostRun, type StepRunRequest } from './runStep';

export type StopReason = 'end' | 'confirm' | 'critical' | 'error' | 'cycle' | 'limit' | 'cancelled';

export interface AutoRunResult {
  /** Every host run in order (one per step for a single host). */
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
}

export async function autoRun(request: AutoRunRequest): Promise<AutoRunResult> {
  const path: HostRun[] = [];
  const findings: Finding[] = [];
  const visited = new Set<string>();
  const maxSteps = request.maxSteps ?? 100;
  let step: Step | undefined = request.from;

  while (step) {
    if (request.signal?.aborted) return stop('cancelled', step, `cancelled before ${stepLabel(step)}`);
    if (visited.has(step.key)) return stop('cycle', step, `stopped: ${stepLabel(step)} was already run in this pass (a cycle in the runbook)`);
    if (path.length >= maxSteps) return stop('limit', step, `stopped after ${maxSteps} steps`);
    visited.add(step.key);

    let confirmation: Confirmation | undefined;
    if (step.confirm) {
      confirmation = await request.confirm?.(step, [request.host]);
      if (!confirmation) return stop('confirm', step, `stopped before ${stepLabel(step)}: it changes the host and needs a yes`);
    }

    const run = await runStep({ ...request, step, hosts: [request.host], confirmation });
    const hostRun = run.hostRuns[0];
    path.push(hostRun);
    findings.push(...(hostRun.outcome?.findings ?? []));
    await request.onStep?.(hostRun);

    const { result, decision } = hostRun;
    if (result.termination === 'cancelled') return stop('cancelled', step, `cancelled during ${stepLabel(step)}`);
    if (result.termination !== 'exit' && result.termination !== 'signal') {
      return stop('error', step, `stopped: ${stepLabel(step)} failed on ${request.host.name}: ${result.error?.message ?? result.termination}`);
    }
    if (decision.problem) return stop('error', step, decision.problem);
    const critical = hostRun.outcome?.findings.find((f) => f.severity === 'critical');
    if (critical && request.stopAtCritical !== false) {
      const proposal = decision.next ? `; proposed next: ${stepLabel(decision.next)} (${decision.why})` : '';
      return stop('critical', decision.next, `stopped at a critical finding in ${stepLabel(step)}: ${critical.message}${proposal}`);
    }
    step = decision.next;
  }
  return stop('end', undefined, path.length ? `end of the runbook: ${path.at(-1)?.decision.why ?? ''}` : 'nothing to run');

  function stop(reason: StopReason, at: Step | undefined, explanation: string): AutoRunResult {
    return { path, stoppedAt: at, reason, explanation, findings };
  }
}
