// What an incident record holds for a replay: every run of every step (saved in the record, or
// only in its journal after a crash), with the full output text from the `.outputs/` files, the
// parameters it ran with, and the template it was started from.

import fs from 'node:fs';
import path from 'node:path';
import type { Runbook, SavedOutput } from '../runbook/model';
import { parseRunbook } from '../runbook/parse';
import { journalPathFor, readJournal, readOutputText, restoreOutputs } from './journal';
import type { Capture } from './replay';

export interface RecordedIncident {
  recordPath: string;
  /** The record itself, parsed (the runbook as it was when the incident started, with its outputs). */
  record: Runbook;
  runs: SavedOutput[];
  captures: Capture[];
  /** The parameters it ran with: the record's defaults, then what the responder set. */
  parameters: Record<string, string>;
  /** The template it was copied from, when the record names one that exists. */
  templatePath?: string;
  problems: string[];
}

/** `x.journal.jsonl` -> the record next to it (`x.runbook.md` or `x.md`), when there is one. */
export function recordOfJournal(journalPath: string): string | undefined {
  const base = journalPath.replace(/\.journal\.jsonl$/, '');
  return [`${base}.runbook.md`, `${base}.md`].find((f) => fs.existsSync(f));
}

export function recordedIncident(file: string): RecordedIncident {
  const recordPath = file.endsWith('.journal.jsonl') ? recordOfJournal(file) : file;
  if (!recordPath) throw new Error(`${file}: no incident record next to this journal (looked for ${file.replace(/\.journal\.jsonl$/, '')}.runbook.md).`);
  let text: string;
  try {
    text = fs.readFileSync(recordPath, 'utf8');
  } catch (error) {
    throw new Error(`${recordPath}: cannot read: ${(error as Error).message}`);
  }
  const record = parseRunbook(text, recordPath);
  const problems = record.diagnostics.filter((d) => d.severity === 'error').map((d) => `${recordPath}:${d.range.start.line + 1}: ${d.message}`);
  const journalFile = journalPathFor(recordPath);
  const journal = fs.existsSync(journalFile) ? readJournal(journalFile) : { entries: [], problems: [] };
  problems.push(...journal.problems);
  const runs = [...restoreOutputs(record, journal.entries, recordPath).values()].flat().sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const captures = runs.map((run) => ({
    step: run.step,
    host: run.host,
    // The record keeps at most 64 KiB of an output; the output file has all of it.
    text: run.truncated && run.fullOutputRef ? readOutputText(recordPath, run.fullOutputRef) : run.text,
    exitCode: run.exitCode,
    termination: run.termination,
  }));
  const meta = record.frontMatter?.incident;
  const parameters: Record<string, string> = {};
  for (const p of record.frontMatter?.parameters ?? []) if (p.default !== undefined) parameters[p.name] = p.default;
  Object.assign(parameters, meta?.parameters ?? {});
  const template = meta?.template ? path.resolve(path.dirname(recordPath), meta.template) : undefined;
  return { recordPath, record, runs, captures, parameters, templatePath: template && fs.existsSync(template) ? template : undefined, problems };
}
