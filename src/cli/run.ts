// `runbook run FILE`: run steps on a host or a group from a terminal, print what each step found
// and where it leads; in an incident record, every run is journaled and saved into the record.

import fs from 'node:fs';
import path from 'node:path';
import type { AutoRunResult } from '../engine/autoRun';
import { createExecutors } from '../engine/executors';
import { startIncident } from '../engine/incident';
import { journalPathFor } from '../engine/journal';
import type { Confirmation, HostRun, StepRun } from '../engine/runStep';
import { IncidentSession } from '../engine/session';
import { findStep } from '../engine/decide';
import { resolveStepTargets } from '../engine/stepTargets';
import { resolveTarget } from '../hosts/targets';
import type { HostConfig } from '../hosts/types';
import { createRedactor } from '../redact/redactor';
import { parseDuration } from '../runbook/attributes';
import type { Runbook, Step } from '../runbook/model';
import { bold, dim, formatFinding, formatHostRun } from './print';
import { loadRunbook, recordWriter } from './record';
import { resolveParameters } from './parameters';
import { printAutoPaths, printGroupRun } from './group';
import { terminalPrompter } from './prompt';
import { resolveCliTarget, targetOptions } from './target';
import { runOnRoles, stepRoles } from '../engine/compare';
import { resolveRoles } from '../hosts/targets';
import { RunbookError } from '../base/failure';

export interface RunOptions {
  host?: string;
  group?: string;
  step?: string[];
  from?: string;
  auto?: boolean;
  var?: string[];
  yes?: boolean;
  incident?: string | boolean;
  inventory?: string;
  sshConfig?: string;
  concurrency?: number;
  timeout?: string;
  quiet?: boolean;
}

export async function runCommand(file: string, options: RunOptions): Promise<number> {
  let recordPath = file;
  if (options.incident) {
    const started = startIncident(file, {
      title: typeof options.incident === 'string' ? options.incident : undefined,
      target: [options.group ?? options.host].filter((t): t is string => Boolean(t)),
      parameters: Object.fromEntries((options.var ?? []).map(splitVar)),
      folder: path.resolve('incidents'),
    });
    recordPath = started.recordPath;
    process.stderr.write(`Incident record: ${recordPath}\n`);
  }

  const runbook = loadRunbook(recordPath);
  if (!runbook) return 2;
  const isRecord = Boolean(runbook.frontMatter?.incident);

  const prompter = terminalPrompter();
  const params = await resolveParameters(runbook, options.var ?? [], prompter);
  if (!params) return 2;
  const secrets = (runbook.frontMatter?.parameters ?? []).filter((p) => p.secret && params[p.name]).map((p) => params[p.name]);
  const redactor = createRedactor({ secrets });
  const watchedPrompter = {
    ...prompter,
    async askSecret(question: string) {
      const answer = await prompter.askSecret(question);
      if (answer) redactor.addSecret(answer); // whatever was typed never reaches a record or a log
      return answer;
    },
  };

  const hosts = await resolveCliTarget(runbook, options);
  if (!hosts) return 2;
  const roles = await targetRoles(runbook, options, hosts);
  if (!roles) return 2;
  const stepTargets = await resolveStepHosts(runbook, options);
  if (!stepTargets) return 2;
  if (options.auto && hosts.length > 1) {
    const comparing = runbook.steps.find((s) => s.attributes.some((a) => a.name === 'compare'));
    if (comparing) {
      process.stderr.write(
        `${runbook.fileName}:${comparing.range.start.line + 1}: step "${comparing.key}" compares two ends, but --auto runs each host on its own. Run without --auto (e.g. --from ${comparing.id ?? comparing.key}).\n`,
      );
      return 2;
    }
  }

  const executors = createExecutors({ prompter: watchedPrompter });
  const write = isRecord ? recordWriter(recordPath) : undefined;
  const session = new IncidentSession({
    runbook,
    recordPath: isRecord ? recordPath : undefined,
    params,
    executorFor: (h) => executors.executorFor(h),
    redactor,
    defaultTimeoutMs: options.timeout ? parseDuration(options.timeout) : undefined,
    concurrency: options.concurrency,
    observer: hosts.length > 1 ? groupProgress(hosts.length) : undefined,
  });
  const save = async (run: HostRun) => {
    if (write) await write(await session.savedOutput(run));
  };

  let failures = 0;
  try {
    if (options.auto) {
      const from = options.from ? findStep(runbook, options.from) : runbook.steps[0];
      if (!from) return noSuchStep(runbook, options.from);
      const results = await Promise.all(
        hosts.map((host) =>
          session.auto(from, host, {
            stepTargets,
            confirm: async (step, targets) =>
              (await confirmStep(step, targets, options, watchedPrompter)) ? session.confirmation(options.yes ? '--yes' : 'typed yes') : undefined,
            onStep: async (run) => {
              if (hosts.length === 1) printStep(run.step, [run], options);
              await save(run);
            },
          }),
        ),
      );
      results.forEach((result, i) => printAutoSummary(hosts[i], result, hosts.length > 1));
      if (hosts.length > 1) printAutoPaths(hosts, results);
      failures = results.filter((r) => r.reason === 'error').length;
    } else {
      const steps = selectSteps(runbook, options);
      if (!steps) return 2;
      for (const step of steps) {
        let confirmation: Confirmation | undefined;
        if (step.confirm) {
          if (!(await confirmStep(step, hosts, options, watchedPrompter))) {
            process.stdout.write(`\n${bold(stepTitle(step))}\n  ${dim('skipped: changes the host and was not confirmed')}\n`);
            continue;
          }
          confirmation = session.confirmation(options.yes ? '--yes' : 'typed yes');
        }
        let run;
        try {
          const own = stepTargets.get(step.key);
          run = own
            ? await session.run(step, own, { confirmation })
            : await runOnRoles(step, roles, { runbook, values: session.values, run: (s, h) => session.run(s, h, { confirmation }) });
        } catch (error) {
          if (!(error instanceof RunbookError) || error.kind !== 'config') throw error;
          process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
          return 2;
        }
        for (const hostRun of run.hostRuns) await save(hostRun);
        if (run.hostRuns.length === 1) printStep(step, run.hostRuns, options);
        else printGroupRun(run, options);
        failures += countFailures(run);
      }
    }
  } finally {
    session.close();
    await executors.closeAll();
  }
  if (isRecord) process.stderr.write(`\nRecorded in ${recordPath} (journal: ${journalPathFor(recordPath)})\n`);
  return failures > 0 ? 1 : 0;
}

