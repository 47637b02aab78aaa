// Open file descriptors of a process: `ls /proc/PID/fd | wc -l` (a number) or the listing itself
// (`ls /proc/PID/fd`, `ls -l /proc/PID/fd`), counted; compare with `proc-limits` `nofile.soft`.
import type { LineAccumulator } from './types';
import { readNumber } from './text';
import { lineParser } from './byteLines';

/** Counts the entries without keeping them: a listing of a million descriptors is a million lines. */
export function createFdCountAccumulator(): LineAccumulator {
  let entries = 0;
  let first = '';
  let unreadable = false;
  return {
    push(line) {
      const trimmed = line.trim();
      if (trimmed === '' || /^total \d+$/.test(trimmed)) return;
      if (entries++ === 0) first = trimmed;
      if (/No such file|Permission denied/.test(trimmed)) unreadable = true;
    },
    result() {
      const only = entries === 1 ? readNumber(first) : undefined;
      // A single number is a count (`wc -l`): a live process's listing always has more than one entry.
      if (only !== undefined) return { values: { count: only }, warnings: [] };
      const warnings = unreadable ? [`cannot read the fd directory: ${first}`] : [];
      return { values: { count: warnings.length ? undefined : entries }, warnings };
    },
  };
}

export const fdCountParser = lineParser(
  {
    name: 'fd-count',
    summary: 'Open file descriptors of a process: the number from `ls /proc/PID/fd | wc -l`, or a listing counted.',
    commands: ['ls /proc/PID/fd | wc -l', 'ls /proc/PID/fd', 'ls -l /proc/PID/fd'],
    values: [{ name: 'count', type: 'number', description: 'Open file descriptors.' }],
  },
  createFdCountAccumulator,
);
