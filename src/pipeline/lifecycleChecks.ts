// Checks on what a responder types into the lifecycle, at 3 a.m.: a status set again (which moves
// its time), `declared` after the mitigation, a note on a step the record does not have, on a host
// nothing ran on, or hours before the incident (often a local time read as UTC, or the other way).

import { RunbookError } from '../base/failure';
import type { IncidentStatus, JournalEntry } from '../engine/journal';
import { spanText, type Lifecycle } from '../engine/lifecycle';
import type { Runbook } from '../runbook/model';

/** Warnings for a status given again, or out of order; the change is still written (it may be a correction). */
export function repeatWarnings(before: Lifecycle, status: IncidentStatus, at: Date): string[] {
  const warnings: string[] = [];
  const moved = (what: string, was: string) =>
    `it was already ${what} at ${was}; the ${what} time is now ${at.toISOString()} (the earlier entry stays in the timeline).`;
  if (status === 'mitigated' && before.mitigatedAt) warnings.push(moved('mitigated', before.mitigatedAt));
  if (status === 'declared' && before.history.some((e) => e.status === 'declared') && before.declaredAt) warnings.push(moved('declared', before.declaredAt));
  if (status === 'declared' && before.mitigatedAt && Date.parse(before.mitigatedAt) < at.getTime())
    warnings.push(`declared at ${at.toISOString()}, after it was mitigated (${before.mitigatedAt}): the time to mitigate will be negative; check --at.`);
  return warnings;
}

export interface NoteTarget {
  step?: string;
  host?: string;
  at: Date;
  /** The time as typed, to tell a local HH:MM from a UTC one in the warning. */
  atText?: string;
}

/**
 * A `--step` the record does not have is refused (the note would point at nothing in the postmortem);
 * a host nothing ran on, and a time long before the incident, are warnings. Returns the warnings.
 */
export function checkNoteTarget(recordPath: string, runbook: Runbook, entries: readonly JournalEntry[], target: NoteTarget): string[] {
  const warnings: string[] = [];
  if (target.step && !runbook.steps.some((s) => s.id === target.step || s.key === target.step)) {
    const ids = runbook.steps.map((s) => s.id ?? s.key);
    throw new RunbookError(
      'config',
      `${recordPath}: no step "${target.step}" in this record.`,
      `Its steps are: ${ids.join(', ') || '(none)'}. Give one of them with --step, or leave --step out.`,
    );
  }
  if (target.host) {
    const known = new Set<string>();
    for (const e of entries) {
      if (e.type === 'incident-start') e.target.forEach((t) => known.add(t));
      if (e.type === 'step-start') known.add(e.host);
    }
    for (const h of runbook.frontMatter?.incident?.target ?? []) known.add(h);
    if (known.size > 0 && !known.has(target.host))
      warnings.push(`no step ran on "${target.host}" in this record (it ran on / targets: ${[...known].join(', ')}); check the name.`);
  }
  const starts = entries.flatMap((e) => (e.type === 'incident-start' ? [e.time] : e.type === 'impact' && e.start ? [e.start] : []));
  const earliest = Math.min(...starts.map((t) => Date.parse(t)).filter(Number.isFinite));
  if (Number.isFinite(earliest) && earliest - target.at.getTime() > 3_600_000) {
    const offset = -target.at.getTimezoneOffset();
    const local = target.atText && /^\d{1,2}:\d{2}(:\d{2})?$/.test(target.atText.trim()) && offset !== 0;
    const zone = `UTC${offset >= 0 ? '+' : '-'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    warnings.push(
      `the note is at ${target.at.toISOString()}, ${spanText(earliest - target.at.getTime())} before the incident started (${new Date(earliest).toISOString()})` +
        (local ? `; ${target.atText!.trim()} was read as local time (${zone}): for UTC write ${target.atText!.trim()}Z.` : '; check --at.'),
    );
  }
  return warnings;
}
