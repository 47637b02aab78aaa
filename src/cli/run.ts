// `runbook run FILE`: the terminal's adapter over the run pipeline (src/pipeline/): it turns options
// into a request, prints what each step found and where the hosts go, and maps the verdict to an
// exit code. Ctrl-C stops the remote steps as a timeout does, then exits 130 (SIGTERM: 143).

import path from 'node:path';
import { isRunbookError } from '../base/failure';
import { findStep } from '../engine/decide';
import { createExecutors } from '../engine/executors';
import { startIncident } from '../engine/incident';
import { journalPathFor } from '../engine/journal';
import { createRedactor } from '../redact/redactor';
import { parseDuration } from '../runbook/attributes';
import type { Runbook, Step } from '../runbook/model';
import { openIncidentRun, type IncidentRun, type RunListener } from '../pipeline/incidentRun';
import { errorLines, fileRecordWriter, readRunbookFile } from '../pipeline/load';
import { EXIT, exitCodeOf, exitCodeOfProgression } from '../pipeline/verdict';
import { printGroupRun, printProgression, groupProgress } from './group';
import { bold, dim, formatHostRun, stepTitle } from './print';
import { terminalPrompter } from './prompt';
import { targetOptions } from './target';
import { interruptions } from './interrupt';

export interface RunOptions {
  host?: string;
  group?: string;
  step?: string[];
  from?: string;
  auto?: boolean;
  var?: string[];
  yes?: boolean;
  incident?: string | boolean;
  inventory?: string | string[];
  sshConfig?: string;
  executor?: 'ssh2' | 'ansible';
  concurrency?: number;
  timeout?: string;
  quiet?: boolean;
  reopen?: boolean;
  onlyFailed?: boolean;
  allHosts?: boolean;
}

export async function runCommand(file: string, options: RunOptions): Promise<number> {
  let given: Record<string, string>;
  try {
    given = Object.fromEntries((options.var ?? []).map(splitVar));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.badInput;
  }
  const targetNames = [options.group ?? options.host].filter((t): t is string => Boolean(t));
  const recordPath = options.incident ? startRecord(file, options, targetNames, given) : file;
  const interrupt = interruptions();
  const executors = createExecutors({ prompter: terminalPrompter(options), engine: options.executor });
  let run: IncidentRun | undefined;
  try {
    const runbook = readRunbookFile(recordPath);
    for (const line of errorLines(runbook)) process.stderr.write(`${line}\n`);
    const isRecord = Boolean(runbook.frontMatter?.incident);
    const redactor = createRedactor();
    const prompter = terminalPrompter(options);
    run = await openIncidentRun({
      runbook,
      recordPath: isRecord ? recordPath : undefined,
      // Without --host/--group a record goes back to the hosts it was started on (pipeline/targets.ts).
      targetNames,
      targetOptions: targetOptions(options),
      given,
      prompter: { ...prompter, askSecret: async (q) => remember(await prompter.askSecret(q), redactor.addSecret) },
      executors,
      redactor,
      settings: { defaultTimeoutMs: options.timeout ? parseDuration(options.timeout) : undefined, concurrency: options.concurrency },
      listener: listenerFor(options),
      writeRecord: isRecord ? fileRecordWriter(recordPath) : undefined,
      reopen: options.reopen,
    });
    const code = options.auto ? await runAuto(run, options, interrupt.signal) : await runListed(run, options, interrupt.signal);
    if (isRecord) process.stderr.write(`\nRecorded in ${recordPath} (journal: ${journalPathFor(recordPath)})\n`);
    return interrupt.exitCode() ?? code;
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return interrupt.exitCode() ?? (error.kind === 'config' ? EXIT.badInput : EXIT.failed);
  } finally {
    run?.close();
    await executors.closeAll();
    interrupt.dispose();
  }
}

