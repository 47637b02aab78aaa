// Steps that run on the roles of a group (`roles=client,server`) and, with `compare=established-pairs`,
// compare what the two ends see: the check's findings are raised on the comparison, not per host.

import { COMPARISONS, compareEstablishedPairs, type ComparisonName } from '../checks/compareEnds';
import { evaluateCheck, getParser } from '../checks/evaluate';
import type { SocketRow } from '../checks/parsers/socketTally';
import type { CheckOutcome } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Runbook, Step } from '../runbook/model';
import { RunbookError } from '../base/failure';
import { decideNext, type Decision } from './decide';
import { worstSeverity } from './routes';
import type { HostRun, StepRun } from './runStep';
import type { ValueStore } from './scope';

export interface StepRoles {
  /** The roles the step runs on, as written in `roles=`; undefined = every host of the target. */
  roles?: string[];
  compare?: ComparisonName;
}

/** The two ends as compared, and what the check made of the comparison. */
export interface Comparison {
  name: ComparisonName;
  /** The connecting side (first role in `roles=`) and the accepting side (second). */
  client: { role: string; hosts: string[] };
  server: { role: string; hosts: string[] };
  outcome: CheckOutcome;
}

export interface RoleStepRun extends StepRun {
  comparison?: Comparison;
}

/** What running on roles needs: the runbook, the values so far, and how to run a step on hosts (the session's `run`). */
export interface RoleRunContext {
  runbook: Runbook;
  values: ValueStore;
  run: (step: Step, hosts: HostConfig[]) => Promise<StepRun>;
}

/** Rows kept per end for the comparison; the per-host values keep the parser's own limit. */
const COMPARE_MAX_ROWS = 1_000_000;

/** Reads `roles=` and `compare=` from a step, with errors that name the file, the line and what to do. */
export function stepRoles(step: Step, fileName: string): StepRoles {
  const at = (name: string) => {
    const attribute = step.attributes.find((a) => a.name === name);
    return attribute ? { value: attribute.value, where: `${fileName}:${attribute.range.start.line + 1}` } : undefined;
  };
  const out: StepRoles = {};
  const roles = at('roles');
  if (roles) {
    const names = roles.value.split(',').map((r) => r.trim());
    if (names.some((n) => !/^[A-Za-z0-9_.-]+$/.test(n))) {
      throw new RunbookError(
        'config',
        `${roles.where}: step "${step.key}": roles "${roles.value}" is not a list of role names.`,
        'Write e.g. roles=client,server (the role names of an inventory group).',
      );
    }
    out.roles = names;
  }
  const compare = at('compare');
  if (compare) {
    if (!(COMPARISONS as readonly string[]).includes(compare.value)) {
      throw new RunbookError(
        'config',
        `${compare.where}: step "${step.key}": unknown comparison "${compare.value}".`,
        `Use one of: ${COMPARISONS.join(', ')}.`,
      );
    }
    if (out.roles?.length !== 2) {
      throw new RunbookError(
        'config',
        `${compare.where}: step "${step.key}": compare=${compare.value} needs two roles, the connecting side first.`,
        'Add roles=client,server to the step.',
      );
    }
    out.compare = compare.value as ComparisonName;
  }
  return out;
}

/** The hosts a step runs on: those of its roles, else every host of every role (each once). */
export function hostsOfRoles(step: Step, fileName: string, roles: Record<string, HostConfig[]>): HostConfig[] {
  const wanted = stepRoles(step, fileName).roles ?? Object.keys(roles);
  const missing = wanted.filter((r) => !roles[r]);
  if (missing.length > 0) {
    const known = Object.keys(roles);
    throw new RunbookError(
      'config',
      `${fileName}: step "${step.key}" runs on role${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the target does not have (it has: ${known.join(', ')}).`,
      'Pick a group with these roles, e.g. in the inventory: pair: { client: [app-1], server: [db-1] }.',
    );
  }
  const seen = new Set<string>();
  return wanted.flatMap((r) => roles[r]).filter((h) => !seen.has(h.name) && Boolean(seen.add(h.name)));
}

