// `/proc/PID/limits`: soft and hard limit of a running process, which is what actually applies to it
// (a shell's `ulimit -a` says nothing about a daemon started by systemd).
import type { LineAccumulator } from './types';
import { limitNames, limitValueInfos } from './limits';
import { clip, readNumber, Warnings } from './text';
import { lineParser } from './byteLines';

const byLabel = new Map(limitNames.filter((l) => l.proc).map((l) => [l.proc as string, l.name]));

export function createProcLimitsAccumulator(): LineAccumulator {
  const values: Record<string, unknown> = {};
  const warnings = new Warnings();
  let n = 0;
  let nonBlank = false;
  return {
    push(line) {
      n++;
      if (line.trim() === '') return;
      nonBlank = true;
      if (line.startsWith('Limit ')) return;
      // Labels have single spaces; columns are separated by two or more.
      const m = /^(Max [A-Za-z ]+?)\s{2,}(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
      const name = m ? byLabel.get(m[1]) : undefined;
      if (!m || !name) {
        warnings.add(`line ${n}: not a /proc/PID/limits row: ${clip(line)}`);
        return;
      }
      values[name] = { soft: readNumber(m[2]), hard: readNumber(m[3]), units: m[4] ?? '' };
    },
    result() {
      if (Object.keys(values).length === 0 && nonBlank) warnings.add('no limits found: is this /proc/PID/limits?');
      return { values, warnings: warnings.done() };
    },
  };
}

export const procLimitsParser = lineParser(
  {
    name: 'proc-limits',
    summary: 'Soft and hard limits of one process from `/proc/PID/limits`; `nofile.soft`, `nproc.hard`...',
    commands: ['cat /proc/PID/limits', 'cat /proc/$(pidof nginx | cut -d" " -f1)/limits'],
    values: limitValueInfos('proc'),
  },
  createProcLimitsAccumulator,
);
