// Check-block expressions: `when`, derived `values` and `{{...}}` in messages and hints must parse,
// and may only read values something defines (the step's parser, extract, values, parameters, steps).

import type { Diagnostic, Step } from '../runbook/model';
import type { Span } from '../checks/spec';
import { compileExpression, literalPatterns } from '../checks/expression';
import { cachedUserPattern } from '../checks/userPattern';
import { placeholder } from '../checks/interpolate';
import { listParsers } from '../checks/parsers/index';
import { diagnostic } from '../runbook/diagnostics';
import type { RunbookSource } from './source';
import type { RunbookValues, StepValues } from './values';
import { didYouMean, listNames } from './names';

/** What an expression may read besides the step's own values. */
export interface Scope {
  own: StepValues;
  params: Set<string>;
  /** Top-level names from other steps. */
  others: Set<string>;
  othersOpen: boolean;
  values: RunbookValues;
}

export function checkBlockDiagnostics(step: Step, source: RunbookSource, scope: Scope, messageScope: Scope): Diagnostic[] {
  const check = step.check;
  const spec = check?.spec;
  if (!check || !spec) return [];
  const out: Diagnostic[] = [];
  if (spec.parse !== undefined && spec.spans.parse && !scope.own.parser) {
    const names = listParsers().map((p) => p.name);
    out.push(
      diagnostic(
        source.checkRange(check, spec.spans.parse),
        'error',
        'unknown-parser',
        `there is no parser "${spec.parse}"; ${didYouMean(spec.parse, names)}use one of ${names.join(', ')} (see docs/FORMAT.md, Parsers), or drop \`parse:\` and use extract:`,
      ),
    );
  }
  const expression = (text: string, span: Span | undefined, what: string, inScope: Scope, offset = 0, inMessage = false) => {
    if (!span) return;
    const compiled = compiledOnce(text);
    if (!compiled.ok) {
      const at = source.checkRange(check, span, { offset: offset + compiled.offset, length: 1 });
      out.push(
        diagnostic(
          at,
          'error',
          'expression-syntax',
          `${what} \`${clip(text)}\` does not parse at character ${compiled.offset + 1}: ${compiled.message}; write e.g. \`count >= max * 0.9\``,
        ),
      );
      return;
    }
    // A `matches` pattern RE2 cannot run would fail on every host: say so here, at the pattern.
    for (const { pattern, raw } of literalPatterns(compiled.expression)) {
      const re2 = cachedUserPattern(pattern);
      if (re2.ok) continue;
      const quoted = text.indexOf(raw);
      const at =
        quoted < 0
          ? { offset: 0, length: text.length }
          : raw.slice(1, -1) === pattern
            ? { offset: quoted + 1 + re2.offset, length: 1 }
            : { offset: quoted, length: raw.length };
      out.push(
        diagnostic(
          source.checkRange(check, span, { offset: offset + at.offset, length: at.length }),
          'error',
          'check-regex',
          `${what} \`${clip(text)}\`: ${re2.message}`,
        ),
      );
    }
    // delta./rate. exist only when the step samples its command twice or more.
    const sampled = (step as { samples?: number }).samples ?? 1;
    if (sampled < 2 && !inMessage) {
      const paths = compiled.identifiers.filter((p) => /^(delta|rate)\./.test(p));
      const shown =
        paths.length > 0
          ? paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}.`)))
          : compiled.identifiers.filter((p) => p === 'delta' || p === 'rate');
      for (const path of shown) {
        const at = locate(text, path);
        const range = source.checkRange(check, span, { offset: offset + at.offset, length: at.length });
        out.push(
          diagnostic(
            range,
            'warning',
            'needs-samples',
            `\`${path}\` compares samples, but step ${step.key} runs its command once: add samples=2 interval=5s to its attributes`,
          ),
        );
      }
    }
    for (const path of compiled.identifiers) {
      if (isKnown(path, inScope)) continue;
      const at = locate(text, path);
      const range = source.checkRange(check, span, { offset: offset + at.offset, length: at.length });
      out.push(diagnostic(range, 'warning', 'unknown-value', unknownMessage(path, inScope)));
    }
  };
  for (const [name, text] of Object.entries(spec.values ?? {})) expression(text, spec.spans.values?.[name], `value "${name}" =`, scope);
  spec.findings.forEach((rule, i) => {
    expression(rule.when, rule.spans.when, `finding ${i + 1}: when`, scope);
    for (const key of ['message', 'hint'] as const) {
      const text = rule[key];
      const span = rule.spans[key];
      if (text === undefined || !span) continue;
      for (const m of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
        const inner = m[1];
        const lead = inner.length - inner.trimStart().length;
        // `{{last?}}` marks an optional value: the expression is `last`.
        const { source: inside } = placeholder(inner);
        expression(inside, span, `{{${inner.trim()}}} in the ${key}:`, messageScope, m.index + 2 + lead, true);
      }
    }
  });
  return out;
}

