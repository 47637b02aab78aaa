// `/proc/PID/limits`: soft and hard limit of a running process, which is what actually applies to it
// (a shell's `ulimit -a` says nothing about a daemon started by systemd).
import type { Parser } from './types';
import { limitNames, limitValueInfos } from './limits';
import { clip, forEachLine, readNumber, Warnings } from './text';

const byLabel = new Map(limitNames.filter((l) => l.proc).map((l) => [l.proc as string, l.name]));

export const procLimitsParser: Parser = {
  info: {
    name: 'proc-limits',
    summary: 'Soft and hard limits of one process from `/proc/PID/limits`; `nofile.soft`, `nproc.hard`...',
    commands: ['cat /proc/PID/limits', 'cat /proc/$(pidof nginx | cut -d" " -f1)/limits'],
    values: limitValueInfos('proc'),
  },
  parse(text) {
    const values: Record<string, unknown> = {};
    const warnings = new Warnings();
    forEachLine(text, (line, n) => {
      if (line.trim() === '' || line.startsWith('Limit ')) return;
      // Labels have single spaces; columns are separated by two or more.
      const m = /^(Max [A-Za-z ]+?)\s{2,}(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
      const name = m ? byLabel.get(m[1]) : undefined;
      if (!m || !name) {
        warnings.add(`line ${n}: not a /proc/PID/limits row: ${clip(line)}`);
        return;
      }
      values[name] = { soft: readNumber(m[2]), hard: readNumber(m[3]), units: m[4] ?? '' };
    });
    if (Object.keys(values).length === 0 && text.trim() !== '') warnings.add('no limits found: is this /proc/PID/limits?');
    return { values, warnings: warnings.done() };
  },
};
