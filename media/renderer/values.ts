// Parsed values as a person reads them, through the formatter the CLI and the postmortem use
// (src/checks/display.ts): scalars, counts with their top entries, socket rows as a small table
// behind a "show table" button. Never JSON.

import { displayValues, type ValueTable } from '../../src/checks/display';
import { el } from './dom';
import { isObject } from './payload';

const MAX_DEPTH = 3;

export function renderValues(doc: Document, values: Record<string, unknown>): HTMLElement {
  const table = el(doc, 'table', 'irb-values');
  const body = el(doc, 'tbody');
  for (const line of displayValues(values, { top: 5, maxLines: 40 })) {
    const row = el(doc, 'tr');
    row.append(el(doc, 'th', 'irb-name', line.name));
    const cell = el(doc, 'td', 'irb-value');
    if (line.table) cell.append(collapsibleTable(doc, line.text, line.table));
    else cell.append(el(doc, 'span', /^-?[\d,.]+(\/s)?$/.test(line.text) ? 'irb-number' : 'irb-text', line.text));
    row.append(cell);
    body.append(row);
  }
  table.append(body);
  return table;
}

/** The summary line, and the rows behind a button: a table of 300 sockets is there when asked for. */
function collapsibleTable(doc: Document, summary: string, data: ValueTable): HTMLElement {
  const root = el(doc, 'div', 'irb-rows');
  const line = el(doc, 'div', 'irb-rows-summary');
  line.append(el(doc, 'span', 'irb-text', summary));
  const toggle = el(doc, 'button', 'irb-button irb-link irb-rows-toggle', 'show table');
  line.append(toggle);
  root.append(line);
  const table = el(doc, 'table', 'irb-values irb-subtable irb-rows-table irb-collapsed');
  const head = el(doc, 'thead');
  const headRow = el(doc, 'tr');
  for (const column of data.columns) headRow.append(el(doc, 'th', 'irb-name', column));
  head.append(headRow);
  const body = el(doc, 'tbody');
  for (const cells of data.rows) {
    const row = el(doc, 'tr');
    for (const text of cells) row.append(el(doc, 'td', 'irb-value', text));
    body.append(row);
  }
  if (data.more > 0) {
    const row = el(doc, 'tr');
    const cell = el(doc, 'td', 'irb-more', `+${data.more} more groups`);
    (cell as HTMLTableCellElement).colSpan = data.columns.length;
    row.append(cell);
    body.append(row);
  }
  table.append(head, body);
  root.append(table);
  toggle.addEventListener('click', () => {
    const hidden = table.classList.toggle('irb-collapsed');
    toggle.textContent = hidden ? 'show table' : 'hide table';
  });
  return root;
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
