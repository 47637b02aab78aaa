// `sysctl -a`, `sysctl net.x`, `sysctl -p` and sysctl.conf lines (`key = value`), plus `sysctl -n`
// values named by the `names` option. Each key is also offered by its last segment when unambiguous.
import type { LineAccumulator, ParserOptions } from './types';
import { clip, newMap, numberOrString, unsafeKeys, Warnings } from './text';
import { lineParser } from './byteLines';

export function createSysctlAccumulator(options: ParserOptions): LineAccumulator {
  const sysctl = newMap();
  const warnings = new Warnings();
  const names = Array.isArray(options.names) ? options.names.map(String) : undefined;
  let bare = 0;
  let n = 0;
  return {
    push(line) {
      n++;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
      const kv = /^([A-Za-z0-9_][\w.\-/*]*)\s*=\s*(.*)$/.exec(trimmed);
      if (kv) {
        sysctl[kv[1].replace(/\//g, '.')] = numberOrString(kv[2].trim().replace(/\s+/g, ' '));
        return;
      }
      if (trimmed.startsWith('sysctl:')) {
        warnings.add(`line ${n}: ${clip(trimmed, 160)}`);
        return;
      }
      if (names && bare < names.length) {
        sysctl[names[bare++]] = numberOrString(trimmed.replace(/\s+/g, ' '));
        return;
      }
      warnings.add(`line ${n}: expected "key = value"${names ? '' : ' (for `sysctl -n` give the keys in options.names)'}: ${clip(line)}`);
    },
    result() {
      const values: Record<string, unknown> = { sysctl };
      const lastSegments = new Map<string, string[]>();
      for (const key of Object.keys(sysctl)) {
        const last = key.slice(key.lastIndexOf('.') + 1);
        lastSegments.set(last, [...(lastSegments.get(last) ?? []), key]);
      }
      for (const [last, keys] of lastSegments) {
        // `sysctl` itself and prototype names must stay what they are.
        if (keys.length === 1 && last !== 'sysctl' && !unsafeKeys.has(last)) values[last] = sysctl[keys[0]];
      }
      return { values, warnings: warnings.done() };
    },
  };
}

export const sysctlParser = lineParser(
  {
    name: 'sysctl',
    summary: 'Kernel settings from `sysctl` (`key = value`): `sysctl["net.ipv4.tcp_fin_timeout"]`, or `tcp_fin_timeout` when unambiguous.',
    commands: ['sysctl -a', 'sysctl net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count', 'sysctl -p', 'cat /etc/sysctl.conf', 'sysctl -n KEY...'],
    values: [
      { name: 'sysctl', type: 'map', description: 'Full dotted key -> value (number when numeric, else the text with single spaces, e.g. `"1024 65535"`).' },
      {
        name: '<last segment>',
        type: 'number',
        description: "Each key's last segment (`nf_conntrack_max`) as a top-level value, when no other key read ends the same way.",
      },
    ],
    options: [{ name: 'names', type: 'list', description: 'For `sysctl -n`: the keys, in the order the values are printed.' }],
  },
  createSysctlAccumulator,
);
