// What a run concluded, in the words and numbers both fronts show: per-host verdicts grouped by
// where the hosts went, and the CLI's exit code (documented in docs/SSH.md and the README).

import { deniedPrivilege, inconclusiveRun } from '../engine/evidence';
import type { ProgressionResult } from '../engine/progression';
import type { StepRun } from '../engine/runStep';

/** `runbook run` exit codes. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, inconclusive: 3, critical: 4, interrupted: 130, terminated: 143 } as const;

/** The exit code of runs: a host that did not finish, then an inconclusive check, then a critical finding. */
export function exitCodeOf(runs: StepRun[]): number {
  const hostRuns = runs.flatMap((r) => r.hostRuns);
  if (hostRuns.some((r) => r.result.termination !== 'exit' && r.result.termination !== 'signal' && !deniedPrivilege(r))) return EXIT.failed;
  const critical = hostRuns.some((r) => (r.outcome?.findings ?? []).some((f) => f.severity === 'critical'));
  const comparisonCritical = runs.some(
    (r) =>
      'comparison' in r &&
      (r as { comparison?: { outcome: { findings: { severity: string }[] } } }).comparison?.outcome.findings.some((f) => f.severity === 'critical'),
  );
  if (hostRuns.some((r) => inconclusiveRun(r)) && !critical) return EXIT.inconclusive;
  if (critical || comparisonCritical) return EXIT.critical;
  return EXIT.ok;
}

export function exitCodeOfProgression(result: ProgressionResult): number {
  if (result.reason === 'cancelled' || result.hosts.some((h) => h.reason === 'error')) return EXIT.failed;
  if (result.hosts.some((h) => h.reason === 'inconclusive')) return EXIT.inconclusive;
  if (result.hosts.some((h) => h.reason === 'critical') || result.findings.some((f) => f.severity === 'critical')) return EXIT.critical;
  return EXIT.ok;
}
