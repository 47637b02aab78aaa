// The syntax of `when` and derived-value expressions: jsep parses, then this module refuses anything
// outside the small safe language (no `this`, no assignment, no prototype names, only known functions).
import jsep from 'jsep';

export type Node = jsep.Expression;

/** Limits that keep a hostile or mistaken expression cheap to reject. */
export const limits = { maxLength: 1000, maxDepth: 32, maxSteps: 10_000 } as const;

export const functionNames = ['max', 'min', 'len', 'sum', 'exists', 'abs', 'round'] as const;
const functions = new Set<string>(functionNames);
const binaryOperators = new Set(['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '===', '!==', '&&', '||', 'and', 'or', 'contains', 'matches']);
const unaryOperators = new Set(['-', '+', '!', 'not']);
/** Names that lead to an object's prototype or constructor: never readable, whatever the scope holds. */
export const forbiddenNames = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

// jsep is configured once for the whole process; this module is its only user.
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('contains', 7);
jsep.addBinaryOp('matches', 7);
jsep.addUnaryOp('not');

export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Deepest bracket nesting, found before jsep recurses into it (10,000 `(` must not reach the parser). */
function checkNesting(source: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') {
      depth++;
      if (depth > limits.maxDepth) throw new SyntaxProblem(`brackets nest deeper than ${limits.maxDepth} levels`, i);
    } else if (ch === ')' || ch === ']') depth--;
  }
}

function offsetOf(source: string, token: string): number {
  const i = source.indexOf(token);
  return i >= 0 ? i : 0;
}

/** Walks the tree jsep built and rejects what the language does not have. */
function validate(source: string, node: Node, depth: number): void {
  if (depth > limits.maxDepth) throw new SyntaxProblem(`expression nests deeper than ${limits.maxDepth} levels`, 0);
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new SyntaxProblem(`number ${(node as jsep.Literal).raw} is too large`, offsetOf(source, String((node as jsep.Literal).raw)));
      }
      if (value instanceof RegExp) throw new SyntaxProblem('regular expression literals are not supported: use `text matches "pattern"`', 0);
      return;
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (forbiddenNames.has(name)) throw new SyntaxProblem(`\`${name}\` cannot be used in an expression`, offsetOf(source, name));
      return;
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      validate(source, m.object, depth + 1);
      if (!m.computed) {
        const name = (m.property as jsep.Identifier).name;
        if (forbiddenNames.has(name)) throw new SyntaxProblem(`\`${name}\` cannot be read`, offsetOf(source, name));
        return;
      }
      const key = m.property as jsep.Literal;
      if (key.type === 'Literal' && typeof key.value === 'string' && forbiddenNames.has(key.value)) {
        throw new SyntaxProblem(`\`${key.value}\` cannot be read`, offsetOf(source, key.value));
      }
      validate(source, m.property, depth + 1);
      return;
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const callee = c.callee as jsep.Identifier;
      if (callee.type !== 'Identifier') {
        // Report what the callee reaches for (`constructor`...) before saying it cannot be called.
        validate(source, c.callee, depth + 1);
        throw new SyntaxProblem(`only the functions ${functionNames.join(', ')} can be called`, 0);
      }
      if (!functions.has(callee.name)) {
        throw new SyntaxProblem(`unknown function \`${callee.name}\`: available are ${functionNames.join(', ')}`, offsetOf(source, callee.name));
      }
      for (const arg of c.arguments) validate(source, arg, depth + 1);
      return;
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      if (!unaryOperators.has(u.operator)) throw new SyntaxProblem(`operator \`${u.operator}\` is not supported`, offsetOf(source, u.operator));
      validate(source, u.argument, depth + 1);
      return;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!binaryOperators.has(b.operator)) throw new SyntaxProblem(`operator \`${b.operator}\` is not supported`, offsetOf(source, b.operator));
      validate(source, b.left, depth + 1);
      validate(source, b.right, depth + 1);
      return;
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      validate(source, c.test, depth + 1);
      validate(source, c.consequent, depth + 1);
      validate(source, c.alternate, depth + 1);
      return;
    }
    case 'ThisExpression':
      throw new SyntaxProblem('`this` is not available: name a value instead', offsetOf(source, 'this'));
    case 'Compound':
    case 'SequenceExpression':
      throw new SyntaxProblem('one expression only: use `and` / `or` to combine conditions', Math.max(0, source.search(/[,;]/)));
    case 'ArrayExpression':
      throw new SyntaxProblem('list literals are not supported', offsetOf(source, '['));
    default:
      throw new SyntaxProblem(`\`${node.type}\` is not supported`, 0);
  }
}

