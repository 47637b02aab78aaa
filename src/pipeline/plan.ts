// What a run would do, without connecting (Ansible's --list-hosts/--check, Runme's --dry-run): the
// hosts of each step, every command as it would be sent, the confirm gates, the sudo steps, and the
// parameters still missing. Built from the run's own target, parameter and substitution code.

import { isRunbookError } from '../base/failure';
import type { TargetOptions } from '../hosts/targets';
import type { HostConfig } from '../hosts/types';
import { createRedactor } from '../redact/redactor';
import type { Runbook, Step } from '../runbook/model';
import { buildStepScript, type VariableRule, type VariableType } from '../ssh/script';
import { fetchCap, fetchPaths, substitutePath } from './evidenceFiles';
import { guardLocalSteps, refuseReparsedValues } from './guards';
import { blockingProblems } from './load';
import { knownValue, parameterProblem, secretValues } from './parameters';
import { hostsOfStep, resolveRunTargets, type RunTargets } from './targets';

export interface PlannedParameter {
  name: string;
  value?: string;
  secret: boolean;
  /** Why there is no usable value: the run would ask for it. */
  missing?: string;
  problem?: string;
}

export interface PlannedStep {
  key: string;
  title?: string;
  hosts: string[];
  /** Where the hosts come from: the run's target, the step's own `hosts=`, or its `roles=`. */
  hostsFrom: 'target' | 'hosts=' | 'roles=';
  /** The script as it would be sent; values that only a run can know are shown as <name: ...>. */
  command: string;
  /** `{{names}}` filled at run time from an earlier step's values. */
  runtimeValues: string[];
  missingParameters: string[];
  confirm: boolean;
  confirmBecause?: string;
  sudo: boolean;
  fetch: string[];
  /** The size cap per fetched file (`fetch-max=` or the default), when the step fetches and it reads. */
  fetchMax?: number;
  /** Why the run would refuse this step (a value a second shell parses again). */
  refused?: string;
}

