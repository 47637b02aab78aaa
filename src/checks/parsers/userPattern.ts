// Patterns a runbook author writes (the `regex` parser's `pattern`, the `matches` operator) run on
// re2js, a linear-time engine: a pattern like `(a+)+$` that takes a backtracking engine minutes on a
// 41-byte line ends at once. The price is RE2 syntax: no backreferences, no lookaround.
import { RE2JS } from 're2js';

export type CompiledPattern = { ok: true; regex: RE2JS; source: string } | { ok: false; problem: string };

/** JavaScript flag letters the engine can honour; `g`, `u` and `y` change nothing here and are accepted. */
const flagBits: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, g: 0, u: 0, y: 0 };

/** What a syntax error most likely means, in the author's words. */
function explain(source: string, message: string): string {
  const lead = `pattern \`${source}\``;
  const engine = 'patterns run on a linear-time engine (RE2 syntax), so no output can make a check hang';
  if (/\\[1-9]|\\k</.test(source) && /invalid escape sequence: `\\(?:[1-9]|k)/.test(message)) {
    return `${lead} uses a backreference (\`\\1\`, \`\\k<name>\`), which is not supported: ${engine}; match the text twice with two patterns instead`;
  }
  if (/\(\?[=!]/.test(source)) return `${lead} uses a lookahead (\`(?=...)\`, \`(?!...)\`), which is not supported: ${engine}`;
  if (/\(\?<[=!]/.test(source)) return `${lead} uses a lookbehind (\`(?<=...)\`, \`(?<!...)\`), which is not supported: ${engine}`;
  return `${lead} is not a valid regular expression: ${message.replace(/^error parsing regexp: /, '')}`;
}

/**
 * Compiles a user-written pattern with JavaScript-style flags (`i`, `m`, `s`). Never throws: a pattern
 * the engine cannot run comes back as `{ ok: false, problem }`, a sentence that names the pattern.
 */
export function compileUserPattern(source: string, flags = ''): CompiledPattern {
  let bits = 0;
  for (const letter of flags) {
    const bit = flagBits[letter];
    if (bit === undefined) return { ok: false, problem: `pattern \`${source}\`: unknown flag "${letter}" (use i, m or s)` };
    bits |= bit;
  }
  try {
    return { ok: true, regex: RE2JS.compile(source, bits), source };
  } catch (err) {
    return { ok: false, problem: explain(source, err instanceof Error ? err.message : String(err)) };
  }
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
