// A reopened record shows what the live run showed: the result view rebuilt from the outputs saved
// in the file (findings, evidence state, values, next step, routes, errors), through the same
// builders as a live run (groupView.ts, resultView.ts). Pure; the serializer calls it.

import { RunbookError, type FailureKind } from '../base/failure';
import type { CheckOutcome } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { StepResultView } from '../protocol/renderer';
import type { Runbook, SavedOutput, Step } from '../runbook/model';
import { redactDeep } from '../redact/redactor';
import { comparedRun, perHostStep, type Comparison, type RoleStepRun } from './compare';
import { decideNext, findStep } from './decide';
import { toGroupResultView } from './groupView';
import { routesOf, sharedDecision } from './routes';
import type { HostRun, StepRun } from './runTypes';

/**
 * The saved outputs of a step, one list per run: the notebook keeps only the last run's outputs,
 * the CLI appends each run's after the earlier ones, so a host seen again starts the next run.
 */
export function savedRuns(outputs: readonly SavedOutput[]): SavedOutput[][] {
  const runs: SavedOutput[][] = [];
  let current: SavedOutput[] = [];
  for (const output of outputs) {
    if (current.some((o) => o.host === output.host)) {
      runs.push(current);
      current = [];
    }
    current.push(output);
  }
  if (current.length) runs.push(current);
  return runs;
}

/** The view of one run of `step` from its saved outputs (one per host). */
export function savedResultView(runbook: Runbook, step: Step, outputs: readonly SavedOutput[]): StepResultView {
  const view = toGroupResultView(savedRun(runbook, step, outputs), [...outputs]);
  // The record says what the evidence was; old records (no `evidence`) keep what the rebuilt run says.
  view.hosts.forEach((host, i) => {
    const saved = outputs[i];
    if (saved.evidence) host.evidence = saved.evidence;
    if (saved.evidence === 'inconclusive' && saved.inconclusive) host.inconclusive = { ...saved.inconclusive };
    else if (saved.evidence) delete host.inconclusive;
    if (saved.samples && saved.samples.length > 1) host.samples = [...saved.samples];
  });
  const started = outputs
    .map((o) => o.startedAt)
    .filter(Boolean)
    .sort()[0];
  if (started) view.savedAt = started;
  return view;
}

/** The run as the live run had it: each host's own result, and for a `compare=` step the comparison deciding for both ends. */
export function savedRun(runbook: Runbook, step: Step, outputs: readonly SavedOutput[]): StepRun | RoleStepRun {
  const saved = outputs.find((o) => o.comparison)?.comparison;
  if (saved) {
    // Each end was judged as the step without its findings and next (compare.ts perHostStep), then the comparison decided.
    const ends = perHostStep(step);
    const hostRuns = outputs.map((o) => ({ ...hostRunOf(runbook, ends, o, true), step }));
    const outcome: CheckOutcome = { values: saved.values, findings: saved.findings, warnings: saved.warnings, why: saved.why };
    const comparison: Comparison = { name: saved.name as Comparison['name'], client: saved.client, server: saved.server, outcome };
    const next = outputs[0].next ? findStep(runbook, outputs[0].next) : undefined;
    return comparedRun(step, hostRuns, comparison, saved.compared ? { next, why: saved.why } : undefined);
  }
  const hostRuns = outputs.map((o) => hostRunOf(runbook, step, o));
  const routes = routesOf(hostRuns);
  return { step, hostRuns, decision: sharedDecision(hostRuns, routes), routes };
}

/**
 * What each end of a compared run saves, redacted as every saved field is: the comparison itself,
 * and its findings and decision as the output's own (what Run to Next Decision and the confirm
 * prompt read from a single output).
 */
export function comparisonRecord(run: RoleStepRun, redact: (text: string) => string): Partial<Pick<SavedOutput, 'findings' | 'next' | 'why' | 'comparison'>> {
  const { comparison } = run;
  if (!comparison) return {};
  const { outcome } = comparison;
  const why = redact(run.decision.why);
  return {
    findings: redactDeep(outcome.findings, redact),
    next: run.decision.next?.key,
    why,
    comparison: {
      name: comparison.name,
      client: redactDeep(comparison.client, redact),
      server: redactDeep(comparison.server, redact),
      values: redactDeep(outcome.values, redact),
      findings: redactDeep(outcome.findings, redact),
      warnings: redactDeep(outcome.warnings, redact),
      why,
      // A compared run decides on one route (compare.ts comparedRun); an end that did not finish leaves none.
      compared: run.routes.length > 0,
    },
  };
}

function hostRunOf(runbook: Runbook, step: Step, saved: SavedOutput, ownDecision = false): HostRun {
  const empty = { text: '', bytes: 0, truncated: false };
  const error = saved.error ? new RunbookError(saved.error.kind as FailureKind, saved.error.message, saved.error.hint) : undefined;
  // Only a finished run was judged: the others carry their error, as they did live.
  const finished = saved.termination === 'exit' || saved.termination === 'signal';
  const outcome: CheckOutcome | undefined = finished
    ? {
        values: saved.values,
        findings: ownDecision ? [] : saved.findings,
        next: ownDecision ? undefined : saved.next,
        why: saved.why ?? '',
        warnings: [],
        ...(saved.evidence ? { evidence: saved.evidence } : {}),
        ...(saved.inconclusive ? { inconclusive: saved.inconclusive } : {}),
      }
    : undefined;
  const next = saved.next ? findStep(runbook, saved.next) : undefined;
  // An end of a compared step decided on its own output only (the comparison's decision is the run's).
  const decision = ownDecision ? decideNext(runbook, step, outcome) : { next, why: saved.why ?? '' };
  return {
    runId: saved.runId,
    step,
    host: savedHost(saved.host),
    command: step.command,
    result: {
      host: saved.host,
      startedAt: new Date(saved.startedAt || 0),
      durationMs: saved.durationMs,
      exitCode: saved.exitCode,
      signal: saved.signal ?? null,
      termination: saved.termination,
      // The saved text is stdout then stderr; what reads as stderr (a denial) is found in it as well.
      stdout: { ...empty, text: saved.text },
      stderr: { ...empty, text: finished && saved.exitCode !== 0 ? saved.text : '' },
      ...(error ? { error } : {}),
    },
    outcome,
    decision,
  };
}

/** Only the name is known of a host in a record; nothing here connects to it. */
function savedHost(name: string): HostConfig {
  return {
    name,
    kind: name === 'local' ? 'local' : 'ssh',
    hostname: name,
    port: 22,
    user: '',
    identityFiles: [],
    identitiesOnly: false,
    proxyJump: [],
    serverAliveInterval: 0,
    serverAliveCountMax: 3,
    userKnownHostsFiles: [],
    globalKnownHostsFiles: [],
    strictHostKeyChecking: 'ask',
    hashKnownHosts: false,
    origin: 'the incident record',
  };
}