export interface RunPlan {
  file: string;
  title?: string;
  target: string[];
  hosts: { name: string; address: string }[];
  parameters: PlannedParameter[];
  steps: PlannedStep[];
  /** Problems that would stop the run before any step (blocking file errors, a local step refused). */
  problems: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export async function planRun(runbook: Runbook, targetNames: string[], given: Record<string, string>, options: TargetOptions): Promise<RunPlan> {
  const problems = [...blockingProblems(runbook)];
  const declared = runbook.frontMatter?.parameters ?? [];
  const recorded = runbook.frontMatter?.incident?.parameters ?? {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) if (!declared.some((p) => p.name === name)) params[name] = value;
  const parameters: PlannedParameter[] = declared.map((p) => {
    const { value, redacted } = knownValue(p, given, recorded);
    if (value === undefined)
      return { name: p.name, secret: Boolean(p.secret), missing: redacted ? 'its recorded value is redacted' : 'no value and no default' };
    const problem = parameterProblem(p, value);
    if (problem) return { name: p.name, secret: Boolean(p.secret), value, problem };
    params[p.name] = value;
    return { name: p.name, secret: Boolean(p.secret), value };
  });
  const redactor = createRedactor({ secrets: secretValues(runbook, params) });
  const targets = await resolveRunTargets(runbook, targetNames, options);
  try {
    guardLocalSteps(runbook, targets.hosts, targets.stepTargets);
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    problems.push(`${error.message}${error.hint ? ` ${error.hint}` : ''}`);
  }
  const rules: Record<string, VariableRule> = Object.fromEntries(
    declared.map((p) => [p.name, { type: p.type as VariableType | undefined, pattern: p.pattern }]),
  );
  const missingNames = new Set(parameters.filter((p) => p.missing || p.problem).map((p) => p.name));
  const steps = runbook.steps.map((step) => planStep(runbook, step, targets, params, rules, missingNames, (t) => redactor.redactKnown(t)));
  return {
    file: runbook.fileName,
    title: runbook.frontMatter?.title,
    target: targets.names,
    hosts: targets.hosts.map((h) => ({ name: h.name, address: address(h) })),
    parameters: parameters.map((p) => (p.secret && p.value ? { ...p, value: '[secret]' } : p)),
    steps,
    problems,
  };
}

function planStep(
  runbook: Runbook,
  step: Step,
  targets: RunTargets,
  params: Record<string, string>,
  rules: Record<string, VariableRule>,
  missingNames: Set<string>,
  redact: (t: string) => string,
): PlannedStep {
  const names = [...new Set([...step.command.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  const missingParameters = names.filter((n) => missingNames.has(n));
  const runtimeValues = names.filter((n) => params[n] === undefined && !missingNames.has(n));
  const marker = (n: string) => `@@plan:${n}@@`;
  const variables = { ...params, ...Object.fromEntries([...missingParameters, ...runtimeValues].map((n) => [n, marker(n)])) };
  const checked = Object.fromEntries(Object.entries(rules).filter(([n]) => !missingParameters.includes(n)));
  let command: string;
  try {
    command = buildStepScript(step.command, variables, checked);
    for (const n of runtimeValues) command = command.split(`'${marker(n)}'`).join(`<${n}: from an earlier step>`);
    for (const n of missingParameters) command = command.split(`'${marker(n)}'`).join(`<${n}: missing parameter>`);
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    command = `${step.command}\n# not runnable: ${error.message}`;
  }
  let refused: string | undefined;
  try {
    refuseReparsedValues(runbook, step);
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    refused = error.message;
  }
  let hosts: HostConfig[] = [];
  try {
    hosts = hostsOfStep(runbook, targets, step);
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    refused ??= error.message;
  }
  const own = targets.stepTargets.has(step.key);
  return {
    key: step.id ?? step.key,
    title: step.title,
    hosts: hosts.map((h) => h.name),
    hostsFrom: own ? 'hosts=' : step.attributes.some((a) => a.name === 'roles') ? 'roles=' : 'target',
    command: redact(command),
    runtimeValues,
    missingParameters,
    confirm: step.confirm,
    ...(step.confirmBecause ? { confirmBecause: step.confirmBecause } : {}),
    sudo: Boolean(step.sudo),
    fetch: fetchPaths(step).map((p) => redact(plannedPath(p, params, rules))),
    ...(fetchPaths(step).length ? plannedCap(step, runbook.fileName) : {}),
    ...(refused ? { refused } : {}),
  };
}

/** A `fetch=` path as the run would read it, or as written with why it cannot be filled yet. */
function plannedPath(template: string, params: Record<string, string>, rules: Record<string, VariableRule>): string {
  try {
    return substitutePath(template, params, rules);
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    return `${template} (${error.message.replace(/^fetch=\S+: /, '')})`;
  }
}

/** The cap, so a capture planned larger than it is seen before it runs (a bad fetch-max= is already a file error). */
function plannedCap(step: Step, fileName: string): { fetchMax?: number } {
  try {
    return { fetchMax: fetchCap(step, fileName) };
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    return {};
  }
}

/** 1000 -> "1000 bytes", 1048576 -> "1 MiB", 50000000 -> "50 MB": as fetch-max= would be written. */
function capText(bytes: number): string {
  for (const [unit, size] of [
    ['GB', 1e9],
    ['GiB', 1024 ** 3],
    ['MB', 1e6],
    ['MiB', 1024 ** 2],
    ['KB', 1e3],
    ['KiB', 1024],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}

function address(h: HostConfig): string {
  if (h.kind === 'local') return 'this machine';
  return `${h.user ? `${h.user}@` : ''}${h.hostname}:${h.port}`;
}

/** The plan as text for a terminal or a read-only editor. */
export function planText(plan: RunPlan): string {
  const out: string[] = [`Plan for ${plan.file}${plan.title ? ` (${plan.title})` : ''}: nothing is run and no host is contacted.`, ''];
  out.push(`Target: ${plan.target.join(', ')} (${plan.hosts.length} host${plan.hosts.length === 1 ? '' : 's'})`);
  for (const h of plan.hosts) out.push(`  ${h.name}  ${h.address}`);
  out.push('', 'Parameters:');
  if (plan.parameters.length === 0) out.push('  (none)');
  for (const p of plan.parameters)
    out.push(
      `  ${p.name} = ${p.missing ? `MISSING (${p.missing}): the run will ask` : p.problem ? `${JSON.stringify(p.value)} INVALID: ${p.problem}` : JSON.stringify(p.value)}`,
    );
  for (const problem of plan.problems) out.push('', `Would stop before any step: ${problem}`);
  const gates = plan.steps.filter((s) => s.confirm);
  const sudo = plan.steps.filter((s) => s.sudo);
  out.push('', `Confirm gates: ${gates.map((s) => s.key).join(', ') || 'none'}`, `Steps that need sudo: ${sudo.map((s) => s.key).join(', ') || 'none'}`);
  plan.steps.forEach((s, i) => {
    const flags = [s.confirm ? `CONFIRM (${s.confirmBecause ?? 'it changes the host'})` : '', s.sudo ? 'SUDO' : ''].filter(Boolean).join(', ');
    out.push('', `${i + 1}. ${s.key}${s.title ? ` — ${s.title}` : ''}${flags ? `  [${flags}]` : ''}`);
    out.push(`   hosts (${s.hostsFrom}): ${s.hosts.join(', ') || '(none)'}`);
    if (s.missingParameters.length) out.push(`   missing parameters: ${s.missingParameters.join(', ')}`);
    if (s.runtimeValues.length) out.push(`   values from earlier steps: ${s.runtimeValues.join(', ')}`);
    if (s.fetch.length) out.push(`   fetches: ${s.fetch.join(', ')}${s.fetchMax !== undefined ? ` (at most ${capText(s.fetchMax)} each)` : ''}`);
    if (s.refused) out.push(`   REFUSED: ${s.refused}`);
    out.push(...s.command.split('\n').map((l) => `   | ${l}`));
  });
  return `${out.join('\n')}\n`;
}
