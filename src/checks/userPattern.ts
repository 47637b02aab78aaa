// Patterns a runbook author writes (`extract:`, `matches`) run on RE2 (re2js): time linear in the input,
// so a pattern like `(a+)+$` on hostile host output ends at once instead of blocking the process.
// RE2 has no backreferences or lookaround; those are refused with the reason and the position.
import { RE2JS } from 're2js';

export interface PatternMatch {
  /** The whole match, then the groups (undefined when a group did not take part). */
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
  index: number;
}

export interface UserPattern {
  readonly source: string;
  /** No part of the pattern can match a line break, so each line can be searched on its own. */
  readonly lineLocal: boolean;
  test(text: string): boolean;
  /** First match, or undefined. */
  exec(text: string): PatternMatch | undefined;
}

export type UserPatternResult = { ok: true; pattern: UserPattern } | { ok: false; message: string; offset: number };

export interface UserPatternFlags {
  /** `^` and `$` match at each line (extract: reads a whole output). */
  multiline?: boolean;
  ignoreCase?: boolean;
}

/** What RE2 refuses that JavaScript accepts, said the way an author can act on. */
const unsupported: { test: RegExp; say: string }[] = [
  { test: /\\[1-9]|\\k</, say: 'backreferences (\\1, \\k<name>) are not supported' },
  { test: /\(\?<?[=!]/, say: 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported' },
];

export function compileUserPattern(source: string, flags: UserPatternFlags = {}): UserPatternResult {
  if (typeof source !== 'string') return { ok: false, message: 'a pattern must be text', offset: 0 };
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, (flags.multiline ? RE2JS.MULTILINE : 0) | (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0));
  } catch (err) {
    return { ok: false, ...explain(source, err instanceof Error ? err.message : String(err)) };
  }
  const pattern: UserPattern = {
    source,
    lineLocal: isLineLocal(source),
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

/**
 * Conservative: anything that could match `\n` (`\s`, `\S`, `\W`, `\D`, `[^...]`, `\n`, hex or octal
 * escapes, Unicode classes, `\C`, the `s` flag) makes the pattern whole-text.
 */
function isLineLocal(source: string): boolean {
  return !/\\[nsSWDpPCx0-7]|\[\^|\(\?[a-zA-Z]*s/.test(source) && !source.includes('\n');
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
  return { message: `not a pattern RE2 can run: ${detail} (syntax: https://github.com/google/re2/wiki/Syntax)`, offset: found >= 0 ? found : 0 };
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
