// Which hosts a run targets and which hosts each step runs on: the target's hosts, an inventory
// group's roles for `roles=` steps, and a step's own `hosts=`. Resolved before anything runs.

import { RunbookError, isRunbookError } from '../base/failure';
import { hostsOfRoles, stepRoles } from '../engine/compare';
import { resolveStepTargets } from '../engine/stepTargets';
import { resolveRoles, resolveTarget, type TargetOptions } from '../hosts/targets';
import type { HostConfig } from '../hosts/types';
import type { Runbook, Step } from '../runbook/model';

export interface RunTargets {
  /** The names the run targets (as given, or the runbook's default). */
  names: string[];
  hosts: HostConfig[];
  /** The target group's roles for `roles=` steps; `{ all: hosts }` for a plain target. */
  roles: Record<string, HostConfig[]>;
  /** Steps with their own `hosts=`. */
  stepTargets: Map<string, HostConfig[]>;
}

/**
 * The target names: those given, else (in a record) the target the incident was started on, else the
 * runbook's `group:` or `hosts:`. A later run of the record goes back to the same hosts.
 */
export function targetNames(runbook: Runbook, given: string[]): string[] {
  const fm = runbook.frontMatter;
  if (given.length > 0) return given;
  if (fm?.incident?.target?.length) return fm.incident.target;
  return fm?.group ? [fm.group] : (fm?.hosts ?? []);
}

export async function resolveRunTargets(runbook: Runbook, given: string[], options: TargetOptions): Promise<RunTargets> {
  const names = targetNames(runbook, given);
  if (names.length === 0) {
    throw new RunbookError(
      'config',
      `${runbook.fileName}: no target: the runbook names no default host or group.`,
      'Pick a host or group (CLI: --host NAME or --group NAME; "runbook hosts" lists them).',
    );
  }
  const hosts: HostConfig[] = [];
  for (const name of names) hosts.push(...(await resolveTarget(name, options)));
  const roles = await targetRoles(runbook, names, hosts, options);
  const stepTargets = await resolveStepTargets(runbook, (name) => resolveTarget(name, options));
  return { names, hosts, roles, stepTargets };
}

async function targetRoles(runbook: Runbook, names: string[], hosts: HostConfig[], options: TargetOptions): Promise<Record<string, HostConfig[]>> {
  const usesRoles = runbook.steps.some((s) => s.attributes.some((a) => a.name === 'roles'));
  if (!usesRoles || names.length !== 1) return { all: hosts };
  for (const step of runbook.steps) stepRoles(step, runbook.fileName); // bad roles= stop the run up front
  try {
    return await resolveRoles(names[0], options);
  } catch (error) {
    // A plain group or host: steps without roles= run on all of it; a step with roles= says what it needs when it runs.
    if (isRunbookError(error) && /is not a group with roles/.test(error.message)) return { all: hosts };
    throw error;
  }
}

/** True when the step picks its own hosts (`hosts=` or `roles=`) instead of running on the branch it is reached by. */
export function choosesOwnHosts(step: Step, targets: RunTargets): boolean {
  return targets.stepTargets.has(step.key) || stepRoles(step, '').roles !== undefined;
}

/** The hosts a step runs on when reached by `hosts`: its own `hosts=`, its roles, else those (the run and the plan both use it). */
export function hostsOfStep(runbook: Runbook, targets: RunTargets, step: Step, hosts: HostConfig[] = targets.hosts): HostConfig[] {
  const own = targets.stepTargets.get(step.key);
  if (own) return own;
  if (!stepRoles(step, runbook.fileName).roles) return hosts;
  return hostsOfRoles(step, runbook.fileName, targets.roles);
}
