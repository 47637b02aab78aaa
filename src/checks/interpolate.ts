// `{{value}}` in finding messages and hints: `conntrack table {{count}}/{{max}}` -> `conntrack table 67549/65535`.
// A missing value shows as `{{name?}}` so the reader sees which value was not there.
import { compileExpression, evaluateExpression } from './expression';

/** Numbers as a reader wants them: integers as is below a million (ports, counts), separators above, at most 2 decimals, `unlimited` for Infinity. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') {
    if (v === Infinity) return 'unlimited';
    if (v === -Infinity) return '-unlimited';
    if (Number.isNaN(v)) return 'NaN';
    if (Number.isInteger(v)) return Math.abs(v) >= 1_000_000 ? v.toLocaleString('en-US') : String(v);
    return String(Math.round(v * 100) / 100);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) {
    const shown = v.slice(0, 10).map(formatValue).join(', ');
    return v.length > 10 ? `${shown}, … (${v.length} in all)` : shown;
  }
  const json = JSON.stringify(v) ?? '';
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

export interface Interpolation {
  text: string;
  warnings: string[];
}

/** Replaces each `{{expression}}` with its value; never throws. */
export function interpolateWithWarnings(template: string, scope: Record<string, unknown>): Interpolation {
  const warnings: string[] = [];
  const text = template.replace(/\{\{([^{}]*)\}\}/g, (_whole, inner: string) => {
    const source = inner.trim();
    const compiled = compileExpression(source);
    if (!compiled.ok) {
      warnings.push(`{{${source}}}: ${compiled.message}`);
      return `{{${source}?}}`;
    }
    const result = evaluateExpression(compiled.expression, scope);
    if (!result.ok) {
      warnings.push(`{{${source}}}: ${result.message}`);
      return `{{${source}?}}`;
    }
    if (result.value === undefined) {
      warnings.push(`value ${source} is missing in the message`);
      return `{{${source}?}}`;
    }
    return formatValue(result.value);
  });
  return { text, warnings };
}

export function interpolate(template: string, scope: Record<string, unknown>): string {
  return interpolateWithWarnings(template, scope).text;
}
