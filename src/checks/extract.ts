// The check block's `extract:` regexes: value name -> pattern; the named group (or first group) is
// the value, and numeric text becomes a number so it can be compared.
import { numberOrString, unsafeKeys } from './parsers/text';

export function extractValues(output: string, patterns: Record<string, string>): { values: Record<string, unknown>; warnings: string[] } {
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [name, pattern] of Object.entries(patterns)) {
    if (unsafeKeys.has(name)) {
      warnings.push(`extract: "${name}" cannot be used as a value name`);
      continue;
    }
    let re: RegExp;
    try {
      re = new RegExp(String(pattern), 'm');
    } catch (err) {
      warnings.push(`extract ${name}: not a valid regular expression: ${(err as Error).message}`);
      continue;
    }
    const m = re.exec(output);
    if (!m) {
      warnings.push(`extract ${name}: pattern did not match the output`);
      continue;
    }
    const groups = m.groups ?? {};
    const named = name in groups ? groups[name] : Object.values(groups)[0];
    const text = named ?? m[1] ?? m[0];
    values[name] = numberOrString(text.trim());
  }
  return { values, warnings };
}
