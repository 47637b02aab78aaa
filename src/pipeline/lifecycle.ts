// The incident's lifecycle, for both fronts: timeline notes, status changes (declared, mitigated,
// resolved, reopened) at the time they happened, impact and detection; and the guard that asks to
// reopen a resolved incident before a step runs in it. Everything goes into the record's journal.

import fs from 'node:fs';
import os from 'node:os';
import { RunbookError } from '../base/failure';
import type { Prompter } from '../base/prompter';
import { Journal, journalPathFor, readJournal, type IncidentStatus, type JournalEntry, type NoteEntry } from '../engine/journal';
import { lifecycleOf, type Lifecycle } from '../engine/lifecycle';
import { createRedactor, type Redactor } from '../redact/redactor';
import { repeatWarnings } from './lifecycleChecks';

export const STATUSES: IncidentStatus[] = ['declared', 'mitigated', 'resolved', 'reopened'];

const TIME_FORMS = 'HH:MM (today, local time), HH:MMZ (UTC), an ISO 8601 time such as 2026-11-23T03:12:00Z, "now", or "N min ago"';

/**
 * A time as a responder types it: `03:12` (today, local time), `03:12Z`, ISO 8601, `now`, `10 min ago`.
 * A time of day later than now is refused (it may mean yesterday): the error says to give the date.
 */
export function parseWhen(text: string, now: Date = new Date()): Date {
  const t = text.trim();
  const bad = (why: string) => new RunbookError('config', `"${text}": ${why}.`, `Give ${TIME_FORMS}.`);
  if (/^now$/i.test(t)) return now;
  const ago = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\s+ago$/i.exec(t);
  if (ago) {
    const unit = ago[2].toLowerCase().startsWith('h') ? 3_600_000 : ago[2].toLowerCase().startsWith('m') ? 60_000 : 1000;
    return new Date(now.getTime() - Number(ago[1]) * unit);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|UTC)?$/i.exec(t);
  if (clock) {
    const [h, m, s] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || s > 59) throw bad('not a time of day');
    const at = new Date(now);
    if (clock[4]) at.setUTCHours(h, m, s, 0);
    else at.setHours(h, m, s, 0);
    if (at.getTime() > now.getTime() + 60_000) {
      throw bad(
        `that is later than now (${clock[4] ? now.toISOString().slice(11, 16) + 'Z' : localClock(now)}), so it may mean yesterday; give the date too, e.g. ${isoDay(at, -1, Boolean(clock[4]))}T${t.replace(/\s*(Z|UTC)$/i, '')}${clock[4] ? 'Z' : ''}`,
      );
    }
    return at;
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (iso) {
    // Date() rolls 2026-02-30 over to March 2 and 24:00 to the next day: refuse what is not on the calendar.
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
    const daysInMonth = mo >= 1 && mo <= 12 ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
    if (d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) throw bad('not a valid date and time');
    const at = new Date(t.replace(' ', 'T'));
    if (Number.isNaN(at.getTime())) throw bad('not a valid date and time');
    if (at.getTime() > now.getTime() + 60_000) throw bad(`that is in the future (now is ${now.toISOString()})`);
    return at;
  }
  throw bad('not a time this can read');
}

