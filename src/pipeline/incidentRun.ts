// The run of an incident, shared by the CLI and the notebook: parameters, targets, redactor and
// session are set up once; then one step, a list of steps, or automatic progression, each host
// deciding for itself; every run is journaled and handed to the front's record writer.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunbookError } from '../base/failure';
import { visibleControls } from '../base/visible';
import { runOnRoles, stepRoles, type RoleStepRun } from '../engine/compare';
import { describePlan, parsePolicy, planBatches, runBatches, type BatchPolicy } from '../engine/batches';
import { findStep, stepLabel } from '../engine/decide';
import { routesOf, sharedDecision } from '../engine/routes';
import type { Executors } from '../engine/executors';
import { runProgression, type ConfirmQuestion, type ConfirmedHosts, type ProgressionResult } from '../engine/progression';
import type { Confirmation, HostRun, RunObserver, StepRun } from '../engine/runStep';
import { outputPathFor } from '../engine/journal';
import { IncidentSession } from '../engine/session';
import { comparisonRecord } from '../engine/savedResultView';
import { needsRerun, ProgressCounter, type GroupProgress } from '../engine/progress';
import type { TargetOptions } from '../hosts/targets';
import type { HostConfig } from '../hosts/types';
import type { Redactor } from '../redact/redactor';
import type { Runbook, SavedOutput, Step } from '../runbook/model';
import { guardLocalSteps, refuseAutoWithErrors, refuseReparsedValues } from './guards';
import { guardResolvedRecord } from './lifecycle';
import { fetchedFields, fetchEvidence, fetchPaths } from './evidenceFiles';
import type { EvidenceFileEntry } from '../engine/journal';
import { blockingProblems } from './load';
import { parametersUsed, resolveRunParameters, secretValues } from './parameters';
import type { RunPrompter } from './prompts';
import { hostsOfStep, resolveRunTargets, type RunTargets } from './targets';

export interface RunSettings {
  defaultTimeoutMs?: number;
  outputCapBytes?: number;
  concurrency?: number;
}

/** What a front listens to: host-level events (streaming output, progress) and each finished step with its saved outputs. */
export interface RunListener extends RunObserver {
  stepStarted?(step: Step, hosts: HostConfig[]): void;
  stepEnded?(run: StepRun, saved: SavedOutput[]): void | Promise<void>;
  /** Files a step's `fetch=` brought into the evidence folder (or why not), before `stepEnded`. */
  evidenceFetched?(files: EvidenceFileEntry[]): void;
  /** A group step's progress, after each host ends (done, failed, remaining, ETA). */
  progress?(progress: GroupProgress): void;
}

export interface IncidentRunRequest {
  runbook: Runbook;
  /** The incident record's path: its journal and output files live beside it. Undefined for a run in a template. */
  recordPath?: string;
  /** Target names (host, group, `local`); empty = the runbook's default. */
  targetNames: string[];
  targetOptions: TargetOptions;
  /** Parameters given by the front (`--var`, or typed earlier in the notebook). */
  given: Record<string, string>;
  prompter: RunPrompter;
  executors: Executors;
  redactor: Redactor;
  settings?: RunSettings;
  listener?: RunListener;
  /** Where each run goes in the record (CLI: into the file; notebook: into the cell). */
  writeRecord?: (saved: SavedOutput) => Promise<void>;
  /** Reopen a resolved incident without asking (the CLI's `--reopen`); else the prompter is asked. */
  reopen?: boolean;
}

/** Sets everything up (asking for missing parameters) or throws a RunbookError that says what to do. */
export async function openIncidentRun(request: IncidentRunRequest): Promise<IncidentRun> {
  const blocking = blockingProblems(request.runbook);
  if (blocking.length > 0) throw new RunbookError('config', blocking.join('\n'), `Fix the errors above first (runbook check ${request.runbook.fileName}).`);
  await guardResolvedRecord(request.recordPath, request.prompter, { reopen: request.reopen });
  const params = await resolveRunParameters(request.runbook, request.given, request.prompter);
  for (const secret of secretValues(request.runbook, params)) request.redactor.addSecret(secret);
  const targets = await resolveRunTargets(request.runbook, request.targetNames, request.targetOptions);
  guardLocalSteps(request.runbook, targets.hosts, targets.stepTargets);
  return new IncidentRun(request, params, targets);
}

export class IncidentRun {
  readonly session: IncidentSession;
  /** Outputs too large for memory: kept with the record, or in a private folder removed when the run closes. */
  private readonly spill: { dir: string; remove(): void };

