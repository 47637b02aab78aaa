// Reads a check block's YAML into a CheckSpec, keeping each key's span so problems (unknown keys,
// wrong types, missing `when`/`severity`/`message`) point at the exact text. Never throws.

import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { compileUserPattern } from './userPattern';
import type { CheckSpec, EmptyOutput, FindingRule, FindingSeverity, Span } from './spec';

export interface CheckProblem {
  message: string;
  /** Offsets relative to the YAML text. */
  start: number;
  end: number;
  code: string;
}

const KEYS = ['parse', 'options', 'extract', 'values', 'findings', 'next', 'empty'];
const FINDING_KEYS = ['when', 'severity', 'message', 'hint', 'next', 'cause', 'verify', 'confirms', 'refutes'];
const EMPTY: EmptyOutput[] = ['inconclusive', 'nothing-found'];
/** A cause is named like a runbook file: `conn-cap`, `close-wait-leak`. */
const CAUSE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Step ids as the runbook format allows them. */
const STEP_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SEVERITIES: FindingSeverity[] = ['info', 'warning', 'critical'];

export function readCheckSpec(yamlText: string): { spec: CheckSpec | undefined; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const problem = (span: Span | undefined, code: string, message: string) =>
    problems.push({ message, code, start: span?.start ?? 0, end: span?.end ?? Math.min(yamlText.length, 1) });
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors)
    problem({ start: error.pos[0], end: error.pos[1] }, 'check-yaml', `the check block is not valid YAML: ${error.message.split('\n')[0]}`);
  if (doc.errors.length > 0) return { spec: undefined, problems };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    problem(undefined, 'check-empty', 'the check block is empty: add `parse:`, `extract:` or `findings:`');
    return { spec: undefined, problems };
  }
  if (!isMap(root)) {
    problem(spanOf(root), 'check-type', 'a check block is a map of keys: parse, options, extract, values, findings, next');
    return { spec: undefined, problems };
  }
  const spec: CheckSpec = { findings: [], spans: {} };
  let patternSpan: Span | undefined;
  for (const pair of root.items) {
    const key = keyOf(pair);
    const value = pair.value as Node | null;
    const span = spanOf(value) ?? spanOf(pair.key as Node);
    switch (key) {
      case 'parse':
      case 'next': {
        if (isScalar(value) && typeof value.value === 'string' && value.value !== '') {
          spec[key] = value.value;
          spec.spans[key] = span;
        } else problem(span, 'check-type', `"${key}" must be a name, e.g. ${key === 'parse' ? 'parse: ss-tan' : 'next: conntrack'}`);
        break;
      }
      case 'empty':
        if (isScalar(value) && EMPTY.includes(value.value as EmptyOutput)) {
          spec.empty = value.value as EmptyOutput;
          spec.spans.empty = span;
        } else
          problem(
            span,
            'check-type',
            '"empty" says what an empty output means: `empty: nothing-found` (no rows is an answer, e.g. `ss -H state close-wait`) or `empty: inconclusive`',
          );
        break;
      case 'options':
        if (isMap(value)) {
          spec.options = value.toJSON() as Record<string, unknown>;
          spec.spans.options = span;
          const pattern = value.items.find((p) => keyOf(p) === 'pattern')?.value as Node | null | undefined;
          patternSpan = spanOf(pattern);
        } else problem(span, 'check-type', '"options" must be a map of parser options');
        break;
      case 'extract':
      case 'values': {
        const read = readStringMap(value, key, problem);
        if (read) {
          spec[key] = read.map;
          spec.spans[key] = read.spans;
        }
        break;
      }
      case 'findings':
        if (isSeq(value)) spec.findings = readFindings(value.items as Node[], problem);
        else problem(span, 'check-type', '"findings" must be a list of {when, severity, message}');
        break;
      default:
        problem(spanOf(pair.key as Node), 'check-unknown-key', `unknown key "${key}" in the check block; known keys: ${KEYS.join(', ')}`);
    }
  }
  if (spec.extract) {
    for (const [name, pattern] of Object.entries(spec.extract)) {
      const compiled = compileUserPattern(pattern, { multiline: true });
      if (compiled.ok) continue;
      // Point at the offending part when the pattern is a plain scalar (offsets then match the text).
      const span = spec.spans.extract?.[name];
      const at =
        span && yamlText.slice(span.start, span.end) === pattern ? { start: span.start + compiled.offset, end: span.start + compiled.offset + 1 } : span;
      problem(at, 'check-regex', patternProblem(name, pattern, compiled.message));
    }
  }
  // The regex parser's pattern runs on RE2 like extract: say here if it cannot.
  const pattern = spec.options?.pattern;
  if (spec.parse === 'regex' && typeof pattern === 'string') {
    const compiled = compileUserPattern(pattern, { multiline: true });
    if (!compiled.ok) problem(patternSpan ?? spec.spans.options, 'check-regex', patternProblem('options.pattern', pattern, compiled.message));
  }
  return { spec, problems };
}

/** JavaScript's own message where the pattern is not a regex at all (familiar wording), RE2's reason otherwise. */
export function patternProblem(name: string, pattern: string, re2Message: string): string {
  try {
    new RegExp(pattern); // compiling only: nothing is matched, so no backtracking can happen here
  } catch (err) {
    return `the regular expression for "${name}" does not compile: ${(err as Error).message}`;
  }
  return `the regular expression for "${name}" cannot run: ${re2Message}`;
}

