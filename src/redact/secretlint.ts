// Runs secretlint's recommended preset over a text and masks what it finds as `[REDACTED:<rule>]`.
// secretlint is ESM-only: it is loaded on first use with `import()`, which keeps activation cheap too.

type LintSource = typeof import('@secretlint/core').lintSource;
type Creator = typeof import('@secretlint/secretlint-rule-preset-recommend').creator;

let loaded: Promise<{ lintSource: LintSource; creator: Creator }> | undefined;

function load(): Promise<{ lintSource: LintSource; creator: Creator }> {
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]).then(
    ([core, preset]) => ({ lintSource: core.lintSource, creator: preset.creator }),
  );
  return loaded;
}

/** `@secretlint/secretlint-rule-github` -> `github`. */
export function ruleName(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, '').replace(/^.*\//, '') || 'secret';
}

export async function maskWithSecretlint(text: string): Promise<string> {
  if (text.length === 0) return text;
  const { lintSource, creator } = await load();
  const result = await lintSource({
    source: { content: text, filePath: 'output.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] } },
  });
  // Replace from the end so earlier ranges stay valid; skip a range that overlaps one already replaced.
  const ranges = result.messages
    .map((m) => ({ start: m.range[0], end: m.range[1], name: ruleName(m.ruleId) }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let masked = text;
  let floor = Infinity;
  for (const { start, end, name } of ranges) {
    if (end > floor || start >= end) continue;
    masked = masked.slice(0, start) + `[REDACTED:${name}]` + masked.slice(end);
    floor = start;
  }
  return masked;
}
