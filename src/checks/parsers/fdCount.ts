// Open file descriptors of a process: `ls /proc/PID/fd | wc -l` (a number) or the listing itself
// (`ls /proc/PID/fd`, `ls -l /proc/PID/fd`), counted; compare with `proc-limits` `nofile.soft`.
import type { Parser } from './types';
import { forEachLine, readNumber } from './text';

export const fdCountParser: Parser = {
  info: {
    name: 'fd-count',
    summary: 'Open file descriptors of a process: the number from `ls /proc/PID/fd | wc -l`, or a listing counted.',
    commands: ['ls /proc/PID/fd | wc -l', 'ls /proc/PID/fd', 'ls -l /proc/PID/fd'],
    values: [{ name: 'count', type: 'number', description: 'Open file descriptors.' }],
  },
  parse(text) {
    const lines: string[] = [];
    forEachLine(text, (line) => {
      if (line.trim() !== '' && !/^total \d+$/.test(line.trim())) lines.push(line.trim());
    });
    const only = lines.length === 1 ? readNumber(lines[0]) : undefined;
    // A single number is a count (`wc -l`): a live process's listing always has more than one entry.
    if (only !== undefined) return { values: { count: only }, warnings: [] };
    const warnings = lines.some((l) => /No such file|Permission denied/.test(l)) ? [`cannot read the fd directory: ${lines[0]}`] : [];
    return { values: { count: warnings.length ? undefined : lines.length }, warnings };
  },
};
