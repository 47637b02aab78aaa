// What a group run shows: hosts that stand out, the value columns of the host x value table, the
// value worth a bar chart, and where each host goes next. Shared by the CLI and the notebook renderer.

import { withFetchedFiles } from './fetchedView';
import type { Finding } from '../checks/spec';
import type { RoleStepRun } from './compare';
import { findOutliers, median, numericValues, type HostValues, type Outlier } from './outliers';
import { needsRerun } from './progress';
import type { SavedOutput } from '../runbook/model';
import type { GroupSummaryView, StepResultView } from '../protocol/renderer';
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
export function toGroupResultView(run: StepRun | RoleStepRun, saved?: SavedOutput[]): StepResultView {
  return withFetchedFiles(groupResultView(run, saved), run, saved);
}

function groupResultView(run: StepRun | RoleStepRun, saved?: SavedOutput[]): StepResultView {
  const view = stepResultView(run);
  if (run.hostRuns.length < 2) return view;
  view.summary = summaryView(summarizeRun(run, saved), Boolean(saved));
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

const PREVIEW_CHARS = 400;

/** The renderer's summary; the output preview only from saved (redacted) outputs. */
function summaryView(summary: GroupSummary, redacted: boolean): GroupSummaryView {
  return {
    total: summary.total,
    verdicts: summary.verdicts,
    distribution: summary.distribution,
    identical: summary.identical.map((g) => ({
      hosts: g.hosts,
      termination: g.termination,
      exitCode: g.exitCode,
      ...(redacted ? { preview: g.text.slice(0, PREVIEW_CHARS) } : {}),
    })),
    unique: summary.unique,
    rerun: summary.rerun,
  };
}

/** One host's result as every front has it (a live run, a saved output, a postmortem's run). */
export interface HostOutcome {
  host: string;
  termination: string;
  exitCode: number | null;
  /** The output as shown (stdout then stderr); compared to merge identical outputs. */
  text: string;
  findings: Finding[];
  values: Record<string, unknown>;
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
  errorKind?: string;
}

export interface IdenticalOutput {
  hosts: string[];
  termination: string;
  exitCode: number | null;
  text: string;
}

/** A group's result in a few lines, however many hosts: what the CLI, the notebook and the postmortem lead with. */
export interface GroupSummary {
  total: number;
  /** `critical`, `warning`, `info`, `nothing found`, `inconclusive`, `failed (timeout)`... most severe first, each with its hosts. */
  verdicts: { verdict: string; hosts: string[] }[];
  /** Per numeric value: how many hosts have it, and its spread. */
  distribution: { value: string; hosts: number; min: number; median: number; max: number }[];
  outliers: Outlier[];
  /** Outputs shared by two hosts or more, the largest first: "47 hosts: identical output". */
  identical: IdenticalOutput[];
  /** Hosts whose output is their own. */
  unique: string[];
  /** Hosts to run again: failed, unreachable or inconclusive (`--only-failed`, "Re-run on N failed hosts"). */
  rerun: string[];
}

const VERDICT_ORDER = ['critical', 'warning', 'info', 'nothing found', 'inconclusive'];

export function verdictOf(h: HostOutcome, okExit?: number[]): string {
  if (h.termination !== 'exit' && h.termination !== 'signal') return `failed (${h.errorKind ?? h.termination})`;
  if (needsRerun({ ...h, okExit })) return 'inconclusive';
  const worst = h.findings.map((f) => f.severity).sort((a, b) => VERDICT_ORDER.indexOf(a) - VERDICT_ORDER.indexOf(b))[0];
  return worst ?? 'nothing found';
}

export function summarizeHosts(hosts: HostOutcome[], okExit?: number[]): GroupSummary {
  const verdicts = new Map<string, string[]>();
  for (const h of hosts) {
    const v = verdictOf(h, okExit);
    verdicts.set(v, [...(verdicts.get(v) ?? []), h.host]);
  }
  const rank = (v: string) => (VERDICT_ORDER.includes(v) ? VERDICT_ORDER.indexOf(v) : VERDICT_ORDER.length);
  const finished = hosts.filter((h) => h.termination === 'exit' || h.termination === 'signal');
  const numbers = withoutAliases(finished.map((h) => ({ host: h.host, numbers: numericValues(h.values), findingSignature: findingSignature(h.findings) })));
  const byValue = new Map<string, number[]>();
  for (const n of numbers) for (const [k, v] of n.numbers) byValue.set(k, [...(byValue.get(k) ?? []), v]);
  const distribution = [...byValue.entries()].slice(0, MAX_COLUMNS * 2).map(([value, vs]) => ({
    value,
    hosts: vs.length,
    min: Math.min(...vs),
    median: median(vs),
    max: Math.max(...vs),
  }));

  const same = new Map<string, IdenticalOutput>();
  for (const h of hosts) {
    const key = `${h.termination}\u0000${h.exitCode}\u0000${h.text}`;
    const group = same.get(key);
    if (group) group.hosts.push(h.host);
    else same.set(key, { hosts: [h.host], termination: h.termination, exitCode: h.exitCode, text: h.text });
  }
  const groups = [...same.values()];
  return {
    total: hosts.length,
    verdicts: [...verdicts.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([verdict, names]) => ({ verdict, hosts: names })),
    distribution,
    outliers: findOutliers(numbers),
    identical: groups.filter((g) => g.hosts.length > 1).sort((a, b) => b.hosts.length - a.hosts.length),
    unique: groups.filter((g) => g.hosts.length === 1).map((g) => g.hosts[0]),
    rerun: hosts.filter((h) => needsRerun({ ...h, okExit })).map((h) => h.host),
  };
}

/** `940 nothing found, 47 warning, 3 failed (timeout)` */
export function verdictCounts(summary: GroupSummary): string {
  return summary.verdicts.map((v) => `${v.hosts.length} ${v.verdict}`).join(', ');
}

/** A live host run as a HostOutcome; `text` is the saved (redacted) output when given. */
export function outcomeOfHostRun(run: HostRun, saved?: SavedOutput): HostOutcome {
  const { result } = run;
  return {
    host: run.host.name,
    termination: result.termination,
    exitCode: result.exitCode,
    text: saved?.text ?? result.stdout.text + result.stderr.text,
    findings: run.outcome?.findings ?? [],
    values: run.outcome?.values ?? {},
    evidence: run.outcome?.evidence,
    errorKind: result.error?.kind,
  };
}

export function summarizeRun(run: StepRun | RoleStepRun, saved?: SavedOutput[]): GroupSummary {
  const byRun = new Map((saved ?? []).map((s) => [s.runId, s]));
  // The two ends of a comparison share its findings: not "2 nothing found" beside a critical comparison.
  const shared = 'comparison' in run ? run.comparison?.outcome.findings : undefined;
  return summarizeHosts(
    run.hostRuns.map((r) => ({ ...outcomeOfHostRun(r, byRun.get(r.runId)), ...(shared ? { findings: shared } : {}) })),
    run.step.okExit,
  );
}

/** A group run in a journal: consecutive runs of one step, each host once (a step runs on its hosts before the next starts). */
export function groupsOfRuns<T extends { stepKey: string; host: string }>(runs: readonly T[]): T[][] {
  const groups: T[][] = [];
  let hosts = new Set<string>();
  for (const run of runs) {
    const last = groups[groups.length - 1];
    if (last && last[0].stepKey === run.stepKey && !hosts.has(run.host)) last.push(run);
    else {
      groups.push([run]);
      hosts = new Set();
    }
    hosts.add(run.host);
  }
  return groups;
}
