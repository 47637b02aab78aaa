// How far a group step has got while it runs: done, failed, remaining and an ETA. The pipeline
// emits it as each host ends; the CLI and the notebook show the same words.

import type { HostRun } from './runTypes';

export interface GroupProgress {
  stepKey: string;
  total: number;
  /** Hosts that ended with evidence to read. */
  done: number;
  /** Hosts that failed, were unreachable or inconclusive: what `--only-failed` re-runs. */
  failed: number;
  remaining: number;
  elapsedMs: number;
  /** Estimated time to the last host, from the rate so far; absent until a host has ended. */
  etaMs?: number;
}

/** A host's run needs another go: it did not finish, exited with an unexpected code, or its check could not tell. */
export function needsRerun(run: {
  termination: string;
  exitCode: number | null;
  okExit?: number[];
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
}): boolean {
  // Killed by a signal is inconclusive too (engine/evidence.ts).
  if (run.termination !== 'exit') return true;
  if (run.exitCode === null || !(run.okExit ?? [0]).includes(run.exitCode)) return true;
  return run.evidence === 'inconclusive';
}

/** The same test on a live run. */
export function hostRunNeedsRerun(run: HostRun): boolean {
  return needsRerun({
    termination: run.result.termination,
    exitCode: run.result.exitCode,
    okExit: run.step.okExit,
    evidence: run.outcome?.evidence,
  });
}

/** Counts the hosts of one group step as they end. */
export class ProgressCounter {
  private done = 0;
  private failed = 0;
  private readonly startedAt: number;

  constructor(
    private readonly stepKey: string,
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  ended(run: HostRun): GroupProgress {
    if (hostRunNeedsRerun(run)) this.failed++;
    else this.done++;
    return this.current();
  }

  current(): GroupProgress {
    const ended = this.done + this.failed;
    const remaining = Math.max(0, this.total - ended);
    const elapsedMs = this.now() - this.startedAt;
    const progress: GroupProgress = { stepKey: this.stepKey, total: this.total, done: this.done, failed: this.failed, remaining, elapsedMs };
    if (ended > 0) progress.etaMs = remaining === 0 ? 0 : Math.round((elapsedMs / ended) * remaining);
    return progress;
  }
}

/** `412/1000 hosts: 409 done, 3 failed, 588 remaining, ETA 14 s` */
export function formatProgress(p: GroupProgress): string {
  const eta = p.etaMs === undefined ? 'ETA unknown' : p.remaining === 0 ? `finished in ${seconds(p.elapsedMs)}` : `ETA ${seconds(p.etaMs)}`;
  return `${p.done + p.failed}/${p.total} hosts: ${p.done} done, ${p.failed} failed, ${p.remaining} remaining, ${eta}`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}
