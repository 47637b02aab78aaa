// What the cursor is on in a runbook: a `next:`/`parse:`/`severity:` value, an expression, a step's
// fence attributes, or a `{{variable}}` in a command. Completion, hover and navigation start here.

import type { Position, Range, Step } from '../runbook/model';
import type { RunbookView } from './views';

export type Cursor =
  | { kind: 'next' | 'parse' | 'severity'; step: Step; word: string; range: Range }
  | { kind: 'expression'; step: Step; word: string; range: Range }
  | { kind: 'check-key'; step: Step; inFinding: boolean; word: string; range: Range }
  | { kind: 'attribute-name'; step: Step; word: string; range: Range }
  | { kind: 'attribute-value'; step: Step; name: string; word: string; range: Range }
  | { kind: 'fence'; step: Step }
  | { kind: 'command-variable'; step: Step; word: string; range: Range };

/** The step whose fence, command or check block holds the line. */
export function stepAt(view: RunbookView, line: number): Step | undefined {
  const steps = view.runbook.steps;
  let lo = 0;
  let hi = steps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const step = steps[mid];
    const end = step.check ? step.check.range.end.line : step.range.end.line;
    if (line < step.range.start.line) hi = mid - 1;
    else if (line > end) lo = mid + 1;
    else return step;
  }
  return undefined;
}

export function cursorAt(view: RunbookView, position: Position): Cursor | undefined {
  const step = stepAt(view, position.line);
  if (!step) return undefined;
  const text = view.source.lines.content(position.line);
  const before = text.slice(0, position.character);
  const word = wordAt(text, position);
  if (position.line === step.range.start.line) return fenceCursor(step, before, text, position);
  const check = step.check;
  if (check && position.line > check.range.start.line && position.line < check.range.end.line) {
    const keyed = /^\s*(?:-\s+)?(next|parse|severity|when):\s*/.exec(before);
    if (keyed && keyed[0].length <= before.length) {
      const key = keyed[1];
      if (key === 'when') return { kind: 'expression', step, ...word };
      return { kind: key as 'next' | 'parse' | 'severity', step, ...word };
    }
    if (/\{\{[^}]*$/.test(before)) return { kind: 'expression', step, ...word };
    if (underValues(view, check.range.start.line, position.line) && /^\s+[\w.-]+:\s*/.test(before)) return { kind: 'expression', step, ...word };
    if (/^\s*(-\s+)?[\w]*$/.test(before)) return { kind: 'check-key', step, inFinding: /^\s+/.test(before) || /^\s*-/.test(before), ...word };
    return undefined;
  }
  if (position.line >= step.commandRange.start.line && position.line <= step.commandRange.end.line && /\{\{\s*[\w.-]*$/.test(before)) {
    return { kind: 'command-variable', step, ...word };
  }
  return undefined;
}

function fenceCursor(step: Step, before: string, text: string, position: Position): Cursor {
  const open = before.indexOf('{');
  if (open < 0 || position.character <= open) return { kind: 'fence', step };
  const token = /[^\s{]*$/.exec(before)?.[0] ?? '';
  const start = position.character - token.length;
  const rest = /^[^\s}]*/.exec(text.slice(position.character))?.[0] ?? '';
  const eq = token.indexOf('=');
  if (eq < 0) {
    return { kind: 'attribute-name', step, word: token + rest, range: line(position.line, start, start + token.length + rest.length) };
  }
  const value = token.slice(eq + 1).replace(/^["']/, '');
  const valueStart = position.character - value.length;
  return {
    kind: 'attribute-value',
    step,
    name: token.slice(0, eq),
    word: value,
    range: line(position.line, valueStart, valueStart + value.length + rest.replace(/["']$/, '').length),
  };
}

/** Whether the line is an entry of the check block's `values:` map. */
function underValues(view: RunbookView, fenceLine: number, lineNo: number): boolean {
  for (let n = lineNo - 1; n > fenceLine; n--) {
    const text = view.source.lines.content(n);
    if (/^\S/.test(text)) return /^values:\s*$/.test(text);
  }
  return false;
}

/** The name under the cursor: letters, digits, `_`, `-`, `.`. */
function wordAt(text: string, position: Position): { word: string; range: Range } {
  let start = position.character;
  let end = position.character;
  while (start > 0 && /[\w.-]/.test(text[start - 1])) start--;
  while (end < text.length && /[\w.-]/.test(text[end])) end++;
  return { word: text.slice(start, end), range: line(position.line, start, end) };
}

function line(n: number, from: number, to: number): Range {
  return { start: { line: n, character: from }, end: { line: n, character: to } };
}