function localClock(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The date `offsetDays` from `d`, in UTC or local time (as the time of day was given). */
function isoDay(d: Date, offsetDays: number, utc: boolean): string {
  const x = new Date(d.getTime() + offsetDays * 86_400_000);
  if (utc) return x.toISOString().slice(0, 10);
  return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
}

export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** The record's journal entries; a file that is not an incident record is refused with what to do. */
export function recordEntries(recordPath: string): JournalEntry[] {
  const refuse = (why: string, hint: string) => new RunbookError('config', `${recordPath}: ${why}`, hint);
  if (!fs.existsSync(recordPath)) throw refuse('no such file.', 'Give the path of an incident record (incidents/*.runbook.md).');
  if (fs.statSync(recordPath).isDirectory())
    throw refuse('is a folder.', 'Give the incident record in it (a *.runbook.md file that has a *.journal.jsonl beside it).');
  // The journal given for its record: say which file to give instead.
  const asJournal = /\.journal\.jsonl$/i.test(recordPath) ? recordPath.replace(/\.journal\.jsonl$/i, '.runbook.md') : undefined;
  if (asJournal && fs.existsSync(asJournal)) throw refuse("is the record's journal, not the record.", `Give the record: ${asJournal}`);
  const journal = journalPathFor(recordPath);
  if (!fs.existsSync(journal)) {
    throw refuse(
      `not an incident record (no journal ${journal}).`,
      `If it is a runbook, start an incident from it first (runbook start ${recordPath}) and give the record that prints.`,
    );
  }
  return readJournal(journal).entries;
}

export function recordLifecycle(recordPath: string): Lifecycle {
  return lifecycleOf(recordEntries(recordPath));
}

async function append(recordPath: string, entry: JournalEntry, redactor: Redactor): Promise<void> {
  recordEntries(recordPath);
  const journal = Journal.open(recordPath, { redact: (t) => redactor.redactFields(t) });
  try {
    journal.append(entry);
  } finally {
    journal.close();
  }
}

export interface NoteRequest {
  text: string;
  at?: Date;
  step?: string;
  host?: string;
  author?: string;
  source?: NoteEntry['source'];
  now?: Date;
  redactor?: Redactor;
}

/** Adds a note to the timeline; what is typed is redacted (a pasted token never reaches the journal). */
export async function addNote(recordPath: string, request: NoteRequest): Promise<NoteEntry> {
  const redactor = request.redactor ?? createRedactor();
  const text = (await redactor.redact(request.text)).trim();
  if (!text) throw new RunbookError('config', 'The note is empty.', 'Give the text of the note.');
  const now = request.now ?? new Date();
  const at = request.at ?? now;
  const entry: NoteEntry = {
    type: 'note',
    text,
    time: at.toISOString(),
    author: request.author ?? currentUser(),
    ...(request.step ? { step: request.step } : {}),
    ...(request.host ? { host: request.host } : {}),
    ...(Math.abs(at.getTime() - now.getTime()) >= 1000 ? { recordedAt: now.toISOString() } : {}),
    ...(request.source && request.source !== 'note' ? { source: request.source } : {}),
  };
  await append(recordPath, entry, redactor);
  return entry;
}

export interface StatusRequest {
  status: IncidentStatus;
  at?: Date;
  author?: string;
  text?: string;
  impactStart?: Date;
  impactEnd?: Date;
  detection?: { at?: Date; how: string; alert?: string };
  now?: Date;
  redactor?: Redactor;
}

/** Records a status change (and impact/detection given with it); refuses a change that does not follow. Returns warnings. */
export async function setStatus(recordPath: string, request: StatusRequest): Promise<{ lifecycle: Lifecycle; warnings: string[] }> {
  const redactor = request.redactor ?? createRedactor();
  const before = recordLifecycle(recordPath);
  const now = request.now ?? new Date();
  const at = request.at ?? now;
  refuseTransition(recordPath, before, request.status);
  // Every check before the first write: a refused request leaves the journal as it was.
  const impactStart = request.impactStart ?? (before.impactStart ? new Date(before.impactStart) : undefined);
  const impactEnd = request.impactEnd ?? (before.impactEnd ? new Date(before.impactEnd) : undefined);
  if ((request.impactStart || request.impactEnd) && impactStart && impactEnd && impactEnd < impactStart)
    throw new RunbookError(
      'config',
      `${recordPath}: the impact would end (${impactEnd.toISOString()}) before it starts (${impactStart.toISOString()}); nothing was written.`,
      'Check --impact-start and --impact-end.',
    );
  const author = request.author ?? currentUser();
  const time = now.toISOString();
  const warnings: string[] = [];
  if (request.status === 'resolved' && before.mitigatedAt && Date.parse(before.mitigatedAt) > at.getTime())
    warnings.push(`resolved at ${at.toISOString()} is before mitigated at ${before.mitigatedAt}.`);
  if (request.status === 'mitigated' && before.declaredAt && !request.impactStart && !before.impactStart && Date.parse(before.declaredAt) > at.getTime())
    warnings.push(`mitigated before the incident was declared (${before.declaredAt}): give --impact-start so the durations count from the impact.`);
  warnings.push(...repeatWarnings(before, request.status, at));
  const text = request.text ? await redactor.redact(request.text) : undefined;
  await append(recordPath, { type: 'status', status: request.status, at: at.toISOString(), time, author, ...(text ? { text } : {}) }, redactor);
  if (request.impactStart || request.impactEnd) {
    await append(
      recordPath,
      {
        type: 'impact',
        ...(request.impactStart ? { start: request.impactStart.toISOString() } : {}),
        ...(request.impactEnd ? { end: request.impactEnd.toISOString() } : {}),
        time,
        author,
      },
      redactor,
    );
  }
  if (request.detection) {
    const d = request.detection;
    const alert = d.alert ? await redactor.redact(d.alert) : undefined;
    await append(recordPath, { type: 'detection', at: (d.at ?? at).toISOString(), how: d.how, ...(alert ? { alert } : {}), time, author }, redactor);
  }
  return { lifecycle: recordLifecycle(recordPath), warnings };
}

function refuseTransition(recordPath: string, lc: Lifecycle, next: IncidentStatus): void {
  const refuse = (why: string, hint: string) => new RunbookError('config', `${recordPath}: ${why}`, hint);
  if (lc.status === 'resolved' && next !== 'reopened')
    throw refuse(`the incident was resolved at ${lc.resolvedAt}; it cannot be ${next} now.`, `Reopen it first: runbook status ${recordPath} reopened.`);
  if (next === 'reopened' && lc.status !== 'resolved')
    throw refuse('the incident is not resolved, so there is nothing to reopen.', 'Set mitigated or resolved instead.');
}

/**
 * Before a step runs in a record: a resolved incident is reopened only on a yes (or `reopen: true`,
 * the CLI's `--reopen`); without one, nothing runs. The reopen is journaled.
 */
export async function guardResolvedRecord(recordPath: string | undefined, prompter: Prompter, options: { reopen?: boolean; now?: Date } = {}): Promise<void> {
  if (!recordPath || !fs.existsSync(journalPathFor(recordPath))) return;
  const lc = lifecycleOf(readJournal(journalPathFor(recordPath)).entries);
  if (lc.status !== 'resolved') return;
  const yes =
    options.reopen ||
    (await prompter.confirm(
      `This incident was resolved at ${lc.resolvedAt}. Reopen it to run a step?`,
      'Running a step in a resolved record reopens the incident; the reopen is written to its timeline.',
    ));
  if (!yes) {
    throw new RunbookError(
      'config',
      `${recordPath}: the incident was resolved at ${lc.resolvedAt}; nothing was run.`,
      `Reopen it first (runbook status ${recordPath} reopened, or run with --reopen), or start a new incident.`,
    );
  }
  await setStatus(recordPath, { status: 'reopened', now: options.now, text: 'reopened to run a step' });
}