/** Steps with their own `hosts=` attribute, resolved up front so a typo stops the run before it starts. */
async function resolveStepHosts(runbook: Runbook, options: RunOptions): Promise<Map<string, HostConfig[]> | undefined> {
  try {
    return await resolveStepTargets(runbook, (name) => resolveTarget(name, targetOptions(options)));
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return undefined;
  }
}

function selectSteps(runbook: Runbook, options: RunOptions): Step[] | undefined {
  if (options.step?.length) {
    const steps: Step[] = [];
    for (const id of options.step) {
      const step = findStep(runbook, id);
      if (!step) {
        noSuchStep(runbook, id);
        return undefined;
      }
      steps.push(step);
    }
    return steps;
  }
  const start = options.from ? findStep(runbook, options.from) : runbook.steps[0];
  if (options.from && !start) {
    noSuchStep(runbook, options.from);
    return undefined;
  }
  return start ? runbook.steps.slice(runbook.steps.indexOf(start)) : [];
}

function noSuchStep(runbook: Runbook, id: string | undefined): number {
  const known = runbook.steps.map((s) => s.id ?? s.key).join(', ') || '(none)';
  process.stderr.write(`${runbook.fileName}: no step "${id ?? ''}". Steps: ${known}\n`);
  return 2;
}

async function confirmStep(step: Step, hosts: HostConfig[], options: RunOptions, prompter: ReturnType<typeof terminalPrompter>): Promise<boolean> {
  if (options.yes) return true;
  const detail = `Host${hosts.length > 1 ? 's' : ''}: ${hosts.map((h) => h.name).join(', ')}\nCommand:\n${step.command.replace(/^/gm, '    ')}`;
  return prompter.confirm(`Step "${stepTitle(step)}" changes the host.`, detail);
}

function printStep(step: Step, runs: HostRun[], options: RunOptions): void {
  process.stdout.write(`\n${bold(`▶ ${stepTitle(step)}`)}\n`);
  for (const run of runs) process.stdout.write(`${formatHostRun(run, { showOutput: !options.quiet })}\n`);
}

function printAutoSummary(host: HostConfig, result: AutoRunResult, group: boolean): void {
  const lines = [`\n${bold(`Path taken on ${host.name}`)}: ${result.path.map((r) => r.step.id ?? r.step.key).join(' → ') || '(none)'}`];
  lines.push(`${bold('Stopped')}: ${result.explanation}`);
  if (result.findings.length) {
    lines.push(bold('Findings'));
    for (const finding of result.findings) lines.push(formatFinding(finding));
  } else if (!group) {
    lines.push(dim('No findings.'));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function groupProgress(total: number) {
  let done = 0;
  return {
    ended(run: HostRun) {
      done++;
      const r = run.result;
      const status = r.termination === 'exit' ? `exit ${r.exitCode}` : `${r.termination}${r.error ? ` (${r.error.kind}: ${r.error.message})` : ''}`;
      process.stderr.write(
        `  [${String(done).padStart(String(total).length)}/${total}] ${run.host.name}: ${run.step.key} ${status} in ${(r.durationMs / 1000).toFixed(2)} s\n`,
      );
    },
  };
}

/** The target's hosts per role: the roles of an inventory group such as `{ client: [a], server: [b] }`, else `all`. */
async function targetRoles(runbook: Runbook, options: RunOptions, hosts: HostConfig[]): Promise<Record<string, HostConfig[]> | undefined> {
  const group = options.group ?? (options.host ? undefined : runbook.frontMatter?.group);
  const usesRoles = runbook.steps.some((s) => s.attributes.some((a) => a.name === 'roles'));
  if (!group || !usesRoles) return { all: hosts };
  try {
    for (const step of runbook.steps) stepRoles(step, runbook.fileName);
    return await resolveRoles(group, targetOptions(options));
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    // A plain group: steps without roles= run on all of it; a step with roles= says what it needs.
    if (/is not a group with roles/.test(error.message)) return { all: hosts };
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return undefined;
  }
}

function countFailures(run: StepRun): number {
  return run.hostRuns.filter((r) => r.result.termination !== 'exit' && r.result.termination !== 'signal').length;
}

export function stepTitle(step: Step): string {
  return step.title ? `${step.title} [${step.id ?? step.key}]` : (step.id ?? step.key);
}

export function splitVar(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--var ${text}: expected name=value`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** Atomic replace: a crash mid-write never leaves half a record. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
