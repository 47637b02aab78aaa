// Where an incident stands, read from its journal: declared, mitigated, resolved (or reopened), when
// the impact started and ended, how it was detected, and the durations a postmortem reports.

import type { DetectionEntry, IncidentStatus, JournalEntry, StatusEntry } from './journal';

export interface Lifecycle {
  /** `ongoing` until a `mitigated` or `resolved` status (a reopen makes it ongoing again). */
  status: 'ongoing' | 'mitigated' | 'resolved';
  declaredAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  /** The last reopen, if the incident was reopened after it was resolved. */
  reopenedAt?: string;
  impactStart?: string;
  impactEnd?: string;
  detection?: { at: string; how: string; alert?: string };
  /** Every status change, in the order they were written. */
  history: StatusEntry[];
}

export interface Durations {
  /** What the durations count from: the impact's start when known, else the declaration. */
  from?: 'impact start' | 'declaration';
  toDetectMs?: number;
  toMitigateMs?: number;
  toResolveMs?: number;
  /** From the start to the end of the impact. */
  impactMs?: number;
}

/** The lifecycle of an incident. Older records end with an `incident-end` entry: read as its status. */
export function lifecycleOf(entries: readonly JournalEntry[]): Lifecycle {
  const lc: Lifecycle = { status: 'ongoing', history: [] };
  let detection: DetectionEntry | undefined;
  for (const e of entries) {
    if (e.type === 'incident-start') lc.declaredAt ??= e.time;
    else if (e.type === 'status') apply(lc, e.status, e.at, e);
    else if (e.type === 'incident-end' && (e.status === 'resolved' || e.status === 'mitigated'))
      apply(lc, e.status, e.time, { type: 'status', status: e.status, at: e.time, time: e.time, author: e.author ?? '' });
    else if (e.type === 'impact') {
      if (e.start) lc.impactStart = e.start;
      if (e.end) lc.impactEnd = e.end;
    } else if (e.type === 'detection') detection = e;
  }
  if (detection) lc.detection = { at: detection.at, how: detection.how, ...(detection.alert ? { alert: detection.alert } : {}) };
  return lc;
}

function apply(lc: Lifecycle, status: IncidentStatus, at: string, entry: StatusEntry): void {
  lc.history.push(entry);
  if (status === 'declared') lc.declaredAt = at;
  else if (status === 'mitigated') {
    lc.mitigatedAt = at;
    if (lc.status !== 'resolved') lc.status = 'mitigated';
  } else if (status === 'resolved') {
    lc.resolvedAt = at;
    lc.status = 'resolved';
  } else {
    // Reopened: it is on again; the earlier resolution no longer holds.
    lc.reopenedAt = at;
    lc.resolvedAt = undefined;
    lc.status = lc.mitigatedAt ? 'mitigated' : 'ongoing';
  }
}

export function durationsOf(lc: Lifecycle): Durations {
  const from = lc.impactStart ? 'impact start' : lc.declaredAt ? 'declaration' : undefined;
  const base = lc.impactStart ?? lc.declaredAt;
  const between = (a: string | undefined, b: string | undefined) => {
    if (!a || !b) return undefined;
    const ms = Date.parse(b) - Date.parse(a);
    return Number.isFinite(ms) ? ms : undefined;
  };
  return {
    from,
    toDetectMs: lc.impactStart ? between(lc.impactStart, lc.detection?.at) : undefined,
    toMitigateMs: between(base, lc.mitigatedAt),
    toResolveMs: between(base, lc.resolvedAt),
    impactMs: between(lc.impactStart, lc.impactEnd),
  };
}

/** `1 h 4 min`, `12 min`, `45 s`; a negative span (times given out of order) is shown as such. */
export function spanText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${sign}${h} h${m ? ` ${m} min` : ''}`;
  if (m > 0) return `${sign}${m} min${s && m < 10 ? ` ${s} s` : ''}`;
  return `${sign}${s} s`;
}
