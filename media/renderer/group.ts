// A group run at a glance: a host x value table with outlier cells marked, and plain DOM bars
// for the values worth comparing across hosts. No chart library: bar widths are computed numbers.

import type { HostResultView } from '../../src/protocol/renderer';
import { displayText, el } from './dom';
import { badge, severityOf } from './findings';
import { flattenValues } from './values';

export const MAX_COLUMNS = 12;
export const MAX_CHART_HOSTS = 50;

export function renderHostTable(doc: Document, hosts: HostResultView[], chartValues: string[] = []): HTMLElement {
  const flat = hosts.map((h) => flattenValues(h.values));
  const columns = pickColumns(flat, chartValues);
  const table = el(doc, 'table', 'irb-hosts');
  const head = el(doc, 'thead');
  const headRow = el(doc, 'tr');
  headRow.append(el(doc, 'th', undefined, 'host'));
  for (const column of columns) headRow.append(el(doc, 'th', undefined, column));
  headRow.append(el(doc, 'th', undefined, 'findings'));
  head.append(headRow);
  const body = el(doc, 'tbody');
  hosts.forEach((host, i) => {
    const outliers = new Set(Array.isArray(host.outlier) ? host.outlier.map(displayText) : []);
    const row = el(doc, 'tr', outliers.size > 0 ? 'irb-outlier-row' : undefined);
    row.append(el(doc, 'th', 'irb-host', host.host));
    for (const column of columns) {
      const cell = el(doc, 'td', outliers.has(column) ? 'irb-cell irb-outlier' : 'irb-cell', flat[i].has(column) ? displayText(flat[i].get(column)) : '—');
      row.append(cell);
    }
    row.append(findingsCell(doc, host));
    body.append(row);
  });
  table.append(head, body);
  return table;
}

/** Chart values first, then the other scalar values in first-seen order, at most MAX_COLUMNS. */
function pickColumns(flat: Map<string, unknown>[], chartValues: string[]): string[] {
  const columns = new Set<string>(chartValues);
  for (const values of flat) {
    for (const [name, value] of values) {
      if (value === null || typeof value !== 'object') columns.add(name);
    }
  }
  return [...columns].slice(0, MAX_COLUMNS);
}

function findingsCell(doc: Document, host: HostResultView): HTMLElement {
  const cell = el(doc, 'td', 'irb-cell');
  if (host.error) {
    cell.append(el(doc, 'span', 'irb-error-kind', displayText(host.error.kind)));
    return cell;
  }
  if (host.findings.length === 0) {
    cell.textContent = '—';
    return cell;
  }
  const worst = host.findings.map(severityOf).sort((a, b) => rank(a) - rank(b))[0];
  cell.append(badge(doc, worst), doc.createTextNode(` ${host.findings.length}`));
  return cell;
}

function rank(severity: string): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

export function renderChart(doc: Document, hosts: HostResultView[], valueName: string): HTMLElement {
  const chart = el(doc, 'div', 'irb-chart');
  chart.append(el(doc, 'div', 'irb-chart-title', valueName));
  const shown = hosts.slice(0, MAX_CHART_HOSTS);
  const numbers = shown.map((h) => toNumber(flattenValues(h.values).get(valueName)));
  const max = Math.max(0, ...numbers.filter((n): n is number => n !== undefined));
  shown.forEach((host, i) => {
    const row = el(doc, 'div', 'irb-bar-row');
    const outlier = Array.isArray(host.outlier) && host.outlier.includes(valueName);
    row.append(el(doc, 'span', 'irb-bar-host', host.host));
    const track = el(doc, 'div', 'irb-bar-track');
    const bar = el(doc, 'div', outlier ? 'irb-bar irb-outlier' : 'irb-bar');
    const n = numbers[i];
    const percent = n === undefined || max <= 0 ? 0 : Math.max(0, Math.min(100, (n / max) * 100));
    bar.style.width = `${percent.toFixed(1)}%`;
    track.append(bar);
    row.append(track, el(doc, 'span', 'irb-bar-value', n === undefined ? 'n/a' : String(n)));
    chart.append(row);
  });
  if (hosts.length > MAX_CHART_HOSTS) chart.append(el(doc, 'div', 'irb-more', `+${hosts.length - MAX_CHART_HOSTS} more hosts`));
  return chart;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
