// Regression replay: outputs captured in an incident, fed again through the current runbook's
// checks and decisions, host by host, the way `--auto` goes (stop at a critical finding, an
// inconclusive check, a confirm step, the end). Nothing connects anywhere. The verdict it returns
// is also what a record says happened (verdictOfRecord), so the two can be compared.

import { evaluateCheck } from '../checks/evaluate';
import { evaluateSamples } from '../checks/samples';
import { splitSampleText } from './sampleText';
import type { CheckOutcome, Finding, FindingSeverity } from '../checks/spec';
import type { Runbook, SavedOutput, Step } from '../runbook/model';
import { decideNext, findStep } from './decide';
import { ValueStore } from './scope';

/** One captured run of a step on a host: what a record, a journal or a fixture folder holds. */
export interface Capture {
  step: string;
  host: string;
  text: string;
  exitCode: number | null;
  /** `exit`, `signal`, `timeout`, `cancelled`, `connection-lost`, `error`. */
  termination: string;
}

export interface VerdictFinding {
  severity: FindingSeverity;
  message: string;
  cause?: string;
}

export interface RootCause {
  step: string;
  message: string;
  cause?: string;
  /** CONTRACT.md: confirmed when a verify step raised `confirms: cause`. */
  status: 'confirmed' | 'unconfirmed';
}

export type StopReason = 'end' | 'critical' | 'inconclusive' | 'confirm' | 'not-run' | 'cycle' | 'broken-next';

export interface HostVerdict {
  host: string;
  /** Step keys in the order they ran (verify steps included). */
  path: string[];
  /** Findings raised per step on the path; steps that raised none are left out. */
  findings: Record<string, VerdictFinding[]>;
  rootCause?: RootCause;
  /** Causes a verify step refuted (their findings count as not raised). */
  refuted: string[];
  inconclusive: { step: string; reason: string }[];
  stopped: { reason: StopReason; step?: string };
}

/** The diagnosis keys of CONTRACT.md, read where present (older engines do not write them). */
type ContractFinding = Finding & { cause?: string; verify?: string[]; confirms?: string; refutes?: string };
type ContractOutcome = CheckOutcome & { evidence?: string; inconclusive?: { reason: string } };

const finished = (termination: string) => termination === 'exit' || termination === 'signal';

/** Exit codes a step says are fine (`ok-exit=0,1`, CONTRACT.md), besides 0. */
function okExits(step: Step): number[] {
  const attr = step.attributes.find((a) => a.name === 'ok-exit');
  return attr ? attr.value.split(',').map((v) => Number(v.trim())) : [0];
}

/** Why a run cannot count as evidence whatever its check says, or undefined. */
export function runInconclusive(step: Step | undefined, run: { exitCode: number | null; termination: string }): string | undefined {
  if (!finished(run.termination)) return `the step did not finish (${run.termination})`;
  if (run.termination === 'exit' && run.exitCode !== null && !(step ? okExits(step) : [0]).includes(run.exitCode)) return `exit code ${run.exitCode}`;
  return undefined;
}

const asVerdictFinding = (f: ContractFinding): VerdictFinding =>
  f.cause ? { severity: f.severity, message: f.message, cause: f.cause } : { severity: f.severity, message: f.message };

export interface ReplayRequest {
  runbook: Runbook;
  /** Every captured run; each host is replayed on its own, in the order of its captures. */
  captures: readonly Capture[];
  parameters: Record<string, string>;
}

export function replay(request: ReplayRequest): HostVerdict[] {
  const hosts = [...new Set(request.captures.map((c) => c.host))];
  return hosts.map((host) =>
    replayHost(
      request.runbook,
      request.captures.filter((c) => c.host === host),
      request.parameters,
      host,
    ),
  );
}

