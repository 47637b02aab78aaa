// A reopened record shows what the live run showed: the result view rebuilt from the outputs saved
// in the file (findings, evidence state, values, next step, routes, errors), through the same
// builders as a live run (groupView.ts, resultView.ts). Pure; the serializer calls it.

import { RunbookError, type FailureKind } from '../base/failure';
import type { CheckOutcome } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { StepResultView } from '../protocol/renderer';
import type { Runbook, SavedOutput, Step } from '../runbook/model';
import { findStep } from './decide';
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
  const hostRuns = outputs.map((o) => hostRunOf(runbook, step, o));
  const routes = routesOf(hostRuns);
  const run: StepRun = { step, hostRuns, decision: sharedDecision(hostRuns, routes), routes };
  const view = toGroupResultView(run);
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

function hostRunOf(runbook: Runbook, step: Step, saved: SavedOutput): HostRun {
  const empty = { text: '', bytes: 0, truncated: false };
  const error = saved.error ? new RunbookError(saved.error.kind as FailureKind, saved.error.message, saved.error.hint) : undefined;
  // Only a finished run was judged: the others carry their error, as they did live.
  const finished = saved.termination === 'exit' || saved.termination === 'signal';
  const outcome: CheckOutcome | undefined = finished
    ? {
        values: saved.values,
        findings: saved.findings,
        next: saved.next,
        why: saved.why ?? '',
        warnings: [],
        ...(saved.evidence ? { evidence: saved.evidence } : {}),
        ...(saved.inconclusive ? { inconclusive: saved.inconclusive } : {}),
      }
    : undefined;
  const next = saved.next ? findStep(runbook, saved.next) : undefined;
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
    decision: { next, why: saved.why ?? '' },
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
