// Every pattern a runbook author writes (`extract:`, `matches`, the `regex` parser's `pattern`) runs on
// RE2 (re2js): time linear in the input, so a pattern like `(a+)+$` on hostile host output ends at once
// instead of blocking the process. RE2 has no backreferences or lookaround; those are refused with the
// reason and the position. This is the one place patterns are compiled.
import { RE2JS } from 're2js';

export interface PatternMatch {
  /** The whole match, then the groups (undefined when a group did not take part). */
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
  index: number;
}

export interface UserPattern {
  readonly source: string;
  /** The compiled program, for callers that walk matches themselves (the regex parser's matcher). */
  readonly regex: RE2JS;
  /** No match can reach across a line break, so each line can be searched on its own (see canSpanLines). */
  readonly lineLocal: boolean;
  test(text: string): boolean;
  /** First match, or undefined. */
  exec(text: string): PatternMatch | undefined;
}

export type UserPatternResult = { ok: true; pattern: UserPattern } | { ok: false; message: string; offset: number };

export interface UserPatternFlags {
  /** `^` and `$` match at each line (extract: reads a whole output; the regex parser always). */
  multiline?: boolean;
  ignoreCase?: boolean;
  /** `.` matches a line break too (the regex parser's `s` flag). */
  dotAll?: boolean;
}

/** What RE2 refuses that JavaScript accepts, said the way an author can act on. */
const unsupported: { test: RegExp; say: string }[] = [
  { test: /\\[1-9]|\\k</, say: 'backreferences (\\1, \\k<name>) are not supported' },
  { test: /\(\?<?[=!]/, say: 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported' },
];

/** JavaScript flag letters (the regex parser's `flags`) as flags; `g`, `u` and `y` change nothing here. */
export function flagsFromLetters(letters: string): UserPatternFlags | { unknown: string } {
  const flags: UserPatternFlags = {};
  for (const letter of letters) {
    if (letter === 'i') flags.ignoreCase = true;
    else if (letter === 'm') flags.multiline = true;
    else if (letter === 's') flags.dotAll = true;
    else if (letter !== 'g' && letter !== 'u' && letter !== 'y') return { unknown: letter };
  }
  return flags;
}

export function compileUserPattern(source: string, flags: UserPatternFlags = {}): UserPatternResult {
  if (typeof source !== 'string') return { ok: false, message: 'a pattern must be text', offset: 0 };
  let re: RE2JS;
  try {
    const bits = (flags.multiline ? RE2JS.MULTILINE : 0) | (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.dotAll ? RE2JS.DOTALL : 0);
    re = RE2JS.compile(source, bits);
  } catch (err) {
    return { ok: false, ...explain(source, err instanceof Error ? err.message : String(err)) };
  }
  const pattern: UserPattern = {
    source,
    regex: re,
    lineLocal: !canSpanLines(re),
    test: (text) => re.test(text),
    exec(text) {
      // Typed `any[]` by re2js; at run time it is shaped like RegExpExecArray (index, groups).
      const m = re.exec(text) as (RegExpExecArray & { groups?: Record<string, string | undefined> }) | null;
      if (!m) return undefined;
      const named: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
      if (m.groups) for (const [k, v] of Object.entries(m.groups)) named[k] = v;
      return { groups: [...m], named, index: m.index };
    },
  };
  return { ok: true, pattern };
}

// re2js program instructions: EMPTY_WIDTH (op 4) carries the assertion in `arg`; \A is 4, \z is 8.
const EMPTY_WIDTH = 4;
const BEGIN_TEXT = 4;
const END_TEXT = 8;

interface Instruction {
  op: number;
  arg: number;
  runes: ArrayLike<number>;
}

/**
 * True when a match could reach across a line break: some part of the pattern matches `\n` (`\s`,
 * `[^x]`, `\n`, `.` with `s`), or it asserts the start or end of the whole text (`\A`, `\z`). A pattern
 * for which this is false finds the same matches line by line as in the whole text, so it can stream.
 * Read from the compiled program, so it is exact, not a guess from the source.
 */
export function canSpanLines(regex: RE2JS): boolean {
  const instructions = (regex.re2().prog as { inst: Instruction[] }).inst;
  for (const inst of instructions) {
    if (inst.op === EMPTY_WIDTH && (inst.arg & (BEGIN_TEXT | END_TEXT)) !== 0) return true;
    const runes = inst.runes;
    if (!runes || runes.length === 0) continue;
    if (runes.length === 1) {
      if (runes[0] === 10) return true;
      continue;
    }
    for (let i = 0; i + 1 < runes.length; i += 2) if (runes[i] <= 10 && 10 <= runes[i + 1]) return true;
  }
  return false;
}

/** Whole-text search of a pattern that may cross lines: bounded so one huge output cannot stall the run for long. */
export const WHOLE_TEXT_LIMIT = 8 * 1024 * 1024;

/**
 * The first match in a whole output, as `^`/`$`-per-line (multiline) semantics give it. A line-local
 * pattern is tried line by line (RE2 is much faster on short inputs with anchors, and a trailing `\r`
 * of CRLF output is not part of the line); another looks at the first WHOLE_TEXT_LIMIT characters.
 */
export function firstMatch(pattern: UserPattern, text: string): { match?: PatternMatch; cut: boolean } {
  if (!pattern.lineLocal) {
    const cut = text.length > WHOLE_TEXT_LIMIT;
    return { match: pattern.exec(cut ? text.slice(0, WHOLE_TEXT_LIMIT) : text), cut };
  }
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
    if (pattern.test(line)) {
      const m = pattern.exec(line);
      if (m) return { match: { ...m, index: m.index + start }, cut: false };
    }
    start = end + 1;
  }
  return { cut: false };
}

function explain(source: string, raw: string): { message: string; offset: number } {
  for (const u of unsupported) {
    const at = u.test.exec(source);
    if (at)
      return {
        message: `${u.say}: patterns run on a linear-time engine (RE2) so that no output can hang the run; rewrite \`${at[0]}\` without it, e.g. extract the part and compare it in \`when\``,
        offset: at.index,
      };
  }
  // re2js says `error parsing regexp: invalid escape sequence: \`\Z\``; the quoted part locates it.
  const detail = raw.replace(/^error parsing regexp:\s*/, '');
  const quoted = /`([^`]+)`/.exec(detail)?.[1];
  const found = quoted ? source.indexOf(quoted) : -1;
  // A quote of what re2js compiled (flags prepended, `(?m)(`) rather than of the source points nowhere.
  const said = quoted && found < 0 ? detail.replace(/: `[^`]+`$/, '') : detail;
  const offset = found >= 0 ? found : 0;
  try {
    new RegExp(source); // compiling only: nothing is matched, so no backtracking can happen here
  } catch {
    return { message: `not a valid regular expression: ${said}`, offset };
  }
  return { message: `not a pattern RE2 can run: ${said} (syntax: https://github.com/google/re2/wiki/Syntax)`, offset };
}

// `matches` may see the same pattern for every rule and every host: compile each once.
const cache = new Map<string, UserPatternResult>();

/** compileUserPattern with a small cache (no flags), for expressions. */
export function cachedUserPattern(source: string): UserPatternResult {
  let compiled = cache.get(source);
  if (!compiled) {
    compiled = compileUserPattern(source);
    if (cache.size > 200) cache.clear();
    cache.set(source, compiled);
  }
  return compiled;
}
