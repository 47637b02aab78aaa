// A whitespace-aligned table with a header row (`ps`, `df`, `free`...) -> rows of objects keyed by header.
import type { LineAccumulator, ParserOptions } from './types';
import { newMap, numberOrString } from './text';
import { lineParser } from './byteLines';

export function createTableAccumulator(options: ParserOptions): LineAccumulator {
  const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
  let columns: string[] | undefined;
  const rows: Record<string, unknown>[] = [];
  let count = 0;
  return {
    push(line) {
      const cells = line.trim().split(/\s+/);
      if (cells[0] === '') return;
      if (!columns) {
        columns = cells;
        return;
      }
      count++;
      if (rows.length >= maxRows) return;
      const row = newMap();
      columns.forEach((name, i) => {
        const cell = i === columns!.length - 1 ? cells.slice(i).join(' ') : cells[i];
        if (cell !== undefined && cell !== '') row[name] = numberOrString(cell);
      });
      rows.push(row);
    },
    result: () => ({ values: { rows, count, columns: columns ?? [] }, warnings: columns ? [] : ['no header line: the output is empty'] }),
  };
}

export const tableParser = lineParser(
  {
    name: 'table',
    summary: 'A whitespace table whose first non-empty line is the header: rows of `{ HEADER: value }`; extra cells join the last column.',
    commands: ['ps -eo pid,nlwp,rss,comm', 'df -h', 'free -m'],
    values: [
      { name: 'rows', type: 'list', description: 'One object per row, keyed by header names; numeric cells become numbers. At most `maxRows`.' },
      { name: 'count', type: 'number', description: 'Data rows read.' },
      { name: 'columns', type: 'list', description: 'The header names.' },
    ],
    options: [{ name: 'maxRows', type: 'number', description: 'How many rows to keep (default 1000).' }],
  },
  createTableAccumulator,
);
