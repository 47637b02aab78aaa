// Per-state counts already summed by a one-liner: `netstat -n | awk '/^tcp/ {++X[$NF]} END {...}'`
// (`TIME_WAIT 150`) or a Perl hash dump (`'TIME-WAIT' => 59157,`, as quoted in incident 001).
import type { LineAccumulator } from './types';
import { canonicalState, emptyStateCounts } from '../tcpStates';
import { clip, increment, newMap, Warnings } from './text';
import { lineParser } from './byteLines';

const awkLine = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+(\d+)\s*$/;
const perlLine = /^\s*'([^']+)'\s*=>\s*(\d+)\s*,?\s*$/;

export function createStateCountsAccumulator(): LineAccumulator {
  const states = emptyStateCounts();
  const otherStates = newMap<number>();
  const warnings = new Warnings();
  let total = 0;
  let read = 0;
  let n = 0;
  let nonBlank = false;
  return {
    push(line) {
      n++;
      if (line.trim() === '') return;
      nonBlank = true;
      const m = perlLine.exec(line) ?? awkLine.exec(line);
      if (!m) {
        warnings.add(`line ${n}: expected "STATE COUNT" or "'STATE' => COUNT": ${clip(line)}`);
        return;
      }
      read++;
      // The one-liners count ss's header row as a state called `State`.
      if (m[1] === 'State') return;
      const state = canonicalState(m[1]);
      const count = Number(m[2]);
      if (state) {
        states[state] += count;
        total += count;
      } else increment(otherStates, m[1], count);
    },
    result() {
      const w = warnings.done();
      if (read === 0 && nonBlank) w.unshift('no state counts found: expected lines like `TIME_WAIT 150`');
      return { values: { states, total, otherStates }, warnings: w };
    },
  };
}

export const stateCountsParser = lineParser(
  {
    name: 'state-counts',
    summary: "Per-state counts printed by an awk or Perl one-liner (`TIME_WAIT 150`, `'TIME-WAIT' => 59157,`).",
    commands: ["netstat -n | awk '/^tcp/ {++X[$NF]} END {for(i in X) print i, X[i]}'", "ss -tan | awk 'NR>1 {++S[$1]} END {for(s in S) print s, S[s]}'"],
    values: [
      { name: 'states', type: 'map', description: 'Canonical TCP state -> count; every state present (0 when absent).' },
      { name: 'total', type: 'number', description: 'Sum of all recognised state counts.' },
      {
        name: 'otherStates',
        type: 'map',
        description: 'Names that are no TCP state -> count (normally empty; the `State` header row of a Perl dump is ignored).',
      },
    ],
  },
  createStateCountsAccumulator,
);