  constructor(
    private readonly request: IncidentRunRequest,
    readonly params: Record<string, string>,
    readonly targets: RunTargets,
  ) {
    this.spill = spillFolder(request.recordPath);
    this.session = new IncidentSession({
      runbook: request.runbook,
      recordPath: request.recordPath,
      params,
      executorFor: (h) => request.executors.executorFor(h),
      redactor: request.redactor,
      defaultTimeoutMs: request.settings?.defaultTimeoutMs,
      outputCapBytes: request.settings?.outputCapBytes,
      // With the Ansible engine every host of a step goes into one ansible run.
      concurrency: request.executors.concurrencyFor(targets.hosts.length, request.settings?.concurrency),
      observer: request.listener && this.progressObserver(request.listener),
      spillDir: this.spill.dir,
      sudoPassword: (host, wrongBefore) => this.sudoPassword(host, wrongBefore),
    });
  }

  /** Counts the hosts of the group step running now; one step runs at a time. */
  private progress?: ProgressCounter;

  private progressObserver(listener: RunListener): RunObserver {
    return {
      started: (r) => listener.started?.(r),
      output: (e) => listener.output?.(e),
      ended: (r) => {
        listener.ended?.(r);
        if (this.progress && r.step.key === this.progressStep) listener.progress?.(this.progress.ended(r));
      },
    };
  }

  private progressStep?: string;

  /** Sudo passwords typed during this run, per host and user: in memory only, redacted everywhere. */
  private readonly sudoPasswords = new Map<string, Promise<string | undefined>>();

  private sudoPassword(host: HostConfig, wrongBefore: boolean): Promise<string | undefined> {
    const key = `${host.user ?? ''}@${host.name}`;
    if (wrongBefore) this.sudoPasswords.delete(key);
    let asked = this.sudoPasswords.get(key);
    if (!asked) {
      asked = this.request.prompter
        .askSecret(`${wrongBefore ? 'Wrong password. ' : ''}sudo password for ${host.user ?? 'your user'} on ${host.name}:`)
        .then((p) => {
          if (p) this.request.redactor.addSecret(p);
          return p;
        });
      this.sudoPasswords.set(key, asked);
    }
    return asked;
  }

  get runbook(): Runbook {
    return this.request.runbook;
  }

  get hosts(): HostConfig[] {
    return this.targets.hosts;
  }

  /** The hosts a step runs on when reached by `hosts`: its own `hosts=`, its roles, else those. */
  hostsOfStep(step: Step, hosts: HostConfig[] = this.targets.hosts): HostConfig[] {
    return hostsOfStep(this.runbook, this.targets, step, hosts);
  }

  /**
   * One step, asking first when it changes the host. Undefined when it was not confirmed.
   * `hosts` narrows the target (the notebook's "run on these hosts" of a route).
   */
  async step(step: Step, options: { hosts?: HostConfig[]; signal?: AbortSignal; onlyFailed?: boolean } = {}): Promise<StepRun | undefined> {
    let hosts = this.hostsOfStep(step, options.hosts);
    if (options.onlyFailed) {
      hosts = this.failedHostsOf(step, hosts);
      if (hosts.length === 0) return undefined;
    }
    let confirmation: Confirmation | undefined;
    if (step.confirm) {
      const yes = await this.confirm({ step, hosts, ledBy: [] });
      if (!yes || yes.hosts.length === 0) return undefined;
      confirmation = yes.confirmation;
      hosts = yes.hosts;
    }
    return this.runOn(step, hosts, confirmation, options.signal);
  }

  /**
   * Steps in order (the CLI's `--step`/`--from` without `--auto`): a step that was not confirmed is
   * skipped; a lost connection or a cancel stops the rest, with the reason.
   */
  async steps(steps: Step[], options: { signal?: AbortSignal; onSkipped?: (step: Step) => void } = {}): Promise<{ runs: StepRun[]; stoppedBecause?: string }> {
    const runs: StepRun[] = [];
    for (const step of steps) {
      if (options.signal?.aborted) return { runs, stoppedBecause: `cancelled before ${stepLabel(step)}` };
      const run = await this.step(step, { signal: options.signal });
      if (!run) {
        options.onSkipped?.(step);
        continue;
      }
      runs.push(run);
      const lost = run.hostRuns.find((r) => r.result.termination === 'cancelled' || r.result.termination === 'connection-lost');
      if (lost && (lost.result.termination === 'cancelled' || run.hostRuns.every((r) => r.result.termination === 'connection-lost'))) {
        return {
          runs,
          stoppedBecause:
            `${lost.result.termination === 'cancelled' ? 'cancelled' : 'the connection was lost'} during ${stepLabel(step)}: ${lost.result.error?.message ?? ''}`.trim(),
        };
      }
    }
    return { runs };
  }