/** Runs a step on its roles; with `compare=`, compares the two ends and decides on the comparison. */
export async function runOnRoles(step: Step, targetRoles: Record<string, HostConfig[]>, context: RoleRunContext): Promise<RoleStepRun> {
  const { runbook } = context;
  const { roles, compare } = stepRoles(step, runbook.fileName);
  const hosts = hostsOfRoles(step, runbook.fileName, targetRoles);
  if (!compare || !roles) return context.run(step, hosts);

  const spec = step.check?.spec;
  const parser = spec?.parse ? getParser(spec.parse) : undefined;
  if (!spec || !parser || !parser.info.values.some((v) => v.name === 'rows')) {
    throw new RunbookError(
      'config',
      `${runbook.fileName}:${step.range.start.line + 1}: step "${step.key}" compares socket tables but its check does not read them.`,
      'Add a check block with `parse: ss-tan` (or `parse: netstat`) after the step.',
    );
  }
  const run = await context.run(perHostStep(step), hosts);
  const hostRuns: HostRun[] = run.hostRuns.map((r) => ({ ...r, step }));

  const [clientRole, serverRole] = roles;
  const side = (role: string) => {
    const names = new Set(targetRoles[role].map((h) => h.name));
    const runs = hostRuns.filter((r) => names.has(r.host.name));
    const finished = runs.filter((r) => r.result.termination === 'exit' || r.result.termination === 'signal');
    const rows = finished.flatMap(
      (r) => (parser.parse(r.result.stdout.text, { ...spec.options, maxRows: COMPARE_MAX_ROWS }).values.rows as SocketRow[] | undefined) ?? [],
    );
    return { role, hosts: runs.map((r) => r.host.name), failed: runs.filter((r) => !finished.includes(r)).map((r) => r.host.name), rows };
  };
  const client = side(clientRole);
  const server = side(serverRole);
  const summary = { name: compare, client: { role: client.role, hosts: client.hosts }, server: { role: server.role, hosts: server.hosts } };

  const failed = [...client.failed, ...server.failed];
  if (failed.length > 0) {
    const why = `the comparison needs both ends, and ${failed.join(', ')} did not finish`;
    const outcome: CheckOutcome = { values: {}, findings: [], why, warnings: [why] };
    return comparedRun(step, hostRuns, { ...summary, outcome }, undefined);
  }

  const compared = { ...compareEstablishedPairs(client.rows, server.rows), ends: { client: client.hosts.join(','), server: server.hosts.join(',') } };
  const outcome = evaluateCheck({ ...spec, parse: undefined, extract: undefined }, '', { ...context.values.scope(), ...compared });
  outcome.values = { ...compared, ...outcome.values };
  context.values.record(step.key, outcome.values);
  return comparedRun(step, hostRuns, { ...summary, outcome }, decideNext(runbook, step, outcome));
}

/** The step each end runs: it only parses its output; findings, derived values and `next` belong to the comparison. */
export function perHostStep(step: Step): Step {
  const spec = step.check?.spec;
  if (!spec) return step;
  return { ...step, check: step.check && { ...step.check, spec: { ...spec, findings: [], values: undefined, next: undefined } } };
}

/**
 * The run of a compared step, live or rebuilt from a record (savedResultView.ts): the comparison
 * decides for both ends together, one route with every host on it; with no decision (an end did not
 * finish) there is no route.
 */
export function comparedRun(step: Step, hostRuns: HostRun[], comparison: Comparison, decision: Decision | undefined): RoleStepRun {
  if (!decision) return { step, hostRuns, decision: { why: comparison.outcome.why }, routes: [], comparison };
  const routes = [{ next: decision.next, why: decision.why, hosts: hostRuns, severity: worstSeverity([{ ...hostRuns[0], outcome: comparison.outcome }]) }];
  return { step, hostRuns, decision, routes, comparison };
}
