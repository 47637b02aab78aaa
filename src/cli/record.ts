// Reading a runbook for the CLI (with its format errors printed as file:line:col) and writing
// each run into an incident record as soon as it ends.

import fs from 'node:fs';
import { appendOutput } from '../runbook/edit';
import { parseRunbook } from '../runbook/parse';
import { printRunbook } from '../runbook/print';
import type { Runbook, SavedOutput } from '../runbook/model';
import { writeFileAtomic } from './run';

/** Errors that make running unsafe: the file is not what it seems (binary, unreadable front matter). */
const BLOCKING = new Set(['binary-content', 'front-matter-yaml']);

export function loadRunbook(file: string): Runbook | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`${file}: cannot read: ${(error as Error).message}\n`);
    return undefined;
  }
  const runbook = parseRunbook(text, file);
  let blocked = false;
  for (const d of runbook.diagnostics) {
    if (d.severity !== 'error') continue;
    process.stderr.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}\n`);
    if (BLOCKING.has(d.code)) blocked = true;
  }
  if (blocked) {
    process.stderr.write(`${file}: not run: fix the errors above first (runbook check ${file}).\n`);
    return undefined;
  }
  return runbook;
}

/** Returns a function that appends a run's output after its step in the record, atomically. */
export function recordWriter(recordPath: string): (output: SavedOutput) => Promise<void> {
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
