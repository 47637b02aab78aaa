// Evaluates `when` conditions and derived values over parsed values. Reads only own data of plain
// objects, lists and maps; a missing value is `undefined` plus a warning, never an exception.
import type jsep from 'jsep';
import { cachedUserPattern } from './userPattern';
import { summarizeValue } from './display';
import { forbiddenNames, identifiersOf, limits, parseExpression, patternsIn, staticPath, SyntaxProblem, type Node } from './expressionSyntax';

export interface CompiledExpression {
  readonly source: string;
  /** The checked syntax tree; only this module reads it. */
  readonly ast: Node;
}

export type CompileResult = { ok: true; expression: CompiledExpression; identifiers: string[] } | { ok: false; message: string; offset: number };

/** `missing`: paths of the values that were read but absent (`states.SYN_RECV`), outside `exists(...)`. */
export type EvaluationResult = { ok: true; value: unknown; warnings: string[]; missing: string[] } | { ok: false; message: string };

export function compileExpression(source: string): CompileResult {
  if (typeof source !== 'string') return { ok: false, message: 'expression must be text', offset: 0 };
  try {
    const ast = parseExpression(source);
    return { ok: true, expression: { source, ast }, identifiers: identifiersOf(ast) };
  } catch (err) {
    if (err instanceof SyntaxProblem) return { ok: false, message: err.message, offset: err.offset };
    return { ok: false, message: `cannot parse expression: ${(err as Error).message}`, offset: 0 };
  }
}

class Abort extends Error {}

interface Context {
  scope: unknown;
  steps: number;
  warnings: Set<string>;
  missing: Set<string>;
  /** Inside `exists(...)`: a missing value is the answer, not a problem. */
  quiet: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reads `key` of `container` if it is own data of a plain object, list or map; undefined otherwise. */
export function readMember(container: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  const name = String(key);
  if (forbiddenNames.has(name)) throw new Abort(`\`${name}\` cannot be read`);
  let value: unknown;
  if (container instanceof Map) value = container.has(key) ? container.get(key) : container.get(name);
  else if (Array.isArray(container)) value = name === 'length' ? container.length : /^\d+$/.test(name) ? container[Number(name)] : undefined;
  else if (isPlainObject(container)) {
    // Own data properties only: a getter or an inherited name is not a value.
    const d = Object.getOwnPropertyDescriptor(container, name);
    value = d && 'value' in d ? d.value : undefined;
  }
  return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
}

function step(ctx: Context, by = 1): void {
  ctx.steps += by;
  if (ctx.steps > limits.maxSteps) throw new Abort(`expression took more than ${limits.maxSteps} steps`);
}

function missing(ctx: Context, node: Node): undefined {
  if (ctx.quiet === 0) {
    const path = staticPath(node);
    ctx.warnings.add(`value ${path ?? 'in expression'} is missing`);
    if (ctx.missing.size < 50) ctx.missing.add(path ?? 'a computed value');
  }
  return undefined;
}

/** Truth in three values: undefined stays undefined so a missing value does not raise a finding. */
function truth(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '';
  return true;
}

function numbersIn(args: unknown[], ctx: Context): number[] {
  const flat =
    args.length === 1 && (Array.isArray(args[0]) || isPlainObject(args[0]) || args[0] instanceof Map)
      ? args[0] instanceof Map
        ? [...args[0].values()]
        : Object.values(args[0] as object)
      : args;
  step(ctx, flat.length);
  return flat.filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
}

function call(node: jsep.CallExpression, ctx: Context): unknown {
  const name = (node.callee as jsep.Identifier).name;
  if (name === 'exists') {
    ctx.quiet++;
    try {
      return node.arguments.every((a) => evaluate(a, ctx) !== undefined);
    } finally {
      ctx.quiet--;
    }
  }
  const args = node.arguments.map((a) => evaluate(a, ctx));
  if (args.some((a) => a === undefined)) return undefined;
  switch (name) {
    case 'max':
    case 'min': {
      const nums = numbersIn(args, ctx);
      if (nums.length === 0) return undefined;
      return name === 'max' ? nums.reduce((a, b) => (b > a ? b : a)) : nums.reduce((a, b) => (b < a ? b : a));
    }
    case 'sum':
      return numbersIn(args, ctx).reduce((a, b) => a + b, 0);
    case 'len': {
      const v = args[0];
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v instanceof Map) return v.size;
      if (isPlainObject(v)) return Object.keys(v).length;
      return undefined;
    }
    case 'abs':
      return typeof args[0] === 'number' ? Math.abs(args[0]) : undefined;
    case 'round': {
      const digits = typeof args[1] === 'number' ? Math.min(Math.max(Math.trunc(args[1]), 0), 10) : 0;
      return typeof args[0] === 'number' ? Math.round(args[0] * 10 ** digits) / 10 ** digits : undefined;
    }
    default:
      throw new Abort(`unknown function ${name}`);
  }
}

