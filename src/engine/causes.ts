// What a host's path says about each suspected cause: confirmed by a read-only step (`confirms:`),
// refuted (`refutes:`), or still unconfirmed. Only a confirmed cause is called the root cause.

import type { Finding } from '../checks/spec';
import type { HostRun } from './runTypes';

/** The contract's keys on a finding (docs/FORMAT.md): read loosely so older records still read. */
export type CauseFinding = Finding & { cause?: string; verify?: string[]; confirms?: string; refutes?: string };

export type CauseStatus = 'confirmed' | 'refuted' | 'unconfirmed';

export interface CauseVerdict {
  cause: string;
  status: CauseStatus;
  /** The confirming finding's message when confirmed, else the suspicion's. */
  message: string;
  severity: Finding['severity'];
  /** The step that raised the deciding finding (or the suspicion). */
  step: string;
}

/** Causes in the order first suspected (or confirmed), each with its status. */
export function causeVerdicts(runs: HostRun[], extra: { step: string; findings: Finding[] }[] = []): CauseVerdict[] {
  const verdicts = new Map<string, CauseVerdict>();
  const entries = [...runs.map((r) => ({ step: r.step.id ?? r.step.key, findings: r.outcome?.findings ?? [] })), ...extra];
  for (const { step, findings } of entries) {
    for (const f of findings as CauseFinding[]) {
      if (f.cause && !verdicts.has(f.cause)) verdicts.set(f.cause, { cause: f.cause, status: 'unconfirmed', message: f.message, severity: f.severity, step });
      if (f.confirms) verdicts.set(f.confirms, { cause: f.confirms, status: 'confirmed', message: f.message, severity: f.severity, step });
      if (f.refutes) {
        const known = verdicts.get(f.refutes);
        if (known?.status !== 'confirmed')
          verdicts.set(f.refutes, { cause: f.refutes, status: 'refuted', message: known?.message ?? f.message, severity: known?.severity ?? f.severity, step });
      }
    }
  }
  return [...verdicts.values()];
}

/** Verify steps a finding names that this host has not run yet. */
export function pendingVerification(finding: Finding, done: Set<string>): string[] {
  return ((finding as CauseFinding).verify ?? []).filter((id) => !done.has(id));
}

/** "Root cause (confirmed): ...", "Suspected cause (unconfirmed): ...", "Refuted: ..." */
export function describeCause(v: CauseVerdict): string {
  if (v.status === 'confirmed') return `Root cause (confirmed): ${v.message}`;
  if (v.status === 'refuted') return `Refuted: ${v.cause} (${v.message})`;
  return `Suspected cause (unconfirmed): ${v.message}`;
}
