// `{{value}}` in finding messages and hints: `conntrack table {{count}}/{{max}}` -> `conntrack table 67549/65535`.
// A reader at 3 a.m. sees numbers and names: a missing value reads "unknown" (and the check warns),
// an optional `{{value?}}` that is absent reads "none", lists and maps read as counts and top entries.
import { compileExpression, evaluateExpression } from './expression';
import { summarizeValue } from './display';

/** Numbers as a reader wants them (`67549`, `123,456,789`, `0.67`, `unlimited`); lists and maps summarised, never JSON. */
export function formatValue(v: unknown): string {
  return summarizeValue(v);
}

export interface Interpolation {
  text: string;
  warnings: string[];
}

/** What an absent value reads as in a message. */
export const MISSING_TEXT = 'unknown';
/** What an absent optional value (`{{last?}}`) reads as. */
export const ABSENT_OPTIONAL_TEXT = 'none';

/** Replaces each `{{expression}}` (or optional `{{expression?}}`) with its value; never throws. */
export function interpolateWithWarnings(template: string, scope: Record<string, unknown>): Interpolation {
  const warnings: string[] = [];
  const text = template.replace(/\{\{([^{}]*)\}\}/g, (_whole, inner: string) => {
    const { source, optional } = placeholder(inner);
    const compiled = compileExpression(source);
    if (!compiled.ok) {
      warnings.push(`{{${source}}}: ${compiled.message}`);
      return MISSING_TEXT;
    }
    const result = evaluateExpression(compiled.expression, scope);
    if (!result.ok) {
      warnings.push(`{{${source}}}: ${result.message}`);
      return MISSING_TEXT;
    }
    if (result.value === undefined) {
      if (optional) return ABSENT_OPTIONAL_TEXT;
      warnings.push(`value ${source} is missing in the message`);
      return MISSING_TEXT;
    }
    return formatValue(result.value);
  });
  return { text, warnings };
}

/** `{{ x.last? }}` -> source `x.last`, optional. A `?` inside (`a ? b : c`) is an expression, not a marker. */
export function placeholder(inner: string): { source: string; optional: boolean } {
  const trimmed = inner.trim();
  const optional = trimmed.endsWith('?') && !trimmed.endsWith('??');
  return { source: optional ? trimmed.slice(0, -1).trimEnd() : trimmed, optional };
}

export function interpolate(template: string, scope: Record<string, unknown>): string {
  return interpolateWithWarnings(template, scope).text;
}
