// `ulimit -a` as bash 4/5 (`open files  (-n) 1024`), busybox ash (`open files (-n) 1024`) and dash
// (`nofiles  1024`) print it; also a bare `ulimit -n` number. `unlimited` reads as Infinity.
import type { LineAccumulator } from './types';
import { limitNames, limitValueInfos } from './limits';
import { clip, readNumber, Warnings } from './text';
import { lineParser } from './byteLines';

const byFlag = new Map(limitNames.map((l) => [l.flag, l.name]));
const byDashLabel = new Map(limitNames.filter((l) => l.dash).map((l) => [l.dash as string, l.name]));

export function createUlimitAccumulator(): LineAccumulator {
  const values: Record<string, unknown> = {};
  const warnings = new Warnings();
  let n = 0;
  let nonBlank = false;
  return {
    push(line) {
      n++;
      const trimmed = line.trim();
      if (trimmed === '') return;
      nonBlank = true;
      const flagged = /[(,]\s*-([A-Za-z])\)\s+(\S+)\s*$/.exec(trimmed);
      if (flagged) {
        const name = byFlag.get(flagged[1]);
        const value = readNumber(flagged[2]);
        if (name && value !== undefined) values[name] = value;
        else if (value === undefined) warnings.add(`line ${n}: limit value is not a number: ${clip(line)}`);
        return;
      }
      const dash = /^(.+?)\s+(\S+)$/.exec(trimmed);
      if (dash && byDashLabel.has(dash[1])) {
        const value = readNumber(dash[2]);
        if (value !== undefined) values[byDashLabel.get(dash[1]) as string] = value;
        else warnings.add(`line ${n}: limit value is not a number: ${clip(line)}`);
        return;
      }
      const single = readNumber(trimmed);
      if (single !== undefined) {
        values.value = single;
        return;
      }
      warnings.add(`line ${n}: not a ulimit line: ${clip(line)}`);
    },
    result() {
      if (Object.keys(values).length === 0 && nonBlank) warnings.add('no limits found: is this `ulimit -a` output?');
      return { values, warnings: warnings.done() };
    },
  };
}

export const ulimitParser = lineParser(
  {
    name: 'ulimit',
    summary: 'Shell limits from `ulimit -a` (bash, dash, busybox) under limits.conf names: `nofile`, `nproc`...; `unlimited` is Infinity.',
    commands: ['ulimit -a', 'ulimit -n', 'ulimit -Hn', 'su - USER -c "ulimit -a"'],
    values: [...limitValueInfos('ulimit'), { name: 'value', type: 'number', description: 'The number when the output is a single value (`ulimit -n`).' }],
  },
  createUlimitAccumulator,
);
