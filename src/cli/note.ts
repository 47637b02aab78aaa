// `runbook note RECORD "text" [--at TIME] [--step ID] [--host H]`: a line in the incident's timeline.

import { isRunbookError } from '../base/failure';
import { readRunbookFile } from '../pipeline/load';
import { addNote, parseWhen, recordEntries } from '../pipeline/lifecycle';
import { checkNoteTarget } from '../pipeline/lifecycleChecks';

export interface NoteOptions {
  at?: string;
  step?: string;
  host?: string;
  author?: string;
}

export async function noteCommand(record: string, text: string, options: NoteOptions, now: Date = new Date()): Promise<number> {
  try {
    const entries = recordEntries(record);
    let at: Date | undefined;
    try {
      at = options.at ? parseWhen(options.at, now) : undefined;
    } catch (error) {
      if (isRunbookError(error)) error.message = `${record}: --at ${error.message}`;
      throw error;
    }
    const warnings = checkNoteTarget(record, readRunbookFile(record), entries, { step: options.step, host: options.host, at: at ?? now, atText: options.at });
    const entry = await addNote(record, { text, at, step: options.step, host: options.host, author: options.author, now });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `Note at ${entry.time} by ${entry.author}${entry.step ? ` on step ${entry.step}` : ''}${entry.host ? ` (${entry.host})` : ''}: ${entry.text}\n`,
    );
    return 0;
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    // What was typed is not lost: it is shown again, to paste into the corrected command.
    if (text.trim()) process.stderr.write(`The note was not added: ${JSON.stringify(text)}\n`);
    return 2;
  }
}