  /** Automatic progression from `from`: each host follows its own findings; see engine/progression.ts. */
  async auto(from: Step, options: { signal?: AbortSignal; hosts?: HostConfig[] } = {}): Promise<ProgressionResult> {
    refuseAutoWithErrors(this.runbook);
    return runProgression({
      from,
      hosts: options.hosts ?? this.targets.hosts,
      run: (step, hosts, confirmation) => this.runOn(step, this.hostsOfStep(step, hosts), confirmation, options.signal),
      confirm: (question) => this.confirm(question),
      signal: options.signal,
      findStep: (id) => findStep(this.runbook, id),
    });
  }

  /**
   * The hosts whose last result for this step in the record failed, was unreachable or inconclusive
   * (`--only-failed`); none when every host's last result was good. Throws when the step has no
   * result in the record, or its failed hosts are not among the targets.
   */
  failedHostsOf(step: Step, hosts: HostConfig[] = this.hostsOfStep(step)): HostConfig[] {
    const last = new Map<string, SavedOutput>();
    for (const o of step.outputs) if (!last.has(o.host) || last.get(o.host)!.startedAt <= o.startedAt) last.set(o.host, o);
    const label = stepLabel(step);
    if (last.size === 0)
      throw new RunbookError('config', `${this.runbook.fileName}: ${label} has no result in this record to re-run from.`, 'Run the step on its hosts first.');
    const failed = new Set([...last.values()].filter((o) => needsRerun({ ...o, okExit: step.okExit })).map((o) => o.host));
    const chosen = hosts.filter((h) => failed.has(h.name));
    if (chosen.length === 0 && failed.size > 0)
      throw new RunbookError(
        'config',
        `${this.runbook.fileName}: the hosts that failed ${label} (${[...failed].join(', ')}) are not among this run's targets.`,
        'Give the group or host they belong to (--group, --host).',
      );
    return chosen;
  }

  close(): void {
    this.session.close();
    this.spill.remove();
  }

  private async runOn(step: Step, hosts: HostConfig[], confirmation: Confirmation | undefined, signal: AbortSignal | undefined): Promise<StepRun> {
    refuseReparsedValues(this.runbook, step);
    this.request.listener?.stepStarted?.(step, hosts);
    this.progress = hosts.length > 1 ? new ProgressCounter(step.key, hosts.length) : undefined;
    this.progressStep = step.key;
    const policy = step.confirm && hosts.length > 1 ? rolloutPolicy(this.runbook, step) : undefined;
    const run = stepRoles(step, this.runbook.fileName).compare
      ? await runOnRoles(step, this.targets.roles, {
          runbook: this.runbook,
          values: this.session.values,
          run: (s, h) => this.session.run(s, h, { confirmation, signal }),
        })
      : policy
        ? await this.rollOut(step, hosts, policy, confirmation, signal)
        : await this.session.run(step, hosts, { confirmation, signal });
    run.parameters = parametersUsed(this.runbook, step.command, this.params);
    let files: EvidenceFileEntry[] = [];
    if (this.request.recordPath && fetchPaths(step).length > 0) {
      const { recordPath, executors, redactor } = this.request;
      files = await fetchEvidence({
        recordPath,
        runbook: this.runbook,
        runs: run.hostRuns,
        executors,
        variables: this.session.values.commandVariables(),
        redactor,
      });
      this.request.listener?.evidenceFetched?.(files);
    }
    const saved = await Promise.all(run.hostRuns.map((r) => this.session.savedOutput(r)));
    const redact = (text: string) => this.request.redactor.redactFields(text);
    // Each host's record says which files it fetched; each end of a comparison carries the comparison,
    // what it found and where it leads: a reopened record shows what the live run showed.
    for (const s of saved) Object.assign(s, fetchedFields(files, s.runId, redact), 'comparison' in run ? comparisonRecord(run as RoleStepRun, redact) : {});
    if (this.request.writeRecord) for (const output of saved) await this.request.writeRecord(output);
    await this.request.listener?.stepEnded?.(run, saved);
    return run;
  }

