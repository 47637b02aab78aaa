// A regular expression from the check block (`options.pattern`): named groups become values, from
// the first match or (with `all: true`) every match.
import type { Parser } from './types';
import { newMap, numberOrString, unsafeKeys } from './text';

function groupsOf(m: RegExpExecArray): Record<string, unknown> {
  const out = newMap();
  if (m.groups) {
    for (const [k, v] of Object.entries(m.groups)) if (!unsafeKeys.has(k) && v !== undefined) out[k] = numberOrString(v);
  } else if (m[1] !== undefined) {
    out.value = numberOrString(m[1]);
  }
  return out;
}

export const regexParser: Parser = {
  info: {
    name: 'regex',
    summary: 'Named groups of `options.pattern` (JavaScript regex, multiline): first match, or every match with `all: true`.',
    commands: ['any command'],
    values: [
      { name: '<group>', type: 'string', description: 'Each named group of the first match (a number when numeric).' },
      { name: 'matches', type: 'list', description: 'Group objects of every match (at most `maxRows`), with `all: true`.' },
      { name: 'count', type: 'number', description: 'Number of matches (with `all: true`; else 0 or 1).' },
    ],
    options: [
      { name: 'pattern', type: 'string', description: 'The regular expression, e.g. `open files\\s+\\(-n\\)\\s+(?<nofile>\\d+)`.' },
      { name: 'flags', type: 'string', description: 'Extra flags (`i`); `m` is always on, `g` with `all`.' },
      { name: 'all', type: 'boolean', description: 'Collect every match instead of the first.' },
      { name: 'maxRows', type: 'number', description: 'How many matches to keep (default 1000).' },
    ],
  },
  parse(text, options) {
    if (typeof options.pattern !== 'string' || options.pattern === '') {
      return { values: {}, warnings: ['the regex parser needs `options: { pattern: ... }`'] };
    }
    const all = options.all === true;
    const flags = new Set(['m', ...(typeof options.flags === 'string' ? options.flags.replace(/[^imsu]/g, '') : '')]);
    if (all) flags.add('g');
    let re: RegExp;
    try {
      re = new RegExp(options.pattern, [...flags].join(''));
    } catch (err) {
      return { values: {}, warnings: [`options.pattern is not a valid regular expression: ${(err as Error).message}`] };
    }
    if (!all) {
      const m = re.exec(text);
      return m ? { values: { ...groupsOf(m), count: 1 }, warnings: [] } : { values: { count: 0 }, warnings: ['the pattern did not match'] };
    }
    const maxRows = typeof options.maxRows === 'number' ? options.maxRows : 1000;
    const matches: Record<string, unknown>[] = [];
    let count = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0] === '') re.lastIndex++;
      count++;
      if (matches.length < maxRows) matches.push(groupsOf(m));
    }
    return { values: { ...(matches[0] ?? {}), matches, count }, warnings: count === 0 ? ['the pattern did not match'] : [] };
  },
};
