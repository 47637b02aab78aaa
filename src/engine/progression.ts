// Automatic progression for one host or a whole group: each host follows its own findings. Hosts
// that go the same way run the next step together; a host stops on its own at a critical finding,
// an inconclusive check, a failure, a `confirm` step nobody said yes to, a cycle or the end.

import type { Finding } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Step } from '../runbook/model';
import { stepLabel } from './decide';
import { causeVerdicts, describeCause, pendingVerification, type CauseFinding, type CauseVerdict } from './causes';
import { deniedPrivilege, inconclusiveRun } from './evidence';
import { describeRoutes, finished } from './routes';
import type { Confirmation, HostRun, StepRun } from './runStep';

export type StopReason = 'end' | 'confirm' | 'critical' | 'inconclusive' | 'error' | 'diverged' | 'cycle' | 'limit' | 'cancelled';

/** A yes for a `confirm` step, and the hosts it was given for (a subset of those asked about). */
export interface ConfirmedHosts {
  confirmation: Confirmation;
  hosts: HostConfig[];
}

export interface ConfirmQuestion {
  step: Step;
  /** The hosts that reached the step. */
  hosts: HostConfig[];
  /** The runs whose decision led to the step (their findings say why). */
  ledBy: HostRun[];
}

export interface ProgressionRequest {
  from: Step;
  hosts: HostConfig[];
  /** Runs one step for a set of hosts (the pipeline picks `hosts=`/`roles=` hosts itself). */
  run: (step: Step, hosts: HostConfig[], confirmation: Confirmation | undefined) => Promise<StepRun>;
  /** Asked before a `confirm` step; undefined = no, and those hosts stop there. */
  confirm: (question: ConfirmQuestion) => Promise<ConfirmedHosts | undefined>;
  onStep?: (run: StepRun) => void | Promise<void>;
  signal?: AbortSignal;
  stopAtCritical?: boolean;
  maxSteps?: number;
  /** Finds a step by id: the read-only steps a critical finding names in `verify:` run before progression stops. */
  findStep?: (id: string) => Step | undefined;
}

/** Where one host's progression ended. */
export interface HostStop {
  host: HostConfig;
  /** Steps this host went through, in order. */
  path: Step[];
  /** This host's own runs along the path. */
  runs: HostRun[];
  reason: StopReason;
  /** The step it stopped before (confirm, cycle) or would go to next (critical). */
  stoppedAt?: Step;
  explanation: string;
  findings: Finding[];
  /** Each suspected cause on this host's path: confirmed, refuted or unconfirmed. */
  causes: CauseVerdict[];
}

export interface ProgressionResult {
  /** Every step run, in order (a step run on several hosts at once is one entry). */
  steps: StepRun[];
  /** One entry per host of the target, in target order. */
  hosts: HostStop[];
  /** The one reason when all hosts agree, else the most urgent one. */
  reason: StopReason;
  explanation: string;
  stoppedAt?: Step;
  findings: Finding[];
  /** "Root cause (confirmed): ...", "Suspected cause (unconfirmed): ...", "Refuted: ..." lines, hosts named when they differ. */
  verdicts: string[];
}

interface Branch {
  step: Step;
  hosts: HostConfig[];
  ledBy: HostRun[];
}

/** Most urgent first: what the summary and the exit code report when hosts stopped for different reasons. */
const URGENCY: StopReason[] = ['cancelled', 'error', 'inconclusive', 'critical', 'diverged', 'confirm', 'cycle', 'limit', 'end'];

