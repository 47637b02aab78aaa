// What a check makes of one output: parse it, extract and derive values, raise findings in rule order,
// and choose the next step with a `why` that shows the actual numbers. Never throws.
import type { CheckOutcome, CheckSpec, Finding, FindingRule } from './spec';
import { compileExpression, evaluateExpression, explainExpression, type CompiledExpression } from './expression';
import { interpolateWithWarnings } from './interpolate';
import { extractValues } from './extract';
import { getParser, listParsers } from './parsers/index';
import type { ParseResult } from './parsers/types';
import { unsafeKeys } from './parsers/text';

export { listParsers, getParser, valuesOf } from './parsers/index';

/** Copies own keys into `target`, skipping names that would reach a prototype. */
function assignSafely(target: Record<string, unknown>, source: Record<string, unknown> | undefined): void {
  if (!source) return;
  for (const key of Object.keys(source)) if (!unsafeKeys.has(key)) target[key] = source[key];
}

function compileOrWarn(source: string, what: string, warnings: string[]): CompiledExpression | undefined {
  const compiled = compileExpression(String(source));
  if (compiled.ok) return compiled.expression;
  warnings.push(`${what}: ${compiled.message} (at character ${compiled.offset + 1} of \`${String(source).slice(0, 80)}\`)`);
  return undefined;
}

/** Did the rule's condition hold? Missing values and non-boolean results count as "no", with a warning. */
function holds(rule: FindingRule, index: number, scope: Record<string, unknown>, warnings: string[]): { raised: boolean; expr?: CompiledExpression } {
  const expr = compileOrWarn(rule.when, `finding ${index + 1} when`, warnings);
  if (!expr) return { raised: false };
  const result = evaluateExpression(expr, scope);
  if (!result.ok) {
    warnings.push(`finding ${index + 1} when \`${rule.when}\`: ${result.message}`);
    return { raised: false, expr };
  }
  for (const w of result.warnings) warnings.push(`finding ${index + 1} when \`${rule.when}\`: ${w}`);
  if (typeof result.value === 'boolean') return { raised: result.value, expr };
  if (result.value !== undefined)
    warnings.push(`finding ${index + 1} when \`${rule.when}\` gave ${JSON.stringify(result.value)}, not true or false: not raised`);
  return { raised: false, expr };
}

function parseOutput(spec: CheckSpec, output: string, warnings: string[]): Record<string, unknown> {
  if (!spec.parse) return {};
  const parser = getParser(spec.parse);
  if (!parser) {
    warnings.push(
      `unknown parser "${spec.parse}": use one of ${listParsers()
        .map((p) => p.name)
        .join(', ')}`,
    );
    return {};
  }
  try {
    const result = parser.parse(output, spec.options ?? {});
    for (const w of result.warnings) warnings.push(`${spec.parse}: ${w}`);
    return result.values;
  } catch (err) {
    // Parsers are written not to throw; if one does, the check still ends with what it has.
    warnings.push(`${spec.parse}: could not read the output (${(err as Error).message})`);
    return {};
  }
}

/**
 * `parsed`: the parser's result computed elsewhere, e.g. streamed over an output too large to keep
 * in memory (the engine does that); `output` is then only used for `extract`.
 */
export function evaluateCheck(spec: CheckSpec, output: string, scope: Record<string, unknown>, parsed?: ParseResult): CheckOutcome {
  const warnings: string[] = [];
  const values: Record<string, unknown> = {};
  if (parsed) {
    for (const w of parsed.warnings) warnings.push(`${spec.parse}: ${w}`);
    assignSafely(values, parsed.values);
  } else {
    assignSafely(values, parseOutput(spec, output, warnings));
  }
  if (spec.extract) {
    const extracted = extractValues(output, spec.extract);
    assignSafely(values, extracted.values);
    warnings.push(...extracted.warnings);
  }

  // Earlier steps and parameters first, this step's own values on top.
  const evalScope: Record<string, unknown> = {};
  assignSafely(evalScope, scope);
  assignSafely(evalScope, values);
  for (const [name, source] of Object.entries(spec.values ?? {})) {
    if (unsafeKeys.has(name)) {
      warnings.push(`values: "${name}" cannot be used as a value name`);
      continue;
    }
    const expr = compileOrWarn(source, `value ${name}`, warnings);
    if (!expr) continue;
    const result = evaluateExpression(expr, evalScope);
    if (!result.ok) {
      warnings.push(`value ${name} = \`${source}\`: ${result.message}`);
      continue;
    }
    for (const w of result.warnings) warnings.push(`value ${name} = \`${source}\`: ${w}`);
    values[name] = result.value;
    evalScope[name] = result.value;
  }

  const findings: Finding[] = [];
  const notRaised: string[] = [];
  let chosen: { finding: Finding; expr?: CompiledExpression } | undefined;
  spec.findings.forEach((rule, index) => {
    const { raised, expr } = holds(rule, index, evalScope, warnings);
    if (!raised) {
      if (expr) notRaised.push(`${rule.when} (${explainExpression(expr, evalScope)})`);
      return;
    }
    const message = interpolateWithWarnings(rule.message ?? '', evalScope);
    warnings.push(...message.warnings);
    const finding: Finding = { severity: rule.severity, message: message.text, rule: index, when: rule.when };
    if (rule.hint !== undefined) {
      const hint = interpolateWithWarnings(rule.hint, evalScope);
      warnings.push(...hint.warnings);
      finding.hint = hint.text;
    }
    if (rule.next !== undefined) finding.next = rule.next;
    findings.push(finding);
    if (!chosen && rule.next !== undefined) chosen = { finding, expr };
  });

  let next: string | undefined;
  let why: string;
  if (chosen) {
    next = chosen.finding.next;
    const shown = chosen.expr ? ` (${explainExpression(chosen.expr, evalScope)})` : '';
    why = `${chosen.finding.severity} finding "${chosen.finding.message}": ${chosen.finding.when}${shown} -> ${next}`;
  } else {
    const raisedPart =
      findings.length > 0
        ? `${findings.length} finding${findings.length > 1 ? 's' : ''} raised, none names a next step`
        : notRaised.length > 0
          ? `no finding raised: ${notRaised.join('; ')}`
          : 'no finding rules';
    if (spec.next !== undefined) {
      next = spec.next;
      why = `${raisedPart}; the check's next -> ${next}`;
    } else {
      why = `${raisedPart}; the check names no next step: continue with the following step`;
    }
  }
  return { values, findings, next, why, warnings };
}
