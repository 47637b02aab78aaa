// Parsed values as a compact table: nested maps (e.g. `states`) become a sub-table, long lists and
// wide maps are capped with "+N more" so one odd output cannot flood the notebook.

import { displayText, el } from './dom';
import { isObject } from './payload';

export const MAX_LIST_ITEMS = 10;
export const MAX_ROWS = 40;
const MAX_DEPTH = 3;

export function renderValues(doc: Document, values: Record<string, unknown>, depth = 0): HTMLElement {
  const entries = Object.entries(values);
  const table = el(doc, 'table', depth === 0 ? 'irb-values' : 'irb-values irb-subtable');
  const body = el(doc, 'tbody');
  for (const [name, value] of entries.slice(0, MAX_ROWS)) {
    const row = el(doc, 'tr');
    row.append(el(doc, 'th', 'irb-name', name));
    const cell = el(doc, 'td', 'irb-value');
    cell.append(renderValue(doc, value, depth));
    row.append(cell);
    body.append(row);
  }
  if (entries.length > MAX_ROWS) {
    const row = el(doc, 'tr');
    const cell = el(doc, 'td', 'irb-more', `+${entries.length - MAX_ROWS} more`);
    (cell as HTMLTableCellElement).colSpan = 2;
    row.append(cell);
    body.append(row);
  }
  table.append(body);
  return table;
}

function renderValue(doc: Document, value: unknown, depth: number): Node {
  if (isObject(value) && depth < MAX_DEPTH) {
    return Object.keys(value).length === 0 ? el(doc, 'span', 'irb-empty', '(none)') : renderValues(doc, value, depth + 1);
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_LIST_ITEMS).map(displayText).join(', ');
    const span = el(doc, 'span', 'irb-list', value.length === 0 ? '(none)' : shown);
    if (value.length > MAX_LIST_ITEMS) span.append(el(doc, 'span', 'irb-more', ` +${value.length - MAX_LIST_ITEMS} more`));
    return span;
  }
  return el(doc, 'span', typeof value === 'number' ? 'irb-number' : 'irb-text', displayText(value));
}

/**
 * Flattens nested maps into dotted names (`states.TIME_WAIT`), the names that `chartValues` and
 * `outlier` use; lists and deeper objects stay whole.
 */
export function flattenValues(values: Record<string, unknown>, prefix = '', depth = 0): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [name, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isObject(value) && depth < MAX_DEPTH) {
      for (const [inner, innerValue] of flattenValues(value, path, depth + 1)) flat.set(inner, innerValue);
    } else {
      flat.set(path, value);
    }
  }
  return flat;
}
