// The incident journal: an append-only JSON Lines file next to the incident record. Each entry is
// written and fsynced before `append` returns, so a crash loses nothing that had finished.

import type { RunEnding } from '../base/run';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../checks/spec';
import type { Runbook, SavedOutput } from '../runbook/model';
import type { DetectionEntry, EvidenceFileEntry, ImpactEntry, StatusEntry } from './lifecycleEntries';

export type { DetectionEntry, EvidenceFileEntry, ImpactEntry, IncidentStatus, StatusEntry } from './lifecycleEntries';

export interface IncidentStartEntry {
  type: 'incident-start';
  id: string;
  title: string;
  /** The template's path, relative to the record. */
  template?: string;
  responder: string;
  target: string[];
  /** Secret parameters are already masked. */
  parameters: Record<string, string>;
  time: string;
}

export interface StepStartEntry {
  type: 'step-start';
  runId: string;
  step: { key: string; id?: string; title?: string };
  host: string;
  /** The command as run, after substitution, already redacted. */
  command: string;
  startedAt: string;
  /** Who said yes to a `confirm` step, and when. */
  confirmedBy?: { user: string; at: string };
}

export interface StepEndEntry extends RunEnding {
  type: 'step-end';
  runId: string;
  endedAt: string;
  /** The full output file, relative to the record (see `outputPathFor`). */
  outputRef?: string;
  outputBytes: number;
  truncated: boolean;
  values: Record<string, unknown>;
  findings: Finding[];
  next?: string;
  why?: string;
  error?: { kind: string; message: string; hint?: string };
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
  inconclusive?: { reason: string; hint?: string };
}

export interface NoteEntry {
  type: 'note';
  text: string;
  /** When it happened (`--at`), which may be earlier than when it was written. */
  time: string;
  author: string;
  /** The step and host the note is about, if any. */
  step?: string;
  host?: string;
  /** When it was written, when that differs from `time`. */
  recordedAt?: string;
  /** Where it came from: typed (`runbook note`, the VS Code command), a finding marked important, a Markdown cell added to the record. */
  source?: 'note' | 'finding' | 'markdown-cell';
}

export interface IncidentEndEntry {
  type: 'incident-end';
  time: string;
  author?: string;
  /** e.g. `resolved`, `mitigated`, `abandoned`. */
  status?: string;
}

export type JournalEntry =
  IncidentStartEntry | StepStartEntry | StepEndEntry | NoteEntry | IncidentEndEntry | StatusEntry | ImpactEntry | DetectionEntry | EvidenceFileEntry;

const ENTRY_TYPES = new Set<JournalEntry['type']>([
  'incident-start',
  'step-start',
  'step-end',
  'note',
  'incident-end',
  'status',
  'impact',
  'detection',
  'evidence-file',
]);

/** `incidents/2026-11-23-x.runbook.md` -> `2026-11-23-x`. */
export function recordName(recordPath: string): string {
  return path.basename(recordPath).replace(/(\.runbook)?\.md$/i, '');
}

/** `<record-dir>/<record-name>.journal.jsonl`. */
export function journalPathFor(recordPath: string): string {
  return path.join(path.dirname(recordPath), `${recordName(recordPath)}.journal.jsonl`);
}

/** `<record-dir>/<record-name>.outputs/<runId>.txt`: where a run's full (redacted) output is kept. */
export function outputPathFor(recordPath: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId.startsWith('.')) {
    throw new Error(`Run id ${JSON.stringify(runId)} cannot name a file: use letters, digits, '.', '_' or '-'.`);
  }
  return path.join(path.dirname(recordPath), `${recordName(recordPath)}.outputs`, `${runId}.txt`);
}

/** The `outputRef` to store in a step-end entry: the output file's path relative to the record, with `/`. */
export function outputRefFor(recordPath: string, runId: string): string {
  return path.relative(path.dirname(recordPath), outputPathFor(recordPath, runId)).split(path.sep).join('/');
}

/** Writes a run's full output (already redacted) durably, and returns its `outputRef`. */
export function writeOutput(recordPath: string, runId: string, text: string): string {
  const file = outputPathFor(recordPath, runId);
  // Outputs may hold incident data: the folder and the files are the owner's only.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return outputRefFor(recordPath, runId);
}