export async function runProgression(request: ProgressionRequest): Promise<ProgressionResult> {
  const steps: StepRun[] = [];
  const trail = new Map<string, { path: Step[]; runs: HostRun[]; shared: Finding[] }>(request.hosts.map((h) => [h.name, { path: [], runs: [], shared: [] }]));
  const stops = new Map<string, HostStop>();
  const maxSteps = request.maxSteps ?? 100;
  const pending: Branch[] = [{ step: request.from, hosts: request.hosts, ledBy: [] }];
  /** Hosts whose critical finding is being verified: by which finding, raised where. */
  const awaiting = new Map<string, { cause: string; finding: CauseFinding; at: string }>();

  const stop = (hosts: HostConfig[], reason: StopReason, at: Step | undefined, explanation: string) => {
    for (const host of hosts) {
      const own = trail.get(host.name)!;
      const findings = [...own.runs.flatMap((r) => r.outcome?.findings ?? []), ...own.shared];
      const causes = causeVerdicts(own.runs, [{ step: '', findings: own.shared }]);
      stops.set(host.name, { host, path: own.path, runs: own.runs, reason, stoppedAt: at, explanation, findings, causes });
    }
  };

  while (pending.length > 0) {
    const branch = pending.shift()!;
    const { step } = branch;
    let hosts = branch.hosts;
    if (request.signal?.aborted) {
      stop(hosts, 'cancelled', step, `cancelled before ${stepLabel(step)}`);
      continue;
    }
    if (hosts.some((h) => trail.get(h.name)!.path.includes(step))) {
      stop(hosts, 'cycle', step, `stopped: ${stepLabel(step)} was already run in this pass (a cycle in the runbook)`);
      continue;
    }
    if (steps.length >= maxSteps) {
      stop(hosts, 'limit', step, `stopped after ${maxSteps} steps`);
      continue;
    }

    let confirmation: Confirmation | undefined;
    if (step.confirm) {
      const yes = await request.confirm({ step, hosts, ledBy: branch.ledBy });
      const chosen = yes ? hosts.filter((h) => yes.hosts.some((c) => c.name === h.name)) : [];
      const left = hosts.filter((h) => !chosen.includes(h));
      if (left.length > 0) stop(left, 'confirm', step, `stopped before ${stepLabel(step)}: it changes the host and needs a yes`);
      if (!yes || chosen.length === 0) continue;
      confirmation = yes.confirmation;
      hosts = chosen;
    }

    const run = await request.run(step, hosts, confirmation);
    steps.push(run);
    for (const host of hosts) trail.get(host.name)!.path.push(step);
    await request.onStep?.(run);

    const own = new Map(run.hostRuns.map((r) => [r.host.name, r]));
    // A comparison of two ends decides for both together; so does a step run on hosts of its own choosing.
    if (!comparisonOf(run) && hosts.every((h) => own.has(h.name))) followEachHost(run, hosts, own);
    else followTogether(run, hosts);
  }

  /** The first of `finding`'s verify steps these hosts have not run, if it is read-only and exists. */
  function verificationStep(finding: Finding, hosts: HostConfig[]): Step | undefined {
    const done = new Set(trail.get(hosts[0].name)!.path.map((p) => p.id ?? p.key));
    for (const id of pendingVerification(finding, done)) {
      const target = request.findStep?.(id);
      if (target && !target.confirm) return target;
    }
    return undefined;
  }

  /** The usual case: the step ran on the branch's hosts; each goes where its own check says. */
  function followEachHost(run: StepRun, hosts: HostConfig[], own: Map<string, HostRun>): void {
    const onward = new Map<string, { next: Step; hosts: HostConfig[]; ledBy: HostRun[] }>();
    for (const host of hosts) {
      const hostRun = own.get(host.name)!;
      trail.get(host.name)!.runs.push(hostRun);
      const next = judge(run.step, [hostRun], [host]);
      if (!next) continue;
      const group = onward.get(next.key) ?? { next, hosts: [], ledBy: [] };
      group.hosts.push(host);
      group.ledBy.push(hostRun);
      onward.set(next.key, group);
    }
    for (const group of onward.values()) pending.push({ step: group.next, hosts: group.hosts, ledBy: group.ledBy });
  }

  /** A step with its own `hosts=` or `roles=`: its hosts are not the branch's; the branch moves as one, or stops if they disagree. */
  function followTogether(run: StepRun, hosts: HostConfig[]): void {
    const compared = comparisonOf(run);
    for (const host of hosts) {
      const mine = run.hostRuns.find((r) => r.host.name === host.name);
      if (mine) trail.get(host.name)!.runs.push(mine);
      if (compared) trail.get(host.name)!.shared.push(...compared.findings);
    }
    if (run.routes.length > 1) {
      stop(hosts, 'diverged', undefined, `stopped: the hosts of ${stepLabel(run.step)} disagree on the next step (${describeRoutes(run.routes)})`);
      return;
    }
    const next = judge(run.step, run.hostRuns, hosts, comparisonOf(run) ?? { findings: [], decision: run.decision });
    if (next) pending.push({ step: next, hosts, ledBy: run.hostRuns });
  }

  /** Stops `hosts` when `runs` give no ground to go on; else the step they go to next (undefined: stopped). */
  function judge(step: Step, runs: HostRun[], hosts: HostConfig[], shared?: { findings: Finding[]; decision: StepRun['decision'] }): Step | undefined {
    if (runs.some((r) => r.result.termination === 'cancelled')) {
      stop(hosts, 'cancelled', step, `cancelled during ${stepLabel(step)}`);
      return undefined;
    }
    const failed = runs.filter((r) => !finished(r) && !deniedPrivilege(r));
    if (failed.length > 0) {
      const what = failed.map((r) => `${r.host.name}: ${r.result.error?.message ?? r.result.termination}`).join('; ');
      stop(hosts, 'error', step, `stopped: ${stepLabel(step)} did not finish (${what})`);
      return undefined;
    }
    const problem = runs.find((r) => r.decision.problem)?.decision.problem;
    if (problem) {
      stop(hosts, 'error', step, problem);
      return undefined;
    }
    const critical = [...runs.flatMap((r) => r.outcome?.findings ?? []), ...(shared?.findings ?? [])].find((f) => f.severity === 'critical');
    const unsure = runs.map((r) => ({ run: r, why: inconclusiveRun(r) })).find((u) => u.why);
    if (unsure && !critical) {
      const hint = unsure.why!.hint ? ` — ${unsure.why!.hint}` : '';
      stop(hosts, 'inconclusive', step, `stopped: ${stepLabel(step)} is inconclusive on ${unsure.run.host.name}: ${unsure.why!.reason}${hint}`);
      return undefined;
    }
    const decision = shared?.decision ?? runs[0].decision;
    const next = decision.next;
    const verifying = awaiting.get(hosts[0].name);
    if (verifying) {
      const raised = [...runs.flatMap((r) => r.outcome?.findings ?? []), ...(shared?.findings ?? [])] as CauseFinding[];
      if (raised.some((f) => f.refutes === verifying.cause)) {
        for (const h of hosts) awaiting.delete(h.name); // refuted: go on as if the suspicion had not been raised
      } else if (!critical) {
        const again = verificationStep(verifying.finding, hosts);
        if (again) return again;
        for (const h of hosts) awaiting.delete(h.name);
        stop(
          hosts,
          'critical',
          next,
          `stopped at a critical finding in ${verifying.at}: ${verifying.finding.message} — not confirmed: its confirming step${(verifying.finding.verify ?? []).length > 1 ? 's' : ''} (${(verifying.finding.verify ?? []).join(', ')}) did not confirm it`,
        );
        return undefined;
      }
    }
    if (critical && request.stopAtCritical !== false) {
      const toVerify = (critical as CauseFinding).cause ? verificationStep(critical, hosts) : undefined;
      if (toVerify) {
        // A suspected cause is only a root cause once its read-only steps agree: run them first.
        for (const h of hosts) awaiting.set(h.name, { cause: (critical as CauseFinding).cause!, finding: critical as CauseFinding, at: stepLabel(step) });
        return toVerify;
      }
      const proposal = next ? `; proposed next: ${stepLabel(next)} (${decision.why})` : '';
      stop(hosts, 'critical', next, `stopped at a critical finding in ${stepLabel(step)}: ${critical.message}${proposal}`);
      return undefined;
    }
    if (!next) {
      stop(hosts, 'end', undefined, `end of the runbook: ${decision.why}`);
      return undefined;
    }
    return next;
  }

  return summarise(request.hosts, steps, stops);
}

