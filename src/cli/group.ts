// Group runs in the terminal: one table host x value, outliers marked, a bar chart of the value
// that stands out, failures listed per host with their kind, and the comparison of two ends.

import type { AutoRunResult } from '../engine/autoRun';
import type { RoleStepRun } from '../engine/compare';
import { analyzeGroup } from '../engine/groupView';
import { numericValues } from '../engine/outliers';
import type { StepRun } from '../engine/runStep';
import type { HostConfig } from '../hosts/types';
import { bold, dim, flattenValues, formatFinding, formatHostTable } from './print';
import { stepTitle, type RunOptions } from './run';

const BAR_WIDTH = 40;

export function printGroupRun(run: StepRun | RoleStepRun, _options: RunOptions): void {
  const g = analyzeGroup(run);
  const out: string[] = [];
  out.push(`\n${bold(`▶ ${stepTitle(run.step)}`)} ${dim(`on ${run.hostRuns.length} hosts: ${g.finished.length} ran, ${g.failed.length} failed`)}`);
  out.push(formatHostTable(run.hostRuns, g.columns, g.marks));
  for (const o of g.outliers)
    out.push(`  ${bold('outlier')} ${o.host}: ${o.reasons.join(', ')} differ${o.reasons.length === 1 ? 's' : ''} strongly from the group`);
  for (const f of g.failed) {
    out.push(`  ${bold('failed')} ${f.host.name} [${f.result.error?.kind ?? f.result.termination}] ${f.result.error?.message ?? ''}`);
    if (f.result.error?.hint) out.push(`         ${dim(`what to do: ${f.result.error.hint}`)}`);
  }
  const comparison = 'comparison' in run ? run.comparison : undefined;
  const [chart] = g.chartValues;
  // Two ends of a connection play different parts: their values are compared below, not charted.
  if (chart && g.finished.length > 1 && !comparison)
    out.push(
      barChart(
        chart,
        g.finished.map((r) => [r.host.name, numericValues(r.outcome?.values ?? {}).get(chart)]),
      ),
    );
  if (comparison) {
    out.push(
      `  ${bold('compared')} ${comparison.client.role} (${comparison.client.hosts.join(', ')}) with ${comparison.server.role} (${comparison.server.hosts.join(', ')})`,
    );
    for (const [key, value] of flattenValues(comparison.outcome.values).filter(([k]) => !k.startsWith('ends.'))) out.push(`    ${key.padEnd(24)}  ${value}`);
    for (const finding of comparison.outcome.findings) out.push(formatFinding(finding));
    for (const warning of comparison.outcome.warnings) out.push(dim(`  note: ${warning}`));
    const next = run.decision.next;
    out.push(`  ${bold('next')} ${next ? stepTitle(next) : 'end'} ${dim(`— ${run.decision.why}`)}`);
  } else {
    for (const runs of g.paths.values()) {
      const step = runs[0].decision.next;
      out.push(
        `  ${bold('next')} ${step ? stepTitle(step) : 'end'} ${dim(`← ${runs.length === g.finished.length ? 'all hosts' : runs.map((r) => r.host.name).join(', ')}`)}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `name  ████████▌ 4500` per host, scaled to the largest value; hosts without the value show `-`. */
export function barChart(value: string, rows: [string, number | undefined][]): string {
  const max = Math.max(0, ...rows.map(([, v]) => v ?? 0));
  const width = Math.max(...rows.map(([h]) => h.length));
  const lines = [`  ${bold(value)} per host`];
  for (const [host, v] of rows) {
    // A value above zero always gets a sliver, so 1 is told apart from 0.
    const eighths = v === undefined || max <= 0 || v <= 0 ? 0 : Math.max(1, Math.round((v / max) * BAR_WIDTH * 8));
    const bar = '█'.repeat(eighths >> 3) + (eighths & 7 ? '▏▎▍▌▋▊▉'[(eighths & 7) - 1] : '');
    lines.push(`    ${host.padEnd(width)}  ${bar}${bar ? ' ' : ''}${v ?? '-'}`);
  }
  return lines.join('\n');
}

/** After `--auto` on a group: which steps each host went through, and where it stopped. */
export function printAutoPaths(hosts: HostConfig[], results: AutoRunResult[]): void {
  const rows = results.map((r, i) => [hosts[i].name, r.path.map((run) => run.step.id ?? run.step.key).join(' → ') || '(none)', r.reason]);
  const header = ['host', 'path', 'stopped'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  process.stdout.write(`\n${bold('Paths taken')}\n${bold(fmt(header))}\n${rows.map(fmt).join('\n')}\n`);
}
