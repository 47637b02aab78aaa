// Safe changes on a group: a canary first, then batches, stopping once failures pass the
// threshold, and never more hosts than declared. Pure planning plus a runner that takes the
// batch execution as a parameter, so the pipeline's confirm path decides how a batch runs.

import { RunbookError } from '../base/failure';

/** A count, or a percentage of the group (`10%`). */
export type Amount = { count: number } | { percent: number };

export interface BatchPolicy {
  /** Hosts of the first batch, which must all succeed. Default: none (no canary). */
  canary?: Amount;
  /** Hosts per batch after the canary. Default: all the rest in one batch. */
  batch?: Amount;
  /** Failed hosts tolerated over the whole run; one more stops it. Default 0. */
  maxFailures?: Amount;
  /** The group may not be larger than this; checked before anything runs. */
  maxHosts?: number;
}

export interface BatchPlan<T> {
  batches: Array<{ kind: 'canary' | 'batch'; hosts: T[] }>;
  total: number;
  /** Failures tolerated, as a count of hosts (percentages resolved against the group). */
  failureBudget: number;
  policy: BatchPolicy;
}

export interface BatchReport<T> {
  index: number;
  kind: 'canary' | 'batch';
  hosts: T[];
  ok: T[];
  failed: T[];
  /** Failures so far, this batch included. */
  failedSoFar: number;
}

export interface BatchOutcome<T> {
  reports: Array<BatchReport<T>>;
  stopped: boolean;
  /** Why the run stopped early, in words for the journal and the prompt. */
  reason?: string;
  /** Hosts never run because the run stopped. */
  notRun: T[];
}

export const POLICY_ATTRIBUTES = ['canary', 'batch', 'max-hosts', 'max-failures'] as const;

/** Splits `hosts` per the policy; refuses a group larger than `maxHosts` up front. */
export function planBatches<T>(hosts: T[], policy: BatchPolicy): BatchPlan<T> {
  const total = hosts.length;
  if (policy.maxHosts !== undefined && total > policy.maxHosts) {
    throw new RunbookError(
      'config',
      `This change may touch at most ${policy.maxHosts} hosts (max-hosts=${policy.maxHosts}), and the target has ${total}.`,
      `Pick a smaller group or pattern (e.g. "GROUP[0:${policy.maxHosts - 1}]"), or raise max-hosts in the runbook if that many is intended.`,
    );
  }
  const batches: BatchPlan<T>['batches'] = [];
  let at = 0;
  const canary = policy.canary ? clamp(resolve(policy.canary, total, 'up'), total) : 0;
  if (canary > 0) {
    batches.push({ kind: 'canary', hosts: hosts.slice(0, canary) });
    at = canary;
  }
  const size = policy.batch ? clamp(resolve(policy.batch, total, 'up'), total) : total;
  while (at < total) {
    batches.push({ kind: 'batch', hosts: hosts.slice(at, at + size) });
    at += size;
  }
  const failureBudget = policy.maxFailures ? resolve(policy.maxFailures, total, 'down') : 0;
  return { batches, total, failureBudget, policy };
}

/**
 * Runs the plan batch after batch. Stops after a canary with any failure, or once failures
 * exceed the budget; `onBatch` hears every batch (one journal entry each).
 */
