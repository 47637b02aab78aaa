// What the notebook renderer shows for a step's run: values, findings, the decision and, when a
// host failed, what happened and what to do. Built from the engine's StepRun; no VS Code here.

import type { Step } from '../runbook/model';
import type { FailureKind, RunbookError } from '../base/failure';
import type { Decision } from './decide';
import type { ErrorView, HostResultView, NextStepView, StepResultView } from '../protocol/renderer';
import type { HostRun, StepRun } from './runStep';
import { inconclusiveRun } from './evidence';
import { splitSampleText } from './sampleText';

/** What to do about each kind of failure, when the error itself carries no hint. */
const ADVICE: Record<FailureKind, string> = {
  auth: 'Check the user and key for this host (ssh -v HOST shows what the server accepts), or load the key into ssh-agent.',
  'host-key-unknown': 'Check the fingerprint with the host owner, then run the step again and trust the key.',
  'host-key-changed': 'The host key differs from known_hosts: confirm with the host owner why before removing the old line (ssh-keygen -R HOST).',
  'host-key-revoked': 'The host key is revoked in known_hosts: do not connect; ask the host owner.',
  timeout:
    "The host or the step took too long: raise the step's timeout=... attribute or the runbook.step.defaultTimeout setting, or check that the host is reachable.",
  keepalive: 'The host stopped answering mid-run (network or host down): check the host, then run the step again.',
  socket: 'The connection was refused or lost: check that sshd runs on the host and the port is right.',
  dns: 'The host name does not resolve: check HostName in ~/.ssh/config or the inventory.',
  config: 'Fix the host, group or parameter named in the message (see the Hosts view).',
  channel: 'The server refused a session: lower runbook.ssh.maxSessionsPerHost or raise MaxSessions on the host.',
  cancelled: 'The step was cancelled; run it again when ready.',
  internal: 'This is a bug in Incident Runbooks: please report it with the log (Output > Incident Runbooks).',
};

export function adviceFor(kind: FailureKind): string {
  return ADVICE[kind] ?? ADVICE.internal;
}

export function errorView(error: RunbookError): ErrorView {
  return { kind: error.kind, message: error.message, hint: error.hint ?? adviceFor(error.kind) };
}

export function nextStepView(decision: Decision): NextStepView | null {
  const next: Step | undefined = decision.next;
  if (!next) return null;
  const view: NextStepView = { key: next.key, why: decision.why };
  if (next.title) view.title = next.title;
  if (next.confirm) view.confirm = true;
  return view;
}

export function hostResultView(run: HostRun, outlier?: string[]): HostResultView {
  const { result } = run;
  const view: HostResultView = {
    host: run.host.name,
    startedAt: result.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    exitCode: result.exitCode,
    signal: result.signal,
    termination: result.termination,
    values: run.outcome?.values ?? {},
    findings: run.outcome?.findings ?? [],
    // A run that did not finish (cancelled, timed out, lost) decides nothing: no "End of runbook" under it.
    next: finishedRun(run) ? nextStepView(run.decision) : undefined,
  };
  if (result.error) view.error = errorView(result.error);
  else if (run.decision.problem) view.error = { kind: 'config', message: run.decision.problem, hint: 'Fix the check block, then run the step again.' };
  if (outlier?.length) view.outlier = outlier;
  Object.assign(view, evidenceView(run));
  const samples = splitSampleText(result.stdout.text);
  if (samples.length > 1) view.samples = samples.map((s) => s.at.toISOString());
  return view;
}

/** The evidence state the renderer shows first: inconclusive with why and what to do, else findings or nothing found. */
export function evidenceView(run: HostRun): Pick<HostResultView, 'evidence' | 'inconclusive'> {
  const unsure = inconclusiveRun(run);
  if (unsure) return { evidence: 'inconclusive', inconclusive: { reason: unsure.reason, ...(unsure.hint ? { hint: unsure.hint } : {}) } };
  // A run that did not finish has its error box; it read no evidence either way.
  if (!finishedRun(run)) return {};
  return { evidence: (run.outcome?.findings.length ?? 0) > 0 ? 'findings' : 'nothing-found' };
}

/**
 * The payload for one run, host by host. Group runs need the group's analysis too (outliers, chart
 * values, the two-ends comparison): use `toGroupResultView` from groupView.ts, which builds on this.
 */
export function stepResultView(run: StepRun): StepResultView {
  const view: StepResultView = {
    version: 1,
    stepKey: run.step.key,
    stepTitle: run.step.title,
    hosts: run.hostRuns.map((r) => hostResultView(r)),
    next: run.hostRuns.some(finishedRun) ? nextStepView(run.decision) : undefined,
  };
  if (!run.step.title) delete view.stepTitle;
  if (run.parameters && Object.keys(run.parameters).length > 0) view.parameters = run.parameters;
  return view;
}

function finishedRun(run: HostRun): boolean {
  return run.result.termination === 'exit' || run.result.termination === 'signal';
}

/** True when a host's run did not finish (error, timeout, cancel): the cell ends as failed. */
export function failedRuns(run: StepRun): HostRun[] {
  return run.hostRuns.filter((r) => r.result.termination !== 'exit' && r.result.termination !== 'signal');
}
