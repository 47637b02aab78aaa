// A step's own `hosts=` attribute overrides the runbook's target for that step (e.g. a check that
// must run on the load balancer while the rest runs on the web hosts). Resolved once per run.

import type { HostConfig } from '../hosts/types';
import type { Runbook } from '../runbook/model';
import { RunbookError, isRunbookError } from '../base/failure';

/** Step key -> the hosts named by its `hosts=` attribute (each name a host or a group). */
export async function resolveStepTargets(runbook: Runbook, resolve: (name: string) => Promise<HostConfig[]>): Promise<Map<string, HostConfig[]>> {
  const targets = new Map<string, HostConfig[]>();
  for (const step of runbook.steps) {
    if (!step.hosts?.length) continue;
    const hosts: HostConfig[] = [];
    for (const name of step.hosts) {
      try {
        hosts.push(...(await resolve(name)));
      } catch (error) {
        if (!isRunbookError(error)) throw error;
        throw new RunbookError(
          error.kind,
          `${runbook.fileName}:${step.range.start.line + 1}: step "${step.key}" has hosts=${step.hosts.join(',')}: ${error.message}`,
          error.hint,
        );
      }
    }
    targets.set(step.key, hosts);
  }
  return targets;
}
