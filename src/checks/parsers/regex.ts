// A regular expression from the check block (`options.pattern`): named groups become values, from
// the first match or (with `all: true`) every match. The pattern runs on a linear-time engine
// (../userPattern.ts). A pattern that cannot reach across a line break is matched line by line, so any
// output streams; one that can (`\s`, `[^x]`, `\n`) is matched on the text, of which it keeps at most
// SPANNING_TEXT_LIMIT characters.
import type { Matcher, RE2JS } from 're2js';
import type { LineAccumulator, ParserOptions, ParseResult } from './types';
import { newMap, numberOrString, unsafeKeys } from './text';
import { lineParser } from './byteLines';
import { compileUserPattern, flagsFromLetters } from '../userPattern';

/** The text a line-spanning pattern searches at most: the whole output of any ordinary command, bounded for a runaway one. */
const SPANNING_TEXT_LIMIT = 16 * 1024 * 1024;

function groupsOf(m: Matcher, names: string[]): Record<string, unknown> {
  const out = newMap();
  if (names.length > 0) {
    for (const name of names) {
      const v = m.group(name);
      if (!unsafeKeys.has(name) && v !== null) out[name] = numberOrString(v);
    }
  } else if (m.groupCount() >= 1) {
    const v = m.group(1);
    if (v !== null) out.value = numberOrString(v);
  }
  return out;
}

/** Matches found so far, first or all, as the parser reports them. */
class Collected {
  count = 0;
  first: Record<string, unknown> | undefined;
  readonly matches: Record<string, unknown>[] = [];
  constructor(
    private readonly all: boolean,
    private readonly maxRows: number,
    private readonly names: string[],
  ) {}
  get done(): boolean {
    return !this.all && this.count > 0;
  }
  search(matcher: Matcher, input: string): void {
    matcher.resetMatcherInput(input);
    while (!this.done && matcher.find()) {
      this.count++;
      const groups = groupsOf(matcher, this.names);
      if (this.first === undefined) this.first = groups;
      if (this.all && this.matches.length < this.maxRows) this.matches.push(groups);
    }
  }
  result(extra: string[]): ParseResult {
    if (!this.all) {
      return this.first
        ? { values: { ...this.first, count: 1 }, warnings: extra }
        : { values: { count: 0 }, warnings: ['the pattern did not match', ...extra] };
    }
    return {
      values: { ...(this.matches[0] ?? {}), matches: this.matches, count: this.count },
      warnings: this.count === 0 ? ['the pattern did not match', ...extra] : extra,
    };
  }
}

function failed(problem: string): LineAccumulator {
  return { push() {}, result: () => ({ values: {}, warnings: [problem] }) };
}

export function createRegexAccumulator(options: ParserOptions): LineAccumulator {
  if (typeof options.pattern !== 'string' || options.pattern === '') return failed('the regex parser needs `options: { pattern: ... }`');
  const flags = flagsFromLetters(typeof options.flags === 'string' ? options.flags.replace(/[^is]/g, '') : '');
  if ('unknown' in flags) return failed(`options.flags: unknown flag "${flags.unknown}" (use i or s)`);
  const compiled = compileUserPattern(options.pattern, { ...flags, multiline: true });
  if (!compiled.ok) return failed(`options.pattern \`${options.pattern}\`: ${compiled.message}`);
  const regex: RE2JS = compiled.pattern.regex;
  const names = Object.keys(regex.namedGroups());
  const found = new Collected(options.all === true, typeof options.maxRows === 'number' ? options.maxRows : 1000, names);
  const matcher = regex.matcher('');
  if (compiled.pattern.lineLocal) {
    return {
      push(line) {
        if (!found.done) found.search(matcher, line);
      },
      result: () => found.result([]),
    };
  }
  // Lines joined by `\n`: the same text whatever line breaks (CRLF or not) and chunks it arrived in.
  const parts: string[] = [];
  let length = 0;
  let dropped = 0;
  return {
    push(line) {
      const piece = parts.length > 0 ? `\n${line}` : line;
      if (length + piece.length <= SPANNING_TEXT_LIMIT) {
        parts.push(piece);
        length += piece.length;
      } else dropped++;
    },
    result() {
      found.search(matcher, parts.join(''));
      const extra =
        dropped > 0
          ? [
              `the pattern can match a line break, so it searched the output as one text: only its first ${SPANNING_TEXT_LIMIT / 1048576} MiB (${dropped} lines left out)`,
            ]
          : [];
      return found.result(extra);
    },
  };
}

export const regexParser = lineParser(
  {
    name: 'regex',
    summary: 'Named groups of `options.pattern` (RE2 syntax, linear time; multiline): first match, or every match with `all: true`.',
    commands: ['any command'],
    values: [
      { name: '<group>', type: 'string', description: 'Each named group of the first match (a number when numeric).' },
      { name: 'matches', type: 'list', description: 'Group objects of every match (at most `maxRows`), with `all: true`.' },
      { name: 'count', type: 'number', description: 'Number of matches (with `all: true`; else 0 or 1).' },
    ],
    options: [
      {
        name: 'pattern',
        type: 'string',
        description:
          'The regular expression (RE2 syntax: no backreferences or lookaround), e.g. `open files\\s+\\(-n\\)\\s+(?<nofile>\\d+)`. A pattern that cannot match a line break is matched line by line.',
      },
      { name: 'flags', type: 'string', description: 'Extra flags (`i`, `s`); `m` is always on.' },
      { name: 'all', type: 'boolean', description: 'Collect every match instead of the first.' },
      { name: 'maxRows', type: 'number', description: 'How many matches to keep (default 1000).' },
    ],
  },
  createRegexAccumulator,
);