export async function runBatches<T>(
  plan: BatchPlan<T>,
  runBatch: (hosts: T[], index: number) => Promise<Array<{ host: T; ok: boolean }>>,
  onBatch?: (report: BatchReport<T>) => void,
  signal?: AbortSignal,
): Promise<BatchOutcome<T>> {
  const reports: Array<BatchReport<T>> = [];
  let failedSoFar = 0;
  for (let index = 0; index < plan.batches.length; index++) {
    const { kind, hosts } = plan.batches[index];
    const rest = () => plan.batches.slice(index + 1).flatMap((b) => b.hosts);
    if (signal?.aborted) return { reports, stopped: true, reason: 'cancelled', notRun: [...hosts, ...rest()] };
    const results = await runBatch(hosts, index);
    const ok = results.filter((r) => r.ok).map((r) => r.host);
    const failed = results.filter((r) => !r.ok).map((r) => r.host);
    // A host the batch did not report on counts as failed: not knowing is not success.
    for (const h of hosts) if (!results.some((r) => r.host === h)) failed.push(h);
    failedSoFar += failed.length;
    const report: BatchReport<T> = { index, kind, hosts, ok, failed, failedSoFar };
    reports.push(report);
    onBatch?.(report);
    if (kind === 'canary' && failed.length > 0) {
      return { reports, stopped: true, reason: `the canary failed on ${failed.length} of ${hosts.length} hosts`, notRun: rest() };
    }
    if (failedSoFar > plan.failureBudget) {
      return {
        reports,
        stopped: true,
        reason: `${failedSoFar} hosts failed, more than the ${plan.failureBudget} allowed (max-failures)`,
        notRun: rest(),
      };
    }
  }
  return { reports, stopped: false, notRun: [] };
}

/** The plan in words, for the confirmation prompt. */
export function describePlan<T>(plan: BatchPlan<T>, nameOf: (host: T) => string): string {
  const parts: string[] = [];
  const list = (hosts: T[]) =>
    hosts.length <= 3 ? hosts.map(nameOf).join(', ') : `${hosts.slice(0, 2).map(nameOf).join(', ')} ... ${nameOf(hosts[hosts.length - 1])}`;
  for (const [i, b] of plan.batches.entries()) {
    parts.push(`${i + 1}. ${b.kind === 'canary' ? 'canary' : 'batch'} of ${b.hosts.length} (${list(b.hosts)})`);
  }
  const stop = `stops ${plan.batches[0]?.kind === 'canary' ? 'if any canary host fails, or ' : ''}once failed hosts exceed ${plan.failureBudget}`;
  const cap = plan.policy.maxHosts !== undefined ? `; at most ${plan.policy.maxHosts} hosts` : '';
  return `${plan.total} hosts in ${plan.batches.length} step${plan.batches.length === 1 ? '' : 's'}; ${stop}${cap}:\n${parts.join('\n')}`;
}

/**
 * Reads the policy from step attributes or front matter (`canary=1 batch=10% max-hosts=50
 * max-failures=1`); `where` (file:line) goes into errors.
 */
export function parsePolicy(attributes: Record<string, string | number | undefined>, where: string): BatchPolicy | undefined {
  const policy: BatchPolicy = {};
  let any = false;
  for (const key of POLICY_ATTRIBUTES) {
    const raw = attributes[key];
    if (raw === undefined) continue;
    any = true;
    const text = String(raw).trim();
    if (key === 'max-hosts') {
      if (!/^\d+$/.test(text) || Number(text) < 1)
        throw new RunbookError('config', `${where}: max-hosts=${text} must be a whole number of hosts, at least 1`, 'Write e.g. max-hosts=50.');
      policy.maxHosts = Number(text);
      continue;
    }
    const amount = parseAmount(text);
    if (!amount || (key !== 'max-failures' && ('count' in amount ? amount.count : amount.percent) === 0)) {
      throw new RunbookError(
        'config',
        `${where}: ${key}=${text} must be a number of hosts or a percentage${key === 'max-failures' ? '' : ' above 0'}`,
        `Write e.g. ${key}=1 or ${key}=10%.`,
      );
    }
    if (key === 'canary') policy.canary = amount;
    else if (key === 'batch') policy.batch = amount;
    else policy.maxFailures = amount;
  }
  return any ? policy : undefined;
}

function parseAmount(text: string): Amount | undefined {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === '%') return n <= 100 ? { percent: n } : undefined;
  return Number.isInteger(n) ? { count: n } : undefined;
}

function resolve(amount: Amount, total: number, round: 'up' | 'down'): number {
  if ('count' in amount) return amount.count;
  const exact = (amount.percent * total) / 100;
  // A percentage of a canary or batch is at least one host; of failures it may be zero.
  return round === 'up' ? Math.max(1, Math.ceil(exact)) : Math.floor(exact);
}

function clamp(n: number, total: number): number {
  return Math.max(1, Math.min(n, total));
}