/** Undefined when a side is missing: "unknown", so `not (x > 5)` does not turn a missing x into true. */
function compare(op: string, l: unknown, r: unknown): boolean | undefined {
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    case '==':
    case '===':
      return l === r;
    case '!=':
    case '!==':
      return l !== r;
  }
  if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) return false;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

function arithmetic(op: string, l: unknown, r: unknown): unknown {
  if (l === undefined || r === undefined) return undefined;
  if (op === '+' && (typeof l === 'string' || typeof r === 'string')) return `${String(l)}${String(r)}`.slice(0, 100_000);
  if (typeof l !== 'number' || typeof r !== 'number') return undefined;
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

function binary(node: jsep.BinaryExpression, ctx: Context): unknown {
  const op = node.operator;
  if (op === 'and' || op === '&&' || op === 'or' || op === '||') {
    const isAnd = op === 'and' || op === '&&';
    const l = truth(evaluate(node.left, ctx));
    if (isAnd && l === false) return false;
    if (!isAnd && l === true) return true;
    const r = truth(evaluate(node.right, ctx));
    if (isAnd) return r === false ? false : l === true && r === true ? true : undefined;
    return r === true ? true : l === false && r === false ? false : undefined;
  }
  const l = evaluate(node.left, ctx);
  const r = evaluate(node.right, ctx);
  if ((op === 'contains' || op === 'matches') && (l === undefined || r === undefined)) return undefined;
  if (op === 'contains') {
    if (typeof l === 'string' && typeof r === 'string') return l.includes(r);
    if (Array.isArray(l)) {
      step(ctx, l.length);
      return l.includes(r);
    }
    if ((isPlainObject(l) || l instanceof Map) && typeof r === 'string') return readMember(l, r) !== undefined;
    return false;
  }
  if (op === 'matches') {
    if (typeof l !== 'string' || typeof r !== 'string') return false;
    const compiled = cachedUserPattern(r);
    if (!compiled.ok) throw new Abort(`"${r.slice(0, 80)}" cannot be used with matches: ${compiled.message}`);
    return compiled.pattern.test(l.slice(0, 100_000));
  }
  if (['+', '-', '*', '/', '%'].includes(op)) return arithmetic(op, l, r);
  if (['<', '<=', '>', '>='].includes(op) && l !== undefined && r !== undefined && typeof l !== typeof r) {
    // `open_fds >= limit` where the output said `open_fds=unreadable (not root)`: unknown, not false.
    const odd = typeof l === 'number' ? node.right : node.left;
    if (ctx.quiet === 0 && ctx.missing.size < 50) ctx.missing.add(staticPath(odd) ?? 'a computed value');
    ctx.warnings.add(`${staticPath(odd) ?? 'a value'} is ${showValue(typeof l === 'number' ? r : l)}, not a number`);
    return undefined;
  }
  return compare(op, l, r);
}

function evaluate(node: Node, ctx: Context): unknown {
  step(ctx);
  switch (node.type) {
    case 'Literal':
      return (node as jsep.Literal).value;
    case 'Identifier': {
      const v = readMember(ctx.scope, (node as jsep.Identifier).name);
      return v === undefined ? missing(ctx, node) : v;
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const container = evaluate(m.object, ctx);
      if (container === undefined) return undefined;
      const key = m.computed ? evaluate(m.property, ctx) : (m.property as jsep.Identifier).name;
      const v = readMember(container, key);
      return v === undefined ? missing(ctx, node) : v;
    }
    case 'CallExpression':
      return call(node as jsep.CallExpression, ctx);
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const v = evaluate(u.argument, ctx);
      if (u.operator === '!' || u.operator === 'not') {
        const t = truth(v);
        return t === undefined ? undefined : !t;
      }
      if (typeof v !== 'number') return undefined;
      return u.operator === '-' ? -v : v;
    }
    case 'BinaryExpression':
      return binary(node as jsep.BinaryExpression, ctx);
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      const t = truth(evaluate(c.test, ctx));
      return t === undefined ? undefined : evaluate(t ? c.consequent : c.alternate, ctx);
    }
    default:
      throw new Abort(`\`${node.type}\` is not supported`);
  }
}

