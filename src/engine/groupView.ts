// What a group run shows: hosts that stand out, the value columns of the host x value table, the
// value worth a bar chart, and where each host goes next. Shared by the CLI and the notebook renderer.

import type { Finding } from '../checks/spec';
import type { RoleStepRun } from './compare';
import { findOutliers, numericValues, type HostValues, type Outlier } from './outliers';
import type { StepResultView } from '../protocol/renderer';
import { hostResultView, nextStepView, stepResultView } from './resultView';
import type { HostRun, StepRun } from './runStep';

export interface GroupAnalysis {
  finished: HostRun[];
  /** Hosts that did not finish (connection refused, timeout...), each with its error kind. */
  failed: HostRun[];
  outliers: Outlier[];
  /** Host name -> the value names (or `findings`) it stands out on. */
  marks: Map<string, Set<string>>;
  /** Value columns for the host x value table: outlier values first, then values most hosts have, at most 6. */
  columns: string[];
  /** Values worth a bar chart: the outlier values, else the first numeric column. */
  chartValues: string[];
  /** Next step (key, or `end`) -> hosts going there, in run order. */
  paths: Map<string, HostRun[]>;
}

const MAX_COLUMNS = 6;

export function analyzeGroup(run: StepRun): GroupAnalysis {
  const finished = run.hostRuns.filter((r) => r.result.termination === 'exit' || r.result.termination === 'signal');
  const failed = run.hostRuns.filter((r) => !finished.includes(r));
  const numbers = withoutAliases(
    finished.map((r) => ({
      host: r.host.name,
      numbers: numericValues(r.outcome?.values ?? {}),
      findingSignature: findingSignature(r.outcome?.findings ?? []),
    })),
  );
  const outliers = findOutliers(numbers);
  const marks = new Map(outliers.map((o) => [o.host, new Set(o.reasons)]));

  const counts = new Map<string, number>();
  const nonZero = new Set<string>();
  for (const n of numbers) {
    for (const [key, value] of n.numbers) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (value !== 0) nonZero.add(key);
    }
  }
  const outlierColumns = [...new Set(outliers.flatMap((o) => o.reasons).filter((r) => r !== 'findings'))];
  // A column of zeros on every host says nothing; values that vary come first.
  const common = [...counts.entries()]
    .filter(([, c]) => c * 2 >= numbers.length)
    .map(([k]) => k)
    .sort((a, b) => Number(nonZero.has(b)) - Number(nonZero.has(a)));
  const columns = [...new Set([...outlierColumns, ...common])].slice(0, MAX_COLUMNS);
  const chartValues = outlierColumns.length > 0 ? outlierColumns.slice(0, MAX_COLUMNS) : columns.slice(0, 1);

  const paths = new Map<string, HostRun[]>();
  for (const r of finished) {
    const key = r.decision.next?.key ?? 'end';
    paths.set(key, [...(paths.get(key) ?? []), r]);
  }
  return { finished, failed, outliers, marks, columns, chartValues, paths };
}

/**
 * Drops a value that equals another on every host (the `numbers` parser gives `value` and the
 * name the check chose): one column, one reason. The generic `value` is the one dropped.
 */
function withoutAliases(hosts: HostValues[]): HostValues[] {
  const names = [...new Set(hosts.flatMap((h) => [...h.numbers.keys()]))].sort((a, b) => Number(a === 'value') - Number(b === 'value'));
  const seen = new Set<string>();
  const dropped = new Set<string>();
  for (const name of names) {
    const vector = hosts.map((h) => h.numbers.get(name) ?? 'none').join(',');
    if (seen.has(vector) && hosts.every((h) => h.numbers.has(name))) dropped.add(name);
    else seen.add(vector);
  }
  if (dropped.size === 0) return hosts;
  return hosts.map((h) => ({ ...h, numbers: new Map([...h.numbers].filter(([name]) => !dropped.has(name))) }));
}

/** Findings compared by rule and severity: the numbers in messages differ on every host and must not count. */
export function findingSignature(findings: Finding[]): string {
  return findings
    .map((f) => `${f.severity}:${f.rule}`)
    .sort()
    .join('|');
}

/** The renderer payload of a group (or two-ends) run: per-host results with outlier marks and chart values. */
export function toGroupResultView(run: StepRun | RoleStepRun): StepResultView {
  const view = stepResultView(run);
  if (run.hostRuns.length < 2) return view;
  const analysis = analyzeGroup(run);
  view.hosts = run.hostRuns.map((r) => hostResultView(r, [...(analysis.marks.get(r.host.name) ?? [])]));
  if (analysis.chartValues.length > 0) view.chartValues = analysis.chartValues;
  else delete view.chartValues;
  view.routes = run.routes.map((r) => ({ next: nextStepView(r), hosts: r.hosts.map((h) => h.host.name), ...(r.severity ? { severity: r.severity } : {}) }));
  const comparison = 'comparison' in run ? run.comparison : undefined;
  if (comparison) {
    view.comparison = {
      name: comparison.name,
      client: comparison.client,
      server: comparison.server,
      values: comparison.outcome.values,
      findings: comparison.outcome.findings,
      warnings: comparison.outcome.warnings,
    };
  }
  return view;
}
