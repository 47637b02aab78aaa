// Text output of the CLI: a step's values, findings and decision, the path taken, per-host tables.

import { displayValues, valuesToShow, type ValueTable } from '../checks/display';
import type { Finding } from '../checks/spec';
import { inconclusiveRun } from '../engine/evidence';
import type { HostRun } from '../engine/runStep';
import type { Step } from '../runbook/model';
import { visibleControls } from '../base/visible';

/** Host and runbook text for the terminal: every control character (ESC, CR, OSC 8, NUL...) as a visible symbol. */
export const safe = (text: string): string => visibleControls(text);

const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = paint('1');
export const dim = paint('2');
const red = paint('31');
const yellow = paint('33');
const cyan = paint('36');

/** Flattens nested values to `states.TIME_WAIT = 4500` lines; long lists and maps are cut. */
export function flattenValues(values: Record<string, unknown>, prefix = '', out: [string, string][] = [], limit = 40): [string, string][] {
  for (const [name, value] of prefix ? Object.entries(values) : valuesToShow(values)) {
    if (out.length >= limit) break;
    const key = prefix ? `${prefix}.${name}` : name;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      out.push([key, value.length <= 5 && value.every((v) => typeof v !== 'object') ? value.join(', ') : `[${value.length} items]`]);
    } else if (value && typeof value === 'object') {
      // Zero counts say nothing during an incident; a map of many peers is summarised by its top entries.
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== 0);
      if (entries.length === 0) continue;
      if (entries.length > 6) {
        const top = entries
          .filter(([, v]) => typeof v === 'number')
          .sort((a, b) => (b[1] as number) - (a[1] as number))
          .slice(0, 5);
        out.push([key, `${entries.length} entries; top: ${top.map(([k, v]) => `${k}=${v}`).join(', ')}`]);
      } else {
        flattenValues(value as Record<string, unknown>, key, out, limit);
      }
    } else {
      out.push([key, formatScalar(value)]);
    }
  }
  return out;
}

function formatScalar(value: unknown): string {
  if (value === Infinity) return 'unlimited';
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 117)}...` : value;
  return String(value);
}

export function severityTag(severity: Finding['severity']): string {
  if (severity === 'critical') return red(bold('CRITICAL'));
  if (severity === 'warning') return yellow('WARNING ');
  return cyan('INFO    ');
}

export function formatFinding(finding: Finding): string {
  const hint = finding.hint ? `\n             ${dim(`fix: ${safe(finding.hint)}`)}` : '';
  return `  ${severityTag(finding.severity)} ${safe(finding.message)}${hint}`;
}

export function formatHostRun(run: HostRun, options: { showOutput: boolean }): string {
  const { result } = run;
  const lines: string[] = [];
  const status = result.termination === 'exit' ? `exit ${result.exitCode}` : result.termination === 'signal' ? `signal ${result.signal}` : result.termination;
  lines.push(dim(`  ${safe(run.host.name)} · ${result.startedAt.toISOString()} · ${(result.durationMs / 1000).toFixed(2)} s · ${status}`));
  if (options.showOutput) {
    const text = result.stdout.text + (result.stderr.text ? (result.stdout.text.endsWith('\n') || !result.stdout.text ? '' : '\n') + result.stderr.text : '');
    const shown = text.split('\n');
    if (shown.at(-1) === '') shown.pop();
    const cut = shown.length > 30 ? [...shown.slice(0, 15), dim(`  ... ${shown.length - 25} lines not shown ...`), ...shown.slice(-10)] : shown;
    for (const line of cut) lines.push(`  │ ${safe(line)}`);
    if (result.stdout.truncated && result.stdout.fullPath) lines.push(dim(`  (output truncated in memory; full text in ${result.stdout.fullPath})`));
  }
  if (result.error) {
    lines.push(`  ${red('error')} [${result.error.kind}] ${safe(result.error.message)}`);
    if (result.error.hint) lines.push(`        ${dim(`what to do: ${safe(result.error.hint)}`)}`);
  }
  const values = run.outcome ? displayValues(run.outcome.values) : [];
  if (values.length) {
    const width = Math.min(32, Math.max(...values.map((v) => v.name.length)));
    lines.push(`  ${bold('values')}`);
    for (const v of values) {
      lines.push(`    ${safe(v.name).padEnd(width)}  ${v.table ? '' : safe(v.text)}`.trimEnd());
      if (v.table) lines.push(...formatTable(v.table).map((l) => `      ${safe(l)}`));
    }
  }
  for (const warning of run.outcome?.warnings ?? []) lines.push(dim(`  note: ${safe(warning)}`));
  if (run.outcome?.findings.length) {
    lines.push(`  ${bold('findings')}`);
    for (const finding of run.outcome.findings) lines.push(formatFinding(finding));
  }
  const next = run.decision.next;
  const unsure = inconclusiveRun(run);
  if (unsure) lines.push(`  ${yellow('inconclusive')} ${safe(unsure.reason)}${unsure.hint ? `\n        ${dim(`what to do: ${safe(unsure.hint)}`)}` : ''}`);
  lines.push(`  ${bold('next')}  ${next ? `${safe(next.title ?? next.key)} (${next.key})` : 'end'} ${dim(`— ${safe(run.decision.why)}`)}`);
  return lines.join('\n');
}

/** A host x value table for group runs, values picked by the caller. */
export function formatHostTable(runs: HostRun[], columns: string[], outliers: Map<string, Set<string>>): string {
  const header = ['host', 'result', ...columns, 'findings'];
  const rows = runs.map((run) => {
    const flat = new Map(run.outcome ? flattenValues(run.outcome.values, '', [], 500) : []);
    const marks = outliers.get(run.host.name) ?? new Set<string>();
    const status =
      run.result.termination === 'exit' ? `exit ${run.result.exitCode}` : `${run.result.termination}${run.result.error ? ` (${run.result.error.kind})` : ''}`;
    return [
      safe(run.host.name),
      status,
      ...columns.map((c) => `${safe(flat.get(c) ?? '-')}${marks.has(c) ? ' ◀' : ''}`),
      (run.outcome?.findings ?? []).map((f) => f.severity).join(',') || '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [bold(fmt(header)), ...rows.map(fmt)].join('\n');
}

export function stepTitle(step: Step): string {
  return safe(step.title ? `${step.title} [${step.id ?? step.key}]` : (step.id ?? step.key));
}

/** A small table (socket rows: peer, state, count) as aligned lines, with "and N more". */
function formatTable(table: ValueTable): string[] {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(table.columns), ...table.rows.map(line), ...(table.more > 0 ? [`… and ${table.more} more`] : [])];
}