export function evaluateExpression(expr: CompiledExpression, scope: Record<string, unknown>): EvaluationResult {
  const ctx: Context = { scope, steps: 0, warnings: new Set(), missing: new Set(), quiet: 0 };
  try {
    const value = evaluate(expr.ast, ctx);
    return { ok: true, value, warnings: [...ctx.warnings], missing: [...ctx.missing] };
  } catch (err) {
    if (err instanceof Abort) return { ok: false, message: err.message };
    // Stack exhaustion or anything unforeseen is still a clear error, not a crash of the engine.
    return { ok: false, message: `cannot evaluate \`${expr.source.slice(0, 80)}\`: ${(err as Error).message}` };
  }
}

/** A value as `why` shows it: `58981.5`, `unlimited`, `missing`, `"text"`. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number') return v === Infinity ? 'unlimited' : Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === 'boolean' || v === null) return String(v);
  // Lists and maps in words (`(TIME_WAIT 4500, ESTABLISHED 12)`), never JSON.
  const text = summarizeValue(v, { top: 3 });
  return `(${text.length > 80 ? `${text.slice(0, 80)}…` : text})`;
}

/** The comparisons of a condition with their actual values: `67549 >= 58981.5`, joined by and/or. */
export function explainExpression(expr: CompiledExpression, scope: Record<string, unknown>): string {
  const ctx: Context = { scope, steps: 0, warnings: new Set(), missing: new Set(), quiet: 1 };
  const explain = (node: Node): string => {
    if (node.type === 'BinaryExpression') {
      const b = node as jsep.BinaryExpression;
      if (['and', 'or', '&&', '||'].includes(b.operator)) return `${explain(b.left)} ${b.operator} ${explain(b.right)}`;
      if (!['+', '-', '*', '/', '%'].includes(b.operator)) return `${showValue(evaluate(b.left, ctx))} ${b.operator} ${showValue(evaluate(b.right, ctx))}`;
    }
    if (node.type === 'UnaryExpression' && ['!', 'not'].includes((node as jsep.UnaryExpression).operator)) {
      return `${(node as jsep.UnaryExpression).operator === 'not' ? 'not ' : '!'}(${explain((node as jsep.UnaryExpression).argument)})`;
    }
    return showValue(evaluate(node, ctx));
  };
  try {
    return explain(expr.ast);
  } catch (err) {
    return err instanceof Abort ? err.message : 'cannot show values';
  }
}

/** The literal patterns on the right of `matches` (`line matches "^nf_conntrack"`), with their source text, so `check` can vet them. */
export function literalPatterns(expr: CompiledExpression): { pattern: string; raw: string }[] {
  return patternsIn(expr.ast);
}
