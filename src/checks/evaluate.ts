// What a check makes of one output: parse it, extract and derive values, raise findings in rule order,
// and choose the next step with a `why` that shows the actual numbers. Never throws.
import type { CheckOutcome, CheckSpec, Evidence, Finding, FindingRule } from './spec';
import { emptyOutput, judgeEvidence, UNRECOGNISED, type RuleGap } from './evidence';
import { compileExpression, evaluateExpression, explainExpression, showValue, type CompiledExpression } from './expression';
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
/**
 * Did the rule's condition hold? Non-boolean results count as "no", with a warning; `missing` lists the
 * absent values when the answer is unknown because of them (the check is then inconclusive).
 */
function holds(
  rule: FindingRule,
  index: number,
  scope: Record<string, unknown>,
  warnings: string[],
): { raised: boolean; expr?: CompiledExpression; missing: string[] } {
  const expr = compileOrWarn(rule.when, `finding ${index + 1} when`, warnings);
  if (!expr) return { raised: false, missing: [] };
  const result = evaluateExpression(expr, scope);
  if (!result.ok) {
    warnings.push(`finding ${index + 1} when \`${rule.when}\`: ${result.message}`);
    return { raised: false, expr, missing: [] };
  }
  for (const w of result.warnings) warnings.push(`finding ${index + 1} when \`${rule.when}\`: ${w}`);
  if (typeof result.value === 'boolean') return { raised: result.value, expr, missing: [] };
  if (result.value !== undefined) warnings.push(`finding ${index + 1} when \`${rule.when}\` gave ${showValue(result.value)}, not true or false: not raised`);
  return { raised: false, expr, missing: result.value === undefined ? result.missing : [] };
}

function parseOutput(spec: CheckSpec, output: string, warnings: string[], parserWarnings: string[]): Record<string, unknown> {
  if (!spec.parse) return {};
  const parser = getParser(spec.parse);
  if (!parser) {
    warnings.push(
      `unknown parser "${spec.parse}": use one of ${listParsers()
        .map((p) => p.name)
        .join(', ')}`,
    );
    parserWarnings.push(`${UNRECOGNISED} there is no parser of that name, so nothing was read`);
    return {};
  }
  try {
    const result = parser.parse(output, spec.options ?? {});
    parserWarnings.push(...result.warnings);
    for (const w of result.warnings) warnings.push(`${spec.parse}: ${w}`);
    return result.values;
  } catch (err) {
    // Parsers are written not to throw; if one does, the check still ends with what it has.
    warnings.push(`${spec.parse}: could not read the output (${(err as Error).message})`);
    parserWarnings.push(`${UNRECOGNISED} the parser failed on it (${(err as Error).message})`);
    return {};
  }
}

/** What the caller knows besides stdout. */
export interface CheckContext {
  /** The step's stderr: "Permission denied" there explains an empty or partial stdout. */
  stderr?: string;
}

/** An output read into values: the parser's result and `extract:`, before derived values. */
export interface ReadOutput {
  values: Record<string, unknown>;
  warnings: string[];
  /** The parser's own warnings, unprefixed (`unrecognised: ...` makes the check inconclusive). */
  parserWarnings: string[];
}

export function readOutput(spec: CheckSpec, output: string, parsed?: ParseResult): ReadOutput {
  const warnings: string[] = [];
  const values: Record<string, unknown> = {};
  const parserWarnings: string[] = [];
  if (parsed) {
    parserWarnings.push(...parsed.warnings);
    for (const w of parsed.warnings) warnings.push(`${spec.parse}: ${w}`);
    assignSafely(values, parsed.values);
  } else {
    assignSafely(values, parseOutput(spec, output, warnings, parserWarnings));
  }
  if (spec.extract) {
    const extracted = extractValues(output, spec.extract);
    assignSafely(values, extracted.values);
    warnings.push(...extracted.warnings);
  }
  return { values, warnings, parserWarnings };
}

/**
 * `parsed`: the parser's result computed elsewhere, e.g. streamed over an output too large to keep
 * in memory (the engine does that); `output` is then only used for `extract` and the evidence.
 */
export function evaluateCheck(spec: CheckSpec, output: string, scope: Record<string, unknown>, parsed?: ParseResult, context: CheckContext = {}): CheckOutcome {
  const read = readOutput(spec, output, parsed);
  return decideCheck(spec, output, scope, read, context);
}

