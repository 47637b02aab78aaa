// A group run at a glance: a host x value table with outlier cells marked, and plain DOM bars
// for the values worth comparing across hosts. No chart library: bar widths are computed numbers.

import type { GroupSummaryView, HostResultView } from '../../src/protocol/renderer';
import type { PostMessage } from './decision';
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

/** Above this many hosts the host table is folded: the summary leads, the hosts are listed on demand. */
export const LARGE_GROUP = 50;
const NAMES_SHOWN = 8;

/**
 * A group's result in a few lines: counts per verdict, the spread of each value, identical outputs
 * merged ("47 hosts: identical output"), and a "Re-run on N failed hosts" button.
 */
export function renderGroupSummary(doc: Document, stepKey: string, summary: GroupSummaryView, post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-group-summary');
  const verdicts = list(summary.verdicts);
  root.append(
    el(
      doc,
      'div',
      'irb-summary-verdicts',
      `${displayText(summary.total)} hosts: ${verdicts.map((v) => `${list(v.hosts).length} ${displayText(v.verdict)}`).join(', ')}`,
    ),
  );
  // The spread of each value stands in for the bar chart, which shows the first MAX_CHART_HOSTS hosts only.
  if (summary.total > LARGE_GROUP) {
    for (const d of list(summary.distribution).slice(0, MAX_COLUMNS))
      root.append(
        el(
          doc,
          'div',
          'irb-summary-value',
          `${displayText(d.value)}: min ${displayText(d.min)}, median ${displayText(d.median)}, max ${displayText(d.max)} (${displayText(d.hosts)} hosts)`,
        ),
      );
  }
  for (const same of list(summary.identical)) {
    const hosts = list(same.hosts).map(displayText);
    const item = el(doc, 'div', 'irb-identical');
    const ending = same.termination === 'exit' ? `exit ${displayText(same.exitCode)}` : displayText(same.termination);
    item.append(el(doc, 'div', 'irb-label', `${hosts.length} hosts: identical output (${ending}) — ${names(hosts)}`));
    if (typeof same.preview === 'string') item.append(el(doc, 'pre', 'irb-identical-output', same.preview));
    if (hosts.length > NAMES_SHOWN) item.append(...onDemand(doc, `List the ${hosts.length} hosts`, el(doc, 'div', 'irb-host-list', hosts.join(', '))));
    root.append(item);
  }
  const unique = list(summary.unique).map(displayText);
  if (list(summary.identical).length && unique.length)
    root.append(el(doc, 'div', 'irb-summary-unique', `${unique.length} host${unique.length === 1 ? '' : 's'}: own output — ${names(unique)}`));
  const rerun = list(summary.rerun).map(displayText);
  if (rerun.length && post) {
    const button = el(doc, 'button', 'irb-button irb-rerun', `Re-run on ${rerun.length} failed host${rerun.length === 1 ? '' : 's'}`);
    button.title = names(rerun);
    button.addEventListener('click', () => post({ type: 'runStep', stepKey: displayText(stepKey), hosts: rerun }));
    const actions = el(doc, 'div', 'irb-actions');
    actions.append(button);
    root.append(actions);
  }
  return root;
}

/** The host table itself for a small group; folded under "All N hosts" for a large one. */
export function hostsOnDemand(doc: Document, table: HTMLElement, count: number): HTMLElement {
  if (count <= LARGE_GROUP) return table;
  const wrap = el(doc, 'div', 'irb-all-hosts');
  wrap.append(...onDemand(doc, `Show all ${count} hosts`, table));
  return wrap;
}

/** A button that shows `content` (hidden until then): hosts listed on demand. */
function onDemand(doc: Document, label: string, content: HTMLElement): HTMLElement[] {
  const button = el(doc, 'button', 'irb-button irb-link irb-show-hosts', label);
  content.style.display = 'none';
  button.addEventListener('click', () => {
    const hidden = content.style.display === 'none';
    content.style.display = hidden ? '' : 'none';
    button.textContent = hidden ? 'Hide hosts' : label;
  });
  return [button, content];
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function names(hosts: string[]): string {
  return hosts.length > NAMES_SHOWN ? `${hosts.slice(0, NAMES_SHOWN).join(', ')} and ${hosts.length - NAMES_SHOWN} more` : hosts.join(', ');
}