  /** A host change on a group in batches (canary first); each batch journaled; stops when failures pass the budget. */
  private async rollOut(
    step: Step,
    hosts: HostConfig[],
    policy: BatchPolicy,
    confirmation: Confirmation | undefined,
    signal: AbortSignal | undefined,
  ): Promise<StepRun> {
    const runs: HostRun[] = [];
    const outcome = await runBatches(
      planBatches(hosts, policy),
      async (batch) => {
        const run = await this.session.run(step, batch, { confirmation, signal });
        runs.push(...run.hostRuns);
        return run.hostRuns.map((r) => ({ host: r.host, ok: r.result.termination === 'exit' && (step.okExit ?? [0]).includes(r.result.exitCode ?? -1) }));
      },
      (report) =>
        this.session.note(
          `${step.id ?? step.key}: ${report.kind} ${report.index + 1}: ok ${report.ok.map((h) => h.name).join(', ') || '-'}; failed ${report.failed.map((h) => h.name).join(', ') || '-'}`,
        ),
      signal,
    );
    if (outcome.stopped)
      this.session.note(`${step.id ?? step.key}: rollout stopped: ${outcome.reason}; not run on ${outcome.notRun.map((h) => h.name).join(', ')}`);
    const routes = routesOf(runs);
    const decision = sharedDecision(runs, routes);
    return { step, hostRuns: runs, routes, decision: outcome.stopped ? { why: `rollout stopped: ${outcome.reason}` } : decision };
  }

  private async confirm(question: ConfirmQuestion): Promise<ConfirmedHosts | undefined> {
    const { step, hosts, ledBy } = question;
    const suggestedNames = new Set(ledBy.filter((r) => (r.outcome?.findings ?? []).length > 0).map((r) => r.host.name));
    // Run by hand (a cell, not a progression): the hosts whose last saved result led here with a finding.
    const before = ledBy.length === 0 ? ledHereBefore(this.runbook, step, hosts) : [];
    for (const o of before) suggestedNames.add(o.host);
    const policy = rolloutPolicy(this.runbook, step);
    // A group larger than max-hosts is refused before anyone is asked.
    const plan = policy ? planBatches(hosts, policy) : undefined;
    const answer = await this.request.prompter.confirmStep({
      plan: plan ? describePlan(plan, (h) => h.name) : undefined,
      step,
      title: visibleControls(step.title ? `${step.title} [${step.id ?? step.key}]` : (step.id ?? step.key), false),
      command: visibleControls(step.command),
      hosts,
      suggested: suggestedNames.size > 0 ? hosts.filter((h) => suggestedNames.has(h.name)) : hosts,
      reason: step.confirmBecause ?? 'it changes the host',
      ledBy: [
        ...ledBy.flatMap((r) => (r.outcome?.findings ?? []).map((f) => `${r.host.name}: ${f.severity.toUpperCase()} ${visibleControls(f.message, false)}`)),
        ...before.flatMap((o) => o.findings.map((f) => `${o.host}: ${f.severity.toUpperCase()} ${visibleControls(f.message, false)}`)),
      ],
    });
    if (!answer || answer.hosts.length === 0) return undefined;
    return { confirmation: this.session.confirmation(answer.how), hosts: answer.hosts };
  }
}

/** Per host of `hosts`, its latest saved result of any step, when that result had findings and led to `step`. */
function ledHereBefore(runbook: Runbook, step: Step, hosts: HostConfig[]): SavedOutput[] {
  const latest = new Map<string, SavedOutput>();
  for (const other of runbook.steps)
    for (const o of other.outputs) if (other !== step && (!latest.has(o.host) || latest.get(o.host)!.startedAt <= o.startedAt)) latest.set(o.host, o);
  return hosts.flatMap((h) => {
    const o = latest.get(h.name);
    return o && o.next === step.key && o.findings.length > 0 ? [o] : [];
  });
}

/** The step's `canary=`, `batch=`, `max-failures=`, `max-hosts=`, if any. */
function rolloutPolicy(runbook: Runbook, step: Step): BatchPolicy | undefined {
  return parsePolicy(Object.fromEntries(step.attributes.map((a) => [a.name, a.value])), `${runbook.fileName}:${step.range.start.line + 1}`);
}

/** `<record>.outputs/spill/` (0700) for a record, so nothing captured is lost; else a private temp folder removed at the end. */
function spillFolder(recordPath: string | undefined): { dir: string; remove(): void } {
  if (recordPath) {
    const dir = path.join(path.dirname(outputPathFor(recordPath, 'spill')), 'spill');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { dir, remove: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-spill-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Hosts of a run that did not finish (connection, timeout, cancel). */
export function unfinished(run: StepRun): HostRun[] {
  return run.hostRuns.filter((r) => r.result.termination !== 'exit' && r.result.termination !== 'signal');
}
