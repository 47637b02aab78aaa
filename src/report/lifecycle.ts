// The lifecycle part of the postmortem model: status, key times and durations, the fetched evidence
// files, and the timeline rows for status changes, impact, detection and fetched files.

import type { JournalEntry } from '../engine/journal';
import type { FetchedFileView } from '../protocol/renderer';
import { durationsOf, lifecycleOf, spanText } from '../engine/lifecycle';
import { utc } from './text';

export interface PostmortemLifecycle {
  /** `Resolved`, `Mitigated`, or `ongoing`. */
  status: 'Resolved' | 'Mitigated' | 'ongoing';
  declaredAt?: string;
  impactStart?: string;
  impactEnd?: string;
  detection?: { at: string; how: string; alert?: string };
  mitigatedAt?: string;
  resolvedAt?: string;
  reopenedAt?: string;
  /** What the durations count from. */
  from?: string;
  toDetect?: string;
  toMitigate?: string;
  toResolve?: string;
  impact?: string;
}

/** A fetched file in the postmortem (`file` relative to the record, and so to the postmortem beside it). */
export interface PostmortemEvidenceFile extends FetchedFileView {
  time: string;
  host: string;
  step: string;
}

export function buildLifecycle(journal: readonly JournalEntry[]): PostmortemLifecycle {
  const lc = lifecycleOf(journal);
  const d = durationsOf(lc);
  const span = (ms: number | undefined) => (ms === undefined ? undefined : spanText(ms));
  const out: PostmortemLifecycle = { status: lc.status === 'resolved' ? 'Resolved' : lc.status === 'mitigated' ? 'Mitigated' : 'ongoing' };
  const set = <K extends keyof PostmortemLifecycle>(key: K, value: PostmortemLifecycle[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('declaredAt', lc.declaredAt);
  set('impactStart', lc.impactStart);
  set('impactEnd', lc.impactEnd);
  set('detection', lc.detection);
  set('mitigatedAt', lc.mitigatedAt);
  set('resolvedAt', lc.resolvedAt);
  set('reopenedAt', lc.reopenedAt);
  set('from', d.from);
  set('toDetect', span(d.toDetectMs));
  set('toMitigate', span(d.toMitigateMs));
  set('toResolve', span(d.toResolveMs));
  set('impact', span(d.impactMs));
  return out;
}

/** `Resolved at T`, `Mitigated at T`, or `ongoing (...)`: the header's incident status. */
export function incidentStatusText(lc: PostmortemLifecycle): string {
  if (lc.status === 'Resolved') return `Resolved at ${lc.resolvedAt}`;
  if (lc.status === 'Mitigated') return `Mitigated at ${lc.mitigatedAt}`;
  return 'ongoing (not mitigated or resolved in the journal)';
}

export function buildEvidenceFiles(journal: readonly JournalEntry[], stepTitle: (key: string, fallback?: string) => string): PostmortemEvidenceFile[] {
  return journal.flatMap((e) =>
    e.type === 'evidence-file'
      ? [
          {
            time: e.time,
            host: e.host,
            step: stepTitle(e.step.key, e.step.title),
            remotePath: e.remotePath,
            ...(e.file ? { file: e.file, bytes: e.bytes, sha256: e.sha256, kind: e.kind } : {}),
            ...(e.redacted ? { redacted: true } : {}),
            ...(e.error ? { error: e.error } : {}),
          },
        ]
      : [],
  );
}

/** Timeline rows for what is not a step run: status changes, impact, detection, fetched files. */
export function lifecycleTimeline(
  journal: readonly JournalEntry[],
  stepTitle: (key: string, fallback?: string) => string,
): { time: string; host?: string; step?: string; result: string }[] {
  const rows: { time: string; host?: string; step?: string; result: string }[] = [];
  const statuses = journal.filter((e): e is Extract<JournalEntry, { type: 'status' }> => e.type === 'status');
  for (const e of journal) {
    if (e.type === 'status') {
      // A declared or mitigated time given again replaces the earlier one (lifecycleOf): the reader is told which holds.
      const later =
        e.status === 'declared' || e.status === 'mitigated' ? statuses.slice(statuses.indexOf(e) + 1).find((x) => x.status === e.status) : undefined;
      rows.push({
        time: e.at,
        result: `status: ${e.status} (set by ${e.author})${e.text ? `: ${e.text}` : ''}${later ? `; replaced by ${e.status} at ${utc(later.at)}` : ''}`,
      });
    } else if (e.type === 'impact') {
      if (e.start) rows.push({ time: e.start, result: `impact started (recorded by ${e.author})` });
      if (e.end) rows.push({ time: e.end, result: `impact ended (recorded by ${e.author})` });
    } else if (e.type === 'detection') rows.push({ time: e.at, result: `detected by ${e.how}${e.alert ? ` (${e.alert})` : ''}, recorded by ${e.author}` });
    else if (e.type === 'evidence-file')
      rows.push({
        time: e.time,
        host: e.host,
        step: stepTitle(e.step.key, e.step.title),
        result: e.file ? `fetched ${e.remotePath} (${e.bytes} bytes, sha256 ${e.sha256?.slice(0, 12)}…)` : `not fetched ${e.remotePath}: ${e.error}`,
      });
  }
  return rows;
}

/** A note's timeline text: who wrote it, and how it came (typed, a finding marked important, a Markdown cell). */
export function noteResult(e: Extract<JournalEntry, { type: 'note' }>): string {
  const how = e.source === 'finding' ? 'marked important by' : e.source === 'markdown-cell' ? 'Markdown cell by' : 'note by';
  return `${how} ${e.author}: ${e.text}`;
}
