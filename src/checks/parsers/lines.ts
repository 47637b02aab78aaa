// Any output as lines: how many, and the lines themselves (e.g. `grep` results).
import type { LineAccumulator, ParserOptions } from './types';
import { lineParser } from './byteLines';

export function createLinesAccumulator(options: ParserOptions): LineAccumulator {
  const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
  const lines: string[] = [];
  let count = 0;
  return {
    push(line) {
      if (line.trim() === '') return;
      count++;
      if (lines.length < maxRows) lines.push(line);
    },
    result: () => ({ values: { count, lines }, warnings: [] }),
  };
}

export const linesParser = lineParser(
  {
    name: 'lines',
    summary: 'Any output as non-empty lines: `count` and `lines`.',
    commands: ['grep PATTERN FILE', 'ps -eo pid,cmd | grep java'],
    values: [
      { name: 'count', type: 'number', description: 'Non-empty lines.' },
      { name: 'lines', type: 'list', description: 'The non-empty lines, at most `maxRows`.' },
    ],
    options: [{ name: 'maxRows', type: 'number', description: 'How many lines to keep (default 1000).' }],
  },
  createLinesAccumulator,
);
