// Reading a runbook or record for a run, and writing each run into the record as soon as it ends.
// Errors name file:line:col; a file that is not what it seems (binary, unreadable front matter) never runs.

import fs from 'node:fs';
import { RunbookError } from '../base/failure';
import { appendOutput } from '../runbook/edit';
import type { Runbook, SavedOutput } from '../runbook/model';
import { parseRunbook } from '../runbook/parse';
import { printRunbook } from '../runbook/print';

/** Errors that make running unsafe: the file is not what it seems. */
const BLOCKING = new Set(['binary-content', 'front-matter-yaml']);

export function blockingProblems(runbook: Runbook): string[] {
  return runbook.diagnostics
    .filter((d) => d.severity === 'error' && BLOCKING.has(d.code))
    .map((d) => `${runbook.fileName}:${d.range.start.line + 1}:${d.range.start.character + 1}: error: ${d.message}`);
}

/** Every error of the runbook as `file:line:col: error: message`, for the front to print. */
export function errorLines(runbook: Runbook): string[] {
  return runbook.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${runbook.fileName}:${d.range.start.line + 1}:${d.range.start.character + 1}: error: ${d.message}`);
}

export function readRunbookFile(file: string): Runbook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunbookError('config', `${file}: cannot read: ${(error as Error).message}`, 'Check the path and that you can read the file.');
  }
  return parseRunbook(text, file);
}

/** Atomic replace: a crash mid-write never leaves half a record. Records may hold incident data: owner-only. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Appends each run's output after its step in the record file, atomically and in order. */
export function fileRecordWriter(recordPath: string): (output: SavedOutput) => Promise<void> {
  let chain = Promise.resolve();
  return (output) => {
    // Runs of a group end together: serialise the writes so none is lost.
    chain = chain.then(() => {
      const text = fs.readFileSync(recordPath, 'utf8');
      writeFileAtomic(recordPath, printRunbook(appendOutput(parseRunbook(text, recordPath), output.step, output)));
    });
    return chain;
  };
}