// The language server analyses the same expressions after every edit: parse each text once.
const compiledCache = new Map<string, ReturnType<typeof compileExpression>>();
function compiledOnce(text: string): ReturnType<typeof compileExpression> {
  let compiled = compiledCache.get(text);
  if (!compiled) {
    if (compiledCache.size > 20_000) compiledCache.clear();
    compiled = compileExpression(text);
    compiledCache.set(text, compiled);
  }
  return compiled;
}

const SAMPLE_VALUES = new Set(['delta', 'rate', 'sampleSeconds']);

/** `params.x`, `steps.key.x`, or a top-level name. */
export function isKnown(path: string, scope: Scope): boolean {
  const segments = pathSegments(path);
  if (!segments) return true;
  const [root, second, third] = segments;
  // What a sampled step adds to its own values (see checks/samples.ts); `needs-samples` covers one sample.
  if (SAMPLE_VALUES.has(root)) return true;
  if (segments.length === 1) {
    return (
      root === 'params' ||
      root === 'steps' ||
      scope.own.open ||
      scope.own.names.has(root) ||
      scope.params.has(root) ||
      scope.others.has(root) ||
      scope.othersOpen
    );
  }
  if (root === 'params') return scope.params.has(second);
  if (root === 'steps') {
    const step = scope.values.runbook.steps.find((s) => s.key === second);
    if (!step) return false;
    const values = scope.values.of(step);
    return third === undefined || values.open || values.names.has(third);
  }
  // Paths under a value (`states.TIME_WAIT`) are checked through their root.
  return true;
}

function unknownMessage(path: string, scope: Scope): string {
  const segments = pathSegments(path) ?? [path];
  if (segments[0] === 'params') {
    return `no parameter "${segments[1]}" is declared; ${didYouMean(segments[1], scope.params)}declare it under params: in the front matter (parameters: ${listNames([...scope.params])})`;
  }
  if (segments[0] === 'steps') {
    const keys = scope.values.runbook.steps.map((s) => s.key);
    const step = scope.values.runbook.steps.find((s) => s.key === segments[1]);
    if (!step) return `no step "${segments[1]}"; ${didYouMean(segments[1], keys)}write steps.<step id>.<value>`;
    const names = [...scope.values.of(step).names.keys()];
    return `step ${step.key} has no value "${segments[2]}"; ${didYouMean(segments[2], names)}its values are ${listNames(names)}`;
  }
  const own = [...scope.own.names.keys()];
  const parser = scope.own.parser
    ? `parser ${scope.own.parser.name} gives ${listNames(own)}`
    : own.length > 0
      ? `this check defines ${listNames(own)}`
      : 'this check has no parser';
  const candidates = [...own, ...scope.params, ...scope.others];
  return `nothing defines the value "${path}" (${parser}); ${didYouMean(path, candidates)}define it under extract: or values:, declare a parameter, or read another step's value as steps.<id>.${path}`;
}

/** Splits `a.b["c d"][0]` into segments; undefined when it is not a plain path. */
export function pathSegments(path: string): string[] | undefined {
  const root = /^[A-Za-z_$][\w$]*/.exec(path);
  if (!root) return undefined;
  const segments = [root[0]];
  const rest = /\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*"|\d+)\]/gy;
  rest.lastIndex = root[0].length;
  while (rest.lastIndex < path.length) {
    const m = rest.exec(path);
    if (!m) return undefined;
    segments.push(m[1] ?? String(JSON.parse(m[2]) as string | number));
  }
  return segments;
}

/** Where a value path is written in the expression (its first occurrence as a whole word). */
function locate(text: string, path: string): { offset: number; length: number } {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?<![\\w.$])${escaped}(?![\\w$])`).exec(text);
  if (m) return { offset: m.index, length: path.length };
  const root = pathSegments(path)?.[0] ?? path;
  const r = new RegExp(`(?<![\\w.$])${root}(?![\\w$])`).exec(text);
  return r ? { offset: r.index, length: root.length } : { offset: 0, length: text.length };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