export class Journal {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly redact: (text: string) => string,
  ) {
    this.fd = fd;
  }

  /**
   * Opens (or creates) the journal of a record for appending. `redact` (e.g. a Redactor's
   * `redactKnown`) is applied to every string of every entry before it reaches the disk.
   */
  static open(recordPath: string, options: { redact?: (text: string) => string } = {}): Journal {
    const file = journalPathFor(recordPath);
    const fd = fs.openSync(file, 'a+', 0o600);
    // A crash mid-write leaves a line without its line break: start the next entry on a line of its own.
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        fs.appendFileSync(fd, '\n');
        fs.fsyncSync(fd);
      }
    }
    return new Journal(file, fd, options.redact ?? ((text) => text));
  }

  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error(`Journal ${this.path} is closed; open it again to append.`);
    const line = JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'string' ? this.redact(value) : value));
    fs.appendFileSync(this.fd, line + '\n');
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a journal; bad lines are skipped and reported, a cut-short last line (a crash mid-write) too. */
export function readJournal(file: string): { entries: JournalEntry[]; problems: string[] } {
  const entries: JournalEntry[] = [];
  const problems: string[] = [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries, problems: [`${file}: no journal yet (the incident has no recorded run).`] };
    throw err;
  }
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text.length === 0;
  if (endsClean) lines.pop();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    const isLast = index === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push(
        isLast && !endsClean
          ? `${where}: the last entry was cut short (the program stopped while writing it); it is ignored.`
          : `${where}: not a JSON journal entry; it is ignored. Fix or delete the line if it was edited by hand.`,
      );
      return;
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    if (typeof parsed !== 'object' || parsed === null || !ENTRY_TYPES.has(type as JournalEntry['type'])) {
      problems.push(`${where}: unknown entry type ${JSON.stringify(type)}; it is ignored.`);
      return;
    }
    entries.push(parsed as JournalEntry);
  });
  return { entries, problems };
}

/**
 * Every run of every step, from the record file and the journal together: outputs saved in the
 * record win; runs only in the journal (the record was not saved before a crash) are rebuilt from
 * their entries, with the text read from their output file when `recordPath` is given.
 */
export function restoreOutputs(runbook: Runbook, entries: readonly JournalEntry[], recordPath?: string): Map<string, SavedOutput[]> {
  const byStep = new Map<string, SavedOutput[]>(runbook.steps.map((s) => [s.key, [...s.outputs]]));
  const saved = new Set(runbook.steps.flatMap((s) => s.outputs.map((o) => o.runId)));
  const ends = new Map<string, StepEndEntry>();
  for (const e of entries) if (e.type === 'step-end') ends.set(e.runId, e);
  for (const start of entries) {
    if (start.type !== 'step-start' || saved.has(start.runId)) continue;
    const end = ends.get(start.runId);
    const output: SavedOutput = {
      step: start.step.key,
      host: start.host,
      startedAt: start.startedAt,
      durationMs: end?.durationMs ?? 0,
      exitCode: end?.exitCode ?? null,
      signal: end?.signal ?? null,
      // A start without an end: the program stopped while the step ran.
      termination: end?.termination ?? 'connection-lost',
      text: end?.outputRef && recordPath ? readOutputText(recordPath, end.outputRef) : '',
      truncated: end?.truncated ?? false,
      fullOutputRef: end?.outputRef,
      values: end?.values ?? {},
      findings: end?.findings ?? [],
      next: end?.next,
      why: end?.why ?? (end ? undefined : 'the run did not finish: no step-end entry in the journal'),
      runId: start.runId,
    };
    const list = byStep.get(start.step.key) ?? [];
    list.push(output);
    byStep.set(start.step.key, list);
    saved.add(start.runId);
  }
  for (const list of byStep.values()) list.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return byStep;
}

/** The output file's text, or an explanation when it is gone; the ref must stay inside the record's folder. */
export function readOutputText(recordPath: string, outputRef: string): string {
  const dir = path.resolve(path.dirname(recordPath));
  const file = path.resolve(dir, outputRef);
  if (!file.startsWith(dir + path.sep)) return `(output file ${outputRef} is outside the record's folder: not read)`;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return `(output file ${outputRef} is missing)`;
  }
}