/** Parses and checks an expression; throws SyntaxProblem with an offset into `source`. */
export function parseExpression(source: string): Node {
  if (source.length > limits.maxLength) throw new SyntaxProblem(`expression is longer than ${limits.maxLength} characters`, limits.maxLength);
  if (source.trim() === '') throw new SyntaxProblem('expression is empty', 0);
  checkNesting(source);
  let ast: Node;
  try {
    ast = jsep(source);
  } catch (err) {
    const e = err as { description?: string; message?: string; index?: number };
    throw new SyntaxProblem(e.description ?? e.message ?? 'cannot parse expression', typeof e.index === 'number' ? e.index : 0);
  }
  validate(source, ast, 0);
  return ast;
}

/** A value path as a user writes it: `states.TIME_WAIT`, `sysctl["net.ipv4.tcp_fin_timeout"]`; undefined when a key is computed. */
export function staticPath(node: Node): string | undefined {
  if (node.type === 'Identifier') return (node as jsep.Identifier).name;
  if (node.type !== 'MemberExpression') return undefined;
  const m = node as jsep.MemberExpression;
  const base = staticPath(m.object);
  if (base === undefined) return undefined;
  if (!m.computed) return `${base}.${(m.property as jsep.Identifier).name}`;
  const key = m.property as jsep.Literal;
  if (key.type !== 'Literal' || (typeof key.value !== 'string' && typeof key.value !== 'number')) return undefined;
  return typeof key.value === 'string' && /^[A-Za-z_$][\w$]*$/.test(key.value) ? `${base}.${key.value}` : `${base}[${JSON.stringify(key.value)}]`;
}

/** Root names and the longest static paths the expression reads (for "unknown value" diagnostics). */
export function identifiersOf(ast: Node): string[] {
  const out = new Set<string>();
  const visit = (node: Node): void => {
    if (node.type === 'Identifier') {
      out.add((node as jsep.Identifier).name);
      return;
    }
    if (node.type === 'MemberExpression') {
      const path = staticPath(node);
      if (path !== undefined) {
        out.add(path);
        let root: Node = node;
        while (root.type === 'MemberExpression') root = (root as jsep.MemberExpression).object;
        visit(root);
        return;
      }
      const m = node as jsep.MemberExpression;
      visit(m.object);
      if (m.computed) visit(m.property);
      return;
    }
    if (node.type === 'CallExpression') {
      for (const a of (node as jsep.CallExpression).arguments) visit(a);
      return;
    }
    for (const key of ['left', 'right', 'argument', 'test', 'consequent', 'alternate']) {
      const child = node[key] as Node | undefined;
      if (child && typeof child === 'object' && 'type' in child) visit(child);
    }
  };
  visit(ast);
  return [...out];
}

/** The literal patterns on the right of `matches` (`line matches "^nf_conntrack"`), with their source text, so `check` can vet them. */
export function patternsIn(ast: Node): { pattern: string; raw: string }[] {
  const found: { pattern: string; raw: string }[] = [];
  const visit = (node: Node | undefined): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'BinaryExpression') {
      const b = node as jsep.BinaryExpression;
      const right = b.right as jsep.Literal;
      if (b.operator === 'matches' && right.type === 'Literal' && typeof right.value === 'string') found.push({ pattern: right.value, raw: right.raw });
    }
    for (const child of Object.values(node)) {
      if (Array.isArray(child)) child.forEach((c) => visit(c as Node));
      else if (child && typeof child === 'object' && 'type' in child) visit(child as Node);
    }
  };
  visit(ast);
  return found;
}
