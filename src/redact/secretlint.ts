// Runs secretlint's recommended preset over a text and masks what it finds as `[REDACTED:<rule>]`.
// secretlint is ESM-only: it is loaded on first use with `import()`, which keeps activation cheap too.

type LintSource = typeof import('@secretlint/core').lintSource;
type Creator = typeof import('@secretlint/secretlint-rule-preset-recommend').creator;

let loaded: Promise<{ lintSource: LintSource; creator: Creator }> | undefined;

function load(): Promise<{ lintSource: LintSource; creator: Creator }> {
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend'), import('@secretlint/profiler')]).then(
    ([core, preset, profiler]) => {
      // secretlint's built-in profiler marks every lint on the process-wide performance timeline and keeps
      // every entry: thousands of lints (an export redacts each field) made the process spin for minutes
      // after the work was done, and the marks would grow forever in VS Code's shared extension host.
      // We never read its measures: give it a timeline that records nothing.
      (profiler.secretLintProfiler as unknown as { perf: unknown }).perf = { mark: () => undefined, measure: () => undefined };
      return { lintSource: core.lintSource, creator: preset.creator };
    },
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