/** Derived values, rules, next step and evidence over values already read (one output, or the last of samples). */
export function decideCheck(
  spec: CheckSpec,
  output: string,
  scope: Record<string, unknown>,
  read: ReadOutput,
  context: CheckContext & { samples?: number; extraScope?: Record<string, unknown> } = {},
): CheckOutcome {
  const warnings = [...read.warnings];
  const values: Record<string, unknown> = {};
  assignSafely(values, read.values);
  assignSafely(values, context.extraScope);

  const { evalScope, derivedMissing } = deriveValues(spec, values, scope, warnings);
  const empty = emptyOutput(spec, output, context.stderr);
  if (empty) {
    const why = `no rule was evaluated: ${empty.reason}`;
    return { values, findings: [], next: undefined, why, warnings, evidence: 'inconclusive', inconclusive: empty };
  }

  const findings: Finding[] = [];
  const notRaised: string[] = [];
  const gaps: RuleGap[] = [];
  let chosen: { finding: Finding; expr?: CompiledExpression } | undefined;
  spec.findings.forEach((rule, index) => {
    const { raised, expr, missing } = holds(rule, index, evalScope, warnings);
    if (!raised) {
      if (missing.length > 0) gaps.push({ rule: index, when: rule.when, missing: traceMissing(missing, derivedMissing) });
      if (expr) notRaised.push(`${rule.when} (${explainExpression(expr, evalScope)})`);
      return;
    }
    const finding = raise(rule, index, evalScope, warnings);
    findings.push(finding);
    if (!chosen && rule.next !== undefined) chosen = { finding, expr };
  });

  const { next, why } = explainNext(spec, findings, notRaised, chosen, evalScope);
  const judged = judgeEvidence({
    spec,
    output,
    parserWarnings: read.parserWarnings,
    findings,
    gaps,
    scope: evalScope,
    stderr: context.stderr,
    samples: context.samples,
  });
  const outcome: CheckOutcome = { values, findings, next, why, warnings, evidence: judged.evidence };
  if (judged.inconclusive) outcome.inconclusive = judged.inconclusive;
  return outcome;
}

/**
 * Adds the check's derived `values:` to `values` (in order, each may use the ones before), and returns
 * the scope rules see: earlier steps and parameters first, this step's own values on top.
 */
export function deriveValues(
  spec: CheckSpec,
  values: Record<string, unknown>,
  scope: Record<string, unknown>,
  warnings: string[],
): { evalScope: Record<string, unknown>; derivedMissing: Map<string, string[]> } {
  const evalScope: Record<string, unknown> = {};
  assignSafely(evalScope, scope);
  assignSafely(evalScope, values);
  // A derived value that came out missing is traced back to what it read, so "inconclusive" names a real value.
  const derivedMissing = new Map<string, string[]>();
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
    if (result.value === undefined && result.missing.length > 0) derivedMissing.set(name, traceMissing(result.missing, derivedMissing));
    values[name] = result.value;
    evalScope[name] = result.value;
  }
  return { evalScope, derivedMissing };
}

/** `ratio` (derived from `count / max`, count missing) -> `count`; other paths as they are. */
function traceMissing(paths: string[], derived: Map<string, string[]>): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    const root = /^[A-Za-z_$][\w$]*/.exec(path)?.[0] ?? path;
    const traced = derived.get(root);
    for (const p of traced ?? [path]) out.add(p);
  }
  return [...out];
}

function raise(rule: FindingRule, index: number, evalScope: Record<string, unknown>, warnings: string[]): Finding {
  const message = interpolateWithWarnings(rule.message ?? '', evalScope);
  warnings.push(...message.warnings);
  const finding: Finding = { severity: rule.severity, message: message.text, rule: index, when: rule.when };
  if (rule.hint !== undefined) {
    const hint = interpolateWithWarnings(rule.hint, evalScope);
    warnings.push(...hint.warnings);
    finding.hint = hint.text;
  }
  if (rule.next !== undefined) finding.next = rule.next;
  if (rule.cause !== undefined) finding.cause = rule.cause;
  if (rule.verify !== undefined) finding.verify = [...rule.verify];
  if (rule.confirms !== undefined) finding.confirms = rule.confirms;
  if (rule.refutes !== undefined) finding.refutes = rule.refutes;
  return finding;
}

function explainNext(
  spec: CheckSpec,
  findings: Finding[],
  notRaised: string[],
  chosen: { finding: Finding; expr?: CompiledExpression } | undefined,
  evalScope: Record<string, unknown>,
): { next?: string; why: string } {
  if (chosen) {
    const next = chosen.finding.next;
    const shown = chosen.expr ? ` (${explainExpression(chosen.expr, evalScope)})` : '';
    return { next, why: `${chosen.finding.severity} finding "${chosen.finding.message}": ${chosen.finding.when}${shown} -> ${next}` };
  }
  const raisedPart =
    findings.length > 0
      ? `${findings.length} finding${findings.length > 1 ? 's' : ''} raised, none names a next step`
      : notRaised.length > 0
        ? `no finding raised: ${notRaised.join('; ')}`
        : 'no finding rules';
  if (spec.next !== undefined) return { next: spec.next, why: `${raisedPart}; the check's next -> ${spec.next}` };
  return { why: `${raisedPart}; the check names no next step: continue with the following step` };
}

/** The evidence state of any outcome, also one built before evaluateCheck set it. */
export function evidenceOf(outcome: CheckOutcome): Evidence {
  return outcome.evidence ?? (outcome.findings.length > 0 ? 'findings' : 'nothing-found');
}