function replayHost(runbook: Runbook, captures: readonly Capture[], parameters: Record<string, string>, host: string): HostVerdict {
  const verdict: HostVerdict = { host, path: [], findings: {}, refuted: [], inconclusive: [], stopped: { reason: 'end' } };
  const values = new ValueStore(parameters);
  const captureOf = (step: Step) => captures.find((c) => c.step === step.key);
  const stop = (reason: StopReason, step?: Step) => {
    verdict.stopped = step ? { reason, step: step.key } : { reason };
    return verdict;
  };
  // Runs one step from its capture; undefined = it has none.
  const evaluate = (step: Step): { outcome?: ContractOutcome; inconclusive?: string } | undefined => {
    const capture = captureOf(step);
    if (!capture) return undefined;
    verdict.path.push(step.key);
    const failed = runInconclusive(step, capture);
    if (failed) return { inconclusive: failed };
    const samples = splitSampleText(capture.text);
    const outcome: ContractOutcome | undefined = step.check?.spec
      ? samples.length > 1
        ? evaluateSamples(step.check.spec, samples, values.scope())
        : evaluateCheck(step.check.spec, capture.text, values.scope())
      : undefined;
    if (outcome) values.record(step.key, outcome.values);
    if (outcome?.findings.length) verdict.findings[step.key] = outcome.findings.map(asVerdictFinding);
    if (outcome?.evidence === 'inconclusive') return { outcome, inconclusive: outcome.inconclusive?.reason ?? 'the check could not read the output' };
    return { outcome };
  };

  const first = captures.map((c) => findStep(runbook, c.step)).find((s): s is Step => s !== undefined);
  let step: Step | undefined = first;
  const visited = new Set<string>();
  const confirmed = new Set<string>();
  while (step) {
    if (visited.has(step.key)) return stop('cycle', step);
    visited.add(step.key);
    if (step.confirm) return stop('confirm', step);
    const ran = evaluate(step);
    if (!ran) return stop('not-run', step);
    if (ran.inconclusive) {
      verdict.inconclusive.push({ step: step.key, reason: ran.inconclusive });
      return stop('inconclusive', step);
    }
    const raised = (ran.outcome?.findings ?? []) as ContractFinding[];
    // As the live progression does: a suspicion (a warning) follows its `next` to its verify step; only a
    // critical finding with `verify` runs its verify steps before stopping.
    const statuses = verifyCauses(
      raised.filter((f) => f.severity === 'critical'),
      (key) => {
        const verifyStep = findStep(runbook, key);
        if (!verifyStep || verifyStep.confirm || visited.has(verifyStep.key)) return undefined;
        visited.add(verifyStep.key);
        const result = evaluate(verifyStep);
        if (result?.inconclusive) verdict.inconclusive.push({ step: verifyStep.key, reason: result.inconclusive });
        return result?.inconclusive ? undefined : ((result?.outcome?.findings ?? []) as ContractFinding[]);
      },
    );
    for (const f of raised) {
      if (f.confirms) confirmed.add(f.confirms);
      if (f.refutes && !verdict.refuted.includes(f.refutes)) verdict.refuted.push(f.refutes);
    }
    for (const [cause, status] of statuses) {
      if (status === 'refuted' && !verdict.refuted.includes(cause)) verdict.refuted.push(cause);
      if (status === 'confirmed') confirmed.add(cause);
    }
    const standing = raised.filter((f) => !f.cause || !verdict.refuted.includes(f.cause));
    const critical = standing.find((f) => f.severity === 'critical');
    if (critical) {
      const cause = critical.confirms ?? critical.cause;
      verdict.rootCause = rootCauseOf(step.key, { ...critical, cause }, cause && confirmed.has(cause) ? 'confirmed' : 'unconfirmed');
      return stop('critical', step);
    }
    const outcome =
      ran.outcome && standing.length !== raised.length
        ? { ...ran.outcome, findings: standing, next: standing.find((f) => f.next)?.next ?? step.check?.spec?.next }
        : ran.outcome;
    const decision = decideNext(runbook, step, outcome);
    if (decision.problem) return stop('broken-next', step);
    step = decision.next;
  }
  return verdict;
}

type CauseStatus = 'confirmed' | 'refuted' | 'unconfirmed';

