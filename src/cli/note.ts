// `runbook note RECORD "text" [--at TIME] [--step ID] [--host H]`: a line in the incident's timeline.

import { isRunbookError } from '../base/failure';
import { addNote, parseWhen } from '../pipeline/lifecycle';

export interface NoteOptions {
  at?: string;
  step?: string;
  host?: string;
  author?: string;
}

export async function noteCommand(record: string, text: string, options: NoteOptions, now: Date = new Date()): Promise<number> {
  try {
    const at = options.at ? parseWhen(options.at, now) : undefined;
    const entry = await addNote(record, { text, at, step: options.step, host: options.host, author: options.author, now });
    process.stdout.write(
      `Note at ${entry.time} by ${entry.author}${entry.step ? ` on step ${entry.step}` : ''}${entry.host ? ` (${entry.host})` : ''}: ${entry.text}\n`,
    );
    return 0;
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return 2;
  }
}
