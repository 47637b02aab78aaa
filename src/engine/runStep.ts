// Runs one step on one or more hosts: substitute variables safely, execute, read the output
// through the step's check, and decide where each host goes next. Knows nothing of VS Code.

import { randomUUID } from 'node:crypto';
import { evaluateCheck } from '../checks/evaluate';
import { evaluateSamples } from '../checks/samples';
import type { CheckOutcome } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Runbook, Step } from '../runbook/model';
import { buildStepScript, type VariableRule } from '../ssh/script';
import { sudoRefusal } from '../ssh/sudo';
import type { ExecResult, Executor } from '../ssh/types';
import { RunbookError } from '../base/failure';
import { decideNext, type Decision } from './decide';
import { parseSpilledOutput } from './parseFull';
import { routesOf, sharedDecision } from './routes';
import type { Confirmation, HostRun, RunObserver, StepRun } from './runTypes';

export type { Confirmation, HostRun, RunObserver, StepRun } from './runTypes';
import type { ValueStore } from './scope';

export interface StepRunRequest {
  runbook: Runbook;
  step: Step;
  hosts: HostConfig[];
  executorFor: (host: HostConfig) => Executor;
  values: ValueStore;
  /** Declared parameters (type, pattern) used to validate values before they reach a command. */
  declared?: Record<string, VariableRule>;
  defaultTimeoutMs?: number;
  /** Hosts run at the same time for a group (pssh's default is 32). */
  concurrency?: number;
  signal?: AbortSignal;
  outputCapBytes?: number;
  spillDir?: string;
  /** Required for `confirm` steps: who said yes, and when. */
  confirmation?: Confirmation;
  /** For `sudo` steps: the host's sudo password when sudo needs one (asked once, kept in memory only); undefined = none given. */
  sudoPassword?: (host: HostConfig, wrongBefore: boolean) => Promise<string | undefined>;
  observer?: RunObserver;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_CONCURRENCY = 32;

export async function runStep(request: StepRunRequest): Promise<StepRun> {
  const { step } = request;
  if (step.confirm && !request.confirmation) {
    throw new RunbookError(
      'cancelled',
      `Step "${step.key}" changes the host and was not confirmed.`,
      'Confirm the step before running it (in the CLI: --yes or answer the prompt).',
    );
  }
  if (request.hosts.length === 0) throw new RunbookError('config', `No host to run step "${step.key}" on.`, 'Pick a host or a group.');

  const hostRuns = await mapBounded(request.hosts, request.concurrency ?? DEFAULT_CONCURRENCY, (host) => runOnHost(request, host));
  // Values are recorded after all hosts finished, so hosts of one group run do not see each other's values.
  if (hostRuns.length === 1 && hostRuns[0].outcome) request.values.record(step.key, hostRuns[0].outcome.values);
  const routes = routesOf(hostRuns);
  return { step, hostRuns, decision: sharedDecision(hostRuns, routes), routes };
}

async function runOnHost(request: StepRunRequest, host: HostConfig): Promise<HostRun> {
  const { step, runbook } = request;
  const runId = randomUUID();
  const startedAt = new Date();
  let command = step.command;
  try {
    command = buildStepScript(step.command, request.values.commandVariables(), request.declared);
  } catch (error) {
    const failure = error instanceof RunbookError ? error : new RunbookError('config', String(error));
    const result = failedResult(host.name, startedAt, failure);
    const run: HostRun = { runId, step, host, command: step.command, result, decision: { why: `not run: ${failure.message}` } };
    request.observer?.started?.({ runId, step, host, command: step.command, startedAt, confirmation: request.confirmation });
    request.observer?.ended?.(run);
    return run;
  }

  request.observer?.started?.({ runId, step, host, command, startedAt, confirmation: request.confirmation });
  const samples = await runSamples(request, host, runId, command);
  let result = samples[samples.length - 1].result;

  let outcome: CheckOutcome | undefined;
  let decision: Decision;
  if (result.termination === 'exit' || result.termination === 'signal') {
    if (step.check?.spec) {
      const scope = request.values.scope();
      const spilled = result.stdout.truncated && result.stdout.fullPath ? await parseSpilledOutput(step.check.spec, result.stdout.fullPath) : undefined;
      const context = { stderr: result.stderr.text };
      outcome =
        samples.length > 1
          ? evaluateSamples(
              step.check.spec,
              samples.map((s) => ({ text: s.result.stdout.text, at: s.at })),
              scope,
              spilled,
              context,
            )
          : evaluateCheck(step.check.spec, result.stdout.text, scope, spilled, context);
    }
    decision = decideNext(runbook, step, outcome);
  } else {
    decision = { why: `the step did not finish: ${result.error?.message ?? result.termination}` };
  }
  // Every sample is kept: the record shows each one under its own heading.
  if (samples.length > 1) result = withAllSamples(result, samples);
  const run: HostRun = { runId, step, host, command, result, outcome, decision };
  request.observer?.ended?.(run);
  return run;
}

interface Sample {
  at: Date;
  result: ExecResult;
}

/** The step's command once, or `samples=N` times `interval=` apart (default 5 s) so rules can use delta. and rate.; stops at the first sample that fails. */
async function runSamples(request: StepRunRequest, host: HostConfig, runId: string, command: string): Promise<Sample[]> {
  const { step } = request;
  const count = step.samples ?? 1;
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && !(await pause(step.intervalMs ?? 5000, request.signal))) break;
    const at = new Date();
    const result = await execOnce(request, host, runId, command, at);
    samples.push({ at, result });
    if (result.termination !== 'exit' && result.termination !== 'signal') break;
  }
  return samples;
}