/** CONTRACT.md's verification: each raised cause with `verify` steps is confirmed, refuted or left unconfirmed. */
function verifyCauses(raised: ContractFinding[], runVerify: (step: string) => ContractFinding[] | undefined): Map<string, CauseStatus> {
  const statuses = new Map<string, CauseStatus>();
  for (const finding of raised) {
    if (!finding.cause || !finding.verify?.length || statuses.has(finding.cause)) continue;
    let status: CauseStatus = 'unconfirmed';
    for (const key of finding.verify) {
      const found = runVerify(key) ?? [];
      if (found.some((f) => f.refutes === finding.cause)) status = 'refuted';
      else if (status !== 'refuted' && found.some((f) => f.confirms === finding.cause)) status = 'confirmed';
    }
    statuses.set(finding.cause, status);
  }
  return statuses;
}

function rootCauseOf(step: string, finding: ContractFinding, status: CauseStatus | undefined): RootCause {
  const cause: RootCause = { step, message: finding.message, status: status === 'confirmed' ? 'confirmed' : 'unconfirmed' };
  if (finding.cause) cause.cause = finding.cause;
  return cause;
}

/** Consecutive runs of one step on one host count once (the latest); hosts in order of their first run. */
export function runsByHost<T extends Pick<SavedOutput, 'step' | 'host' | 'startedAt'>>(runs: readonly T[]): Map<string, T[]> {
  const byHost = new Map<string, T[]>();
  for (const run of [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    const list = byHost.get(run.host) ?? [];
    if (list.at(-1)?.step === run.step) list[list.length - 1] = run;
    else list.push(run);
    byHost.set(run.host, list);
  }
  return byHost;
}

/** What a record says happened on each host, in the terms of a replay verdict. */
export function verdictOfRecord(runbook: Runbook, runs: readonly SavedOutput[]): HostVerdict[] {
  return [...runsByHost(runs)].map(([host, path]) => {
    const verdict: HostVerdict = { host, path: path.map((r) => r.step), findings: {}, refuted: [], inconclusive: [], stopped: { reason: 'end' } };
    const all = path.flatMap((r) => r.findings as ContractFinding[]);
    const statusOf = (cause: string): CauseStatus =>
      all.some((f) => f.refutes === cause) ? 'refuted' : all.some((f) => f.confirms === cause) ? 'confirmed' : 'unconfirmed';
    for (const run of path) {
      if (run.findings.length) verdict.findings[run.step] = (run.findings as ContractFinding[]).map(asVerdictFinding);
      const recorded = run as SavedOutput & { evidence?: string; inconclusive?: { reason: string } };
      const reason =
        runInconclusive(findStep(runbook, run.step), run) ??
        (recorded.evidence === 'inconclusive' ? (recorded.inconclusive?.reason ?? 'the check could not read the output') : undefined);
      if (reason) verdict.inconclusive.push({ step: run.step, reason });
    }
    verdict.refuted = [...new Set(all.flatMap((f) => (f.cause && statusOf(f.cause) === 'refuted' ? [f.cause] : [])))];
    for (const run of path) {
      const critical = (run.findings as ContractFinding[]).find((f) => f.severity === 'critical' && !(f.cause && verdict.refuted.includes(f.cause)));
      if (critical) {
        // A confirming finding (`confirms: X`) is itself the root cause X, confirmed: as the live run says.
        const cause = critical.confirms ?? critical.cause;
        verdict.rootCause = rootCauseOf(run.step, { ...critical, cause }, cause ? statusOf(cause) : undefined);
        break;
      }
    }
    const last = path.at(-1)!;
    const next = last.next ? findStep(runbook, last.next) : undefined;
    if (verdict.inconclusive.some((i) => i.step === last.step)) verdict.stopped = { reason: 'inconclusive', step: last.step };
    else if (verdict.rootCause) verdict.stopped = { reason: 'critical', step: verdict.rootCause.step };
    else if (last.next === undefined) verdict.stopped = { reason: 'end' };
    else if (!next) verdict.stopped = { reason: 'broken-next', step: last.step };
    else verdict.stopped = { reason: next.confirm ? 'confirm' : 'not-run', step: next.key };
    return verdict;
  });
}
