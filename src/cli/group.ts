// Group runs in the terminal: one table host x value, outliers marked, a bar chart of the value
// that stands out, failures listed per host with their kind, and the comparison of two ends.

import type { RoleStepRun } from '../engine/compare';
import { analyzeGroup } from '../engine/groupView';
import { numericValues } from '../engine/outliers';
import type { StepRun } from '../engine/runStep';
import type { ProgressionResult } from '../engine/progression';
import type { HostRun } from '../engine/runStep';
import { bold, dim, flattenValues, formatFinding, formatHostTable, safe, stepTitle } from './print';

const BAR_WIDTH = 40;

export function printGroupRun(run: StepRun | RoleStepRun): void {
  const g = analyzeGroup(run);
  const out: string[] = [];
  out.push(`\n${bold(`▶ ${stepTitle(run.step)}`)} ${dim(`on ${run.hostRuns.length} hosts: ${g.finished.length} ran, ${g.failed.length} failed`)}`);
  out.push(formatHostTable(run.hostRuns, g.columns, g.marks));
  for (const o of g.outliers)
    out.push(`  ${bold('outlier')} ${o.host}: ${o.reasons.join(', ')} differ${o.reasons.length === 1 ? 's' : ''} strongly from the group`);
  for (const f of g.failed) {
    out.push(`  ${bold('failed')} ${safe(f.host.name)} [${f.result.error?.kind ?? f.result.termination}] ${safe(f.result.error?.message ?? '')}`);
    if (f.result.error?.hint) out.push(`         ${dim(`what to do: ${safe(f.result.error.hint)}`)}`);
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
    for (const route of run.routes) {
      const hosts = route.hosts.length === run.hostRuns.length ? 'all hosts' : route.hosts.map((r) => r.host.name).join(', ');
      const severity = route.severity && route.severity !== 'info' ? ` (${route.severity.toUpperCase()})` : '';
      out.push(`  ${bold('next')} ${route.next ? stepTitle(route.next) : 'end'}${severity} ${dim(`← ${hosts}`)}`);
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

/** After `--auto`: where each host stopped and why, hosts with the same story together, then the path per host. */
export function printProgression(result: ProgressionResult): void {
  const out: string[] = [];
  const byStory = new Map<string, ProgressionResult['hosts']>();
  for (const h of result.hosts) {
    const key = `${h.path.map((s) => s.id ?? s.key).join(' → ')}\u0000${h.explanation}`;
    byStory.set(key, [...(byStory.get(key) ?? []), h]);
  }
  for (const hosts of byStory.values()) {
    const [first] = hosts;
    const names = hosts.map((h) => h.host.name).join(', ');
    out.push(`\n${bold(`Path taken on ${names}`)}: ${first.path.map((s) => s.id ?? s.key).join(' → ') || '(none)'}`);
    out.push(`${bold('Stopped')}: ${safe(first.explanation)}`);
    const findings = hosts.flatMap((h) => h.findings.map((f) => ({ host: h.host.name, f })));
    if (findings.length) {
      out.push(bold('Findings'));
      for (const { host, f } of findings) out.push(`${formatFinding(f)}${hosts.length > 1 ? dim(` (${host})`) : ''}`);
    } else {
      out.push(dim('No findings.'));
    }
  }
  if (result.verdicts.length) out.push('', ...result.verdicts.map((v) => bold(safe(v))));
  if (result.hosts.length > 1) out.push(`\n${bold('Verdict per host')}: ${result.hosts.map((h) => `${h.host.name} ${h.reason}`).join(', ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `[ 3/20] web-3: step exit 0 in 0.12 s` on stderr as each host of a group ends. */
export function groupProgress(total: number) {
  let done = 0;
  return {
    ended(run: HostRun) {
      done++;
      const r = run.result;
      const status = r.termination === 'exit' ? `exit ${r.exitCode}` : `${r.termination}${r.error ? ` (${r.error.kind}: ${r.error.message})` : ''}`;
      process.stderr.write(
        `  [${String(done).padStart(String(total).length)}/${total}] ${run.host.name}: ${run.step.key} ${status} in ${(r.durationMs / 1000).toFixed(2)} s\n`,
      );
    },
  };
}
