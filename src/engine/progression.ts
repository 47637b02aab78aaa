// Automatic progression for one host or a whole group: run a step, follow the decision the hosts
// agree on, stop before a `confirm` step nobody said yes to, at a critical finding, an error, a
// cycle or the end. The notebook uses it directly; the CLI through autoRun.ts (one host).

import type { Finding } from '../checks/spec';
import type { Step } from '../runbook/model';
import { stepLabel } from './decide';
import type { Confirmation, StepRun } from './runStep';

export type StopReason = 'end' | 'confirm' | 'critical' | 'error' | 'cycle' | 'limit' | 'cancelled';

export interface ProgressionRequest {
  from: Step;
  /** Runs one step on the target (the session's `run`). */
  run: (step: Step, confirmation: Confirmation | undefined) => Promise<StepRun>;
  /** Asked before a `confirm` step; undefined = no, and progression stops there. */
  confirm: (step: Step) => Promise<Confirmation | undefined>;
  onStep?: (run: StepRun) => void | Promise<void>;
  signal?: AbortSignal;
  stopAtCritical?: boolean;
  maxSteps?: number;
}

export interface ProgressionResult {
  path: StepRun[];
  reason: StopReason;
  /** The step progression stopped before (confirm, cycle) or would go to next (critical). */
  stoppedAt?: Step;
  explanation: string;
  findings: Finding[];
}

export async function runProgression(request: ProgressionRequest): Promise<ProgressionResult> {
  const path: StepRun[] = [];
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
      confirmation = await request.confirm(step);
      if (!confirmation) return stop('confirm', step, `stopped before ${stepLabel(step)}: it changes the host and needs a yes`);
    }
    const run = await request.run(step, confirmation);
    path.push(run);
    for (const hostRun of run.hostRuns) findings.push(...(hostRun.outcome?.findings ?? []));
    await request.onStep?.(run);

    const finished = run.hostRuns.filter((r) => r.result.termination === 'exit' || r.result.termination === 'signal');
    if (run.hostRuns.some((r) => r.result.termination === 'cancelled')) return stop('cancelled', step, `cancelled during ${stepLabel(step)}`);
    if (finished.length < run.hostRuns.length) {
      const failed = run.hostRuns.filter((r) => !finished.includes(r)).map((r) => `${r.host.name}: ${r.result.error?.message ?? r.result.termination}`);
      return stop('error', step, `stopped: ${stepLabel(step)} failed on ${failed.join('; ')}`);
    }
    if (run.decision.problem) return stop('error', step, run.decision.problem);
    const critical = run.hostRuns.flatMap((r) => r.outcome?.findings ?? []).find((f) => f.severity === 'critical');
    if (critical && request.stopAtCritical !== false) {
      const proposal = run.decision.next ? `; proposed next: ${stepLabel(run.decision.next)} (${run.decision.why})` : '';
      return stop('critical', run.decision.next, `stopped at a critical finding in ${stepLabel(step)}: ${critical.message}${proposal}`);
    }
    if (run.divergent.length) {
      return stop(
        'error',
        run.decision.next,
        `stopped: the hosts disagree on the next step after ${stepLabel(step)} (${run.divergent.map((r) => `${r.host.name} → ${r.decision.next?.key ?? 'end'}`).join(', ')})`,
      );
    }
    step = run.decision.next;
  }
  return stop('end', undefined, path.length ? `end of the runbook: ${path.at(-1)?.decision.why ?? ''}` : 'nothing to run');

  function stop(reason: StopReason, at: Step | undefined, explanation: string): ProgressionResult {
    return { path, stoppedAt: at, reason, explanation, findings };
  }
}