async function execOnce(request: StepRunRequest, host: HostConfig, runId: string, command: string, startedAt: Date): Promise<ExecResult> {
  const exec = (sudo: { password?: string } | undefined) =>
    request.executorFor(host).exec({
      script: command,
      timeoutMs: request.step.timeoutMs ?? request.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: request.signal,
      outputCapBytes: request.outputCapBytes,
      spillDir: request.spillDir,
      sudo,
      onStdout: (chunk) => request.observer?.output?.({ runId, host, stream: 'stdout', chunk }),
      onStderr: (chunk) => request.observer?.output?.({ runId, host, stream: 'stderr', chunk }),
    });
  try {
    if (!request.step.sudo) return await exec(undefined);
    // sudo -n first; a password only when sudo asks for one, and once more if it was wrong.
    let result = await exec({});
    for (let attempt = 0; attempt < 2; attempt++) {
      const refusal = sudoRefusal(result.error);
      if (refusal !== 'password-needed' && refusal !== 'password-wrong') break;
      const password = await request.sudoPassword?.(host, refusal === 'password-wrong');
      if (!password) break;
      result = await exec({ password });
    }
    return result;
  } catch (error) {
    // Executors report failures in the result; anything thrown is still kept, never lost.
    const failure =
      error instanceof RunbookError ? error : new RunbookError('internal', error instanceof Error ? error.message : String(error), undefined, { cause: error });
    return failedResult(host.name, startedAt, failure);
  }
}

/** Waits `ms` unless cancelled first; false when cancelled. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The last sample's result, its text holding every sample under a "── sample i of N at TIME ──" line. */
function withAllSamples(last: ExecResult, samples: Sample[]): ExecResult {
  const joined = (pick: (r: ExecResult) => string) =>
    samples.map((s, i) => `── sample ${i + 1} of ${samples.length} at ${s.at.toISOString()} ──\n${pick(s.result)}`).join(pick(last).endsWith('\n') ? '' : '\n');
  const first = samples[0].result;
  return {
    ...last,
    startedAt: first.startedAt,
    durationMs: last.startedAt.getTime() + last.durationMs - first.startedAt.getTime(),
    stdout: { ...last.stdout, text: joined((r) => r.stdout.text) },
    stderr: last.stderr.text || samples.some((s) => s.result.stderr.text) ? { ...last.stderr, text: joined((r) => r.stderr.text) } : last.stderr,
  };
}

function failedResult(host: string, startedAt: Date, error: RunbookError): ExecResult {
  const empty = { text: '', bytes: 0, truncated: false };
  return {
    host,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    exitCode: null,
    signal: null,
    termination: error.kind === 'cancelled' ? 'cancelled' : 'error',
    stdout: empty,
    stderr: empty,
    error,
  };
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}
