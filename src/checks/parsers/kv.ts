// `key: value` and `key=value` lines (systemctl show, /proc/PID/status, app health pages).
import type { LineAccumulator } from './types';
import { clip, newMap, numberOrString, unsafeKeys, Warnings } from './text';
import { lineParser } from './byteLines';

export function createKvAccumulator(): LineAccumulator {
  const kv = newMap();
  const values: Record<string, unknown> = { kv };
  const warnings = new Warnings();
  let n = 0;
  return {
    push(line) {
      n++;
      if (line.trim() === '') return;
      const m = /^\s*([^:=\s][^:=]*?)\s*[:=]\s*(.*?)\s*$/.exec(line);
      if (!m) {
        warnings.add(`line ${n}: expected "key: value" or "key=value": ${clip(line)}`);
        return;
      }
      const value = numberOrString(m[2]);
      kv[m[1]] = value;
      if (/^[A-Za-z_]\w*$/.test(m[1]) && m[1] !== 'kv' && !unsafeKeys.has(m[1])) values[m[1]] = value;
    },
    result: () => ({ values, warnings: warnings.done() }),
  };
}

export const kvParser = lineParser(
  {
    name: 'kv',
    summary: '`key: value` or `key=value` lines; numeric values become numbers.',
    commands: ['systemctl show nginx -p LimitNOFILE -p MainPID', 'cat /proc/PID/status'],
    values: [
      { name: 'kv', type: 'map', description: 'Every key as written -> value.' },
      { name: '<key>', type: 'string', description: 'Each key that is a plain name (letters, digits, `_`) also as a top-level value.' },
    ],
  },
  createKvAccumulator,
);