type Problem = (span: Span | undefined, code: string, message: string) => void;

function readStringMap(value: Node | null, key: string, problem: Problem): { map: Record<string, string>; spans: Record<string, Span> } | undefined {
  if (!isMap(value)) {
    problem(spanOf(value), 'check-type', `"${key}" must be a map: name -> ${key === 'extract' ? 'regular expression' : 'expression'}`);
    return undefined;
  }
  const map: Record<string, string> = {};
  const spans: Record<string, Span> = {};
  for (const pair of (value as YAMLMap).items) {
    const name = keyOf(pair);
    const v = pair.value as Node | null;
    if (isScalar(v) && v.value !== null && typeof v.value !== 'object') {
      map[name] = String(v.value);
      spans[name] = spanOf(v) ?? { start: 0, end: 0 };
    } else
      problem(
        spanOf(v) ?? spanOf(pair.key as Node),
        'check-type',
        `"${key}.${name}" must be a single ${key === 'extract' ? 'regular expression' : 'expression'}`,
      );
  }
  return { map, spans };
}

function readFindings(items: Node[], problem: Problem): FindingRule[] {
  const rules: FindingRule[] = [];
  for (const item of items) {
    const itemSpan = spanOf(item);
    if (!isMap(item)) {
      problem(itemSpan, 'check-type', 'each finding is a map: {when, severity, message, hint, next}');
      continue;
    }
    const rule: Partial<FindingRule> & { spans: FindingRule['spans'] } = { spans: { item: itemSpan } };
    for (const pair of item.items) {
      const key = keyOf(pair);
      const v = pair.value as Node | null;
      const span = spanOf(v) ?? spanOf(pair.key as Node);
      if (!FINDING_KEYS.includes(key)) {
        problem(spanOf(pair.key as Node), 'check-unknown-key', `unknown key "${key}" in a finding; known keys: ${FINDING_KEYS.join(', ')}`);
        continue;
      }
      if (key === 'verify') {
        readVerify(v, span, rule, problem);
        continue;
      }
      if (!isScalar(v) || v.value === null || typeof v.value === 'object') {
        problem(span, 'check-type', `"${key}" of a finding must be a single value`);
        continue;
      }
      const text = String(v.value);
      rule.spans[key as 'when' | 'severity' | 'message' | 'hint' | 'next' | 'cause' | 'confirms' | 'refutes'] = span;
      if (key === 'severity') {
        if (SEVERITIES.includes(text as FindingSeverity)) rule.severity = text as FindingSeverity;
        else problem(span, 'check-severity', `severity "${text}" is not one of ${SEVERITIES.join(', ')}`);
      } else if (key === 'cause' || key === 'confirms' || key === 'refutes') {
        if (CAUSE_NAME.test(text)) rule[key] = text;
        else problem(span, 'check-cause', `${key} "${text}" is not a cause name: use lowercase words joined by hyphens, e.g. ${key}: conn-cap`);
      } else rule[key as 'when' | 'message' | 'hint' | 'next'] = text;
    }
    const missing = (['when', 'severity', 'message'] as const).filter((k) => rule[k] === undefined && !rule.spans[k]);
    for (const k of missing) problem(itemSpan, 'check-missing-key', `this finding has no "${k}": add ${k}: ...`);
    if (rule.confirms !== undefined && rule.refutes !== undefined)
      problem(rule.spans.refutes, 'check-cause', 'a finding either confirms or refutes a cause, not both: split it into two findings');
    if (rule.verify !== undefined && rule.cause === undefined)
      problem(rule.spans.verify, 'check-cause', 'verify names steps that check a cause: add `cause: <name>` to this finding');
    if (rule.when !== undefined && rule.severity !== undefined && rule.message !== undefined) rules.push(rule as FindingRule);
  }
  return rules;
}

/** `verify: [capture, still-there]` (or a single id): read-only steps that confirm or refute the cause. */
function readVerify(v: Node | null, span: Span | undefined, rule: { verify?: string[]; spans: FindingRule['spans'] }, problem: Problem): void {
  const items = isSeq(v) ? (v.items as Node[]) : isScalar(v) && typeof v.value === 'string' ? [v] : undefined;
  if (!items || items.length === 0) {
    problem(span, 'check-type', '"verify" must be a list of step ids, e.g. verify: [capture]');
    return;
  }
  rule.spans.verify = span;
  rule.spans.verifyItems = [];
  const ids: string[] = [];
  for (const item of items) {
    const itemSpan = spanOf(item);
    if (isScalar(item) && typeof item.value === 'string' && STEP_ID.test(item.value)) {
      if (ids.includes(item.value)) problem(itemSpan, 'check-type', `step "${item.value}" is listed twice in verify`);
      else {
        ids.push(item.value);
        rule.spans.verifyItems.push(itemSpan ?? span ?? { start: 0, end: 0 });
      }
    } else
      problem(
        itemSpan ?? span,
        'check-type',
        `each entry of verify is a step id, e.g. capture; got ${isScalar(item) ? JSON.stringify(item.value) : 'a list or map'}`,
      );
  }
  if (ids.length > 0) rule.verify = ids;
}

function keyOf(pair: Pair): string {
  const key = pair.key as Node | null;
  return isScalar(key) ? String(key.value) : String(key);
}

function spanOf(node: Node | null | undefined): Span | undefined {
  return node?.range ? { start: node.range[0], end: node.range[1] } : undefined;
}
