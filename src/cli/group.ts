// Group runs in the terminal: one table host x value, outliers marked, failures listed per host.

import { findOutliers, numericValues } from '../engine/outliers';
import type { StepRun } from '../engine/runStep';
import { bold, dim, formatHostTable } from './print';
import { stepTitle, type RunOptions } from './run';

export function printGroupRun(run: StepRun, _options: RunOptions): void {
  const ok = run.hostRuns.filter((r) => r.result.termination === 'exit' || r.result.termination === 'signal');
  const failed = run.hostRuns.filter((r) => !ok.includes(r));
  const numbers = ok.map((r) => ({
    host: r.host.name,
    numbers: numericValues(r.outcome?.values ?? {}),
    findingSignature: (r.outcome?.findings ?? []).map((f) => `${f.severity}:${f.rule}`).join('|'),
  }));
  const outliers = findOutliers(numbers);
  const marks = new Map(outliers.map((o) => [o.host, new Set(o.reasons)]));
  // Columns: the values that are numbers on most hosts, outlier columns first, at most 6.
  const counts = new Map<string, number>();
  for (const n of numbers) for (const key of n.numbers.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
  const outlierColumns = [...new Set(outliers.flatMap((o) => o.reasons).filter((r) => r !== 'findings'))];
  const common = [...counts.entries()].filter(([, c]) => c * 2 >= numbers.length).map(([k]) => k);
  const columns = [...new Set([...outlierColumns, ...common])].slice(0, 6);

  process.stdout.write(`\n${bold(`▶ ${stepTitle(run.step)}`)} ${dim(`on ${run.hostRuns.length} hosts: ${ok.length} ran, ${failed.length} failed`)}\n`);
  process.stdout.write(`${formatHostTable(run.hostRuns, columns, marks)}\n`);
  for (const o of outliers) process.stdout.write(`  ${bold('outlier')} ${o.host}: ${o.reasons.join(', ')} differ${o.reasons.length === 1 ? 's' : ''} strongly from the group\n`);
  for (const f of failed) {
    process.stdout.write(`  ${bold('failed')} ${f.host.name} [${f.result.error?.kind ?? f.result.termination}] ${f.result.error?.message ?? ''}\n`);
    if (f.result.error?.hint) process.stdout.write(`         ${dim(`what to do: ${f.result.error.hint}`)}\n`);
  }
  const decisions = new Map<string, string[]>();
  for (const r of ok) {
    const key = r.decision.next ? stepTitle(r.decision.next) : 'end';
    decisions.set(key, [...(decisions.get(key) ?? []), r.host.name]);
  }
  for (const [next, hosts] of decisions) process.stdout.write(`  ${bold('next')} ${next} ${dim(`← ${hosts.length === ok.length ? 'all hosts' : hosts.join(', ')}`)}\n`);
}
