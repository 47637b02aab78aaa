// The check block's `extract:` patterns (RE2, linear time): value name -> pattern; the named group (or first group) is
// the value, and numeric text becomes a number so it can be compared.
import { numberOrString, unsafeKeys } from './parsers/text';
import { compileUserPattern, firstMatch, WHOLE_TEXT_LIMIT } from './userPattern';

export function extractValues(output: string, patterns: Record<string, string>): { values: Record<string, unknown>; warnings: string[] } {
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [name, pattern] of Object.entries(patterns)) {
    if (unsafeKeys.has(name)) {
      warnings.push(`extract: "${name}" cannot be used as a value name`);
      continue;
    }
    const compiled = compileUserPattern(String(pattern), { multiline: true });
    if (!compiled.ok) {
      warnings.push(`extract ${name}: ${compiled.message}`);
      continue;
    }
    const { match: m, cut } = firstMatch(compiled.pattern, output);
    if (cut)
      warnings.push(`extract ${name}: the pattern can match across lines, so it looked at the first ${WHOLE_TEXT_LIMIT / 1024 / 1024} MB of the output only`);
    if (!m) {
      warnings.push(`extract ${name}: pattern did not match the output`);
      continue;
    }
    const named = name in m.named ? m.named[name] : Object.values(m.named)[0];
    const text = named ?? m.groups[1] ?? m.groups[0] ?? '';
    values[name] = numberOrString(text.trim());
  }
  return { values, warnings };
}