async function runAuto(run: IncidentRun, options: RunOptions, signal: AbortSignal): Promise<number> {
  const from = options.from ? findStep(run.runbook, options.from) : run.runbook.steps[0];
  if (!from) return noSuchStep(run.runbook, options.from);
  const result = await run.auto(from, { signal });
  printProgression(result);
  return exitCodeOfProgression(result);
}

async function runListed(run: IncidentRun, options: RunOptions, signal: AbortSignal): Promise<number> {
  const steps = selectSteps(run.runbook, options);
  if (!steps) return EXIT.badInput;
  if (options.onlyFailed) return runOnlyFailed(run, steps, options, signal);
  const { runs, stoppedBecause } = await run.steps(steps, {
    signal,
    onSkipped: (step) => process.stdout.write(`\n${bold(stepTitle(step))}\n  ${dim('skipped: it needs a yes and was not confirmed')}\n`),
  });
  if (stoppedBecause) process.stdout.write(`\n${bold('Stopped')}: ${stoppedBecause}\n`);
  return exitCodeOf(runs);
}

/** `--only-failed`: each `--step` again on the hosts whose last result in the record needs another go. */
async function runOnlyFailed(run: IncidentRun, steps: Step[], options: RunOptions, signal: AbortSignal): Promise<number> {
  if (!options.step?.length || !run.runbook.frontMatter?.incident) {
    process.stderr.write(`${run.runbook.fileName}: --only-failed re-runs a step of an incident record: give the record and --step ID.\n`);
    return EXIT.badInput;
  }
  const runs = [];
  for (const step of steps) {
    const hosts = run.failedHostsOf(step);
    if (hosts.length === 0) {
      process.stdout.write(`\n${bold(stepTitle(step))}\n  ${dim('nothing to re-run: every host of its last result finished with evidence')}\n`);
      continue;
    }
    process.stderr.write(
      `Re-running ${stepTitle(step)} on ${hosts.length} failed host${hosts.length === 1 ? '' : 's'}: ${hosts.map((h) => h.name).join(', ')}\n`,
    );
    const stepRun = await run.step(step, { hosts, signal });
    if (stepRun) runs.push(stepRun);
  }
  return exitCodeOf(runs);
}

/** Prints each step as it ends: one host in full, a group as a table with its routes; group progress on stderr. */
function listenerFor(options: RunOptions): RunListener {
  let progress: ReturnType<typeof groupProgress> | undefined;
  return {
    stepStarted: (_step, hosts) => {
      progress = hosts.length > 1 ? groupProgress(hosts.length) : undefined;
    },
    ended: (hostRun) => progress?.ended(hostRun),
    evidenceFetched: (files) => {
      for (const f of files)
        process.stderr.write(
          f.file
            ? `fetched ${f.host}:${f.remotePath} -> ${f.file} (${f.bytes} bytes, ${f.kind}, sha256 ${f.sha256})\n`
            : `not fetched ${f.host}:${f.remotePath}: ${f.error}\n`,
        );
    },
    progress: (p) => progress?.update(p),
    stepEnded: (stepRun, saved) => {
      progress?.finish();
      if (stepRun.hostRuns.length === 1 && !('comparison' in stepRun)) {
        process.stdout.write(`\n${bold(`▶ ${stepTitle(stepRun.step)}`)}\n${formatHostRun(stepRun.hostRuns[0], { showOutput: !options.quiet })}\n`);
      } else {
        printGroupRun(stepRun, saved, { allHosts: options.allHosts });
      }
    },
  };
}

function remember(secret: string | undefined, add: (s: string) => void): string | undefined {
  if (secret) add(secret); // whatever was typed never reaches a record or a log
  return secret;
}

function startRecord(file: string, options: RunOptions, target: string[], parameters: Record<string, string>): string {
  const started = startIncident(file, {
    title: typeof options.incident === 'string' ? options.incident : undefined,
    target,
    parameters,
    folder: path.resolve('incidents'),
  });
  process.stderr.write(`Incident record: ${started.recordPath}\n`);
  return started.recordPath;
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
  return EXIT.badInput;
}

export function splitVar(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--var ${text}: expected name=value`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}