/** The comparison of a `compare=` step: its findings and decision stand for both ends. */
function comparisonOf(run: StepRun): { findings: Finding[]; decision: StepRun['decision'] } | undefined {
  const comparison = (run as StepRun & { comparison?: { outcome: { findings: Finding[] } } }).comparison;
  return comparison ? { findings: comparison.outcome.findings, decision: run.decision } : undefined;
}

function summarise(targets: HostConfig[], steps: StepRun[], stops: Map<string, HostStop>): ProgressionResult {
  const hosts = targets.map(
    (h) => stops.get(h.name) ?? { host: h, path: [], runs: [], reason: 'end' as StopReason, explanation: 'nothing to run', findings: [], causes: [] },
  );
  const reason = URGENCY.find((r) => hosts.some((h) => h.reason === r)) ?? 'end';
  const first = hosts.find((h) => h.reason === reason);
  const byExplanation = new Map<string, string[]>();
  for (const h of hosts) byExplanation.set(h.explanation, [...(byExplanation.get(h.explanation) ?? []), h.host.name]);
  const explanation =
    byExplanation.size <= 1 ? (first?.explanation ?? 'nothing to run') : [...byExplanation].map(([text, names]) => `${names.join(', ')}: ${text}`).join('\n');
  const byVerdict = new Map<string, string[]>();
  for (const h of hosts) for (const c of h.causes) byVerdict.set(describeCause(c), [...(byVerdict.get(describeCause(c)) ?? []), h.host.name]);
  const verdicts = [...byVerdict].map(([line, names]) => (hosts.length > 1 && names.length < hosts.length ? `${line} (${names.join(', ')})` : line));
  return { steps, hosts, reason, explanation, stoppedAt: first?.stoppedAt, findings: hosts.flatMap((h) => h.findings), verdicts };
}
