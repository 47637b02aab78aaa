// Group runs in the terminal: one table host x value, outliers marked, a bar chart of the value
// that stands out, failures listed per host with their kind, and the comparison of two ends.

import type { RoleStepRun } from '../engine/compare';
import { analyzeGroup, summarizeRun, verdictCounts, type GroupSummary } from '../engine/groupView';
import { formatProgress, hostRunNeedsRerun, type GroupProgress } from '../engine/progress';
import type { SavedOutput } from '../runbook/model';
import { numericValues } from '../engine/outliers';
import type { StepRun } from '../engine/runStep';
import type { ProgressionResult } from '../engine/progression';
import type { HostRun } from '../engine/runStep';
import { bold, dim, flattenValues, formatFinding, formatHostTable, safe, stepTitle } from './print';

const BAR_WIDTH = 40;

/** Up to this many hosts a group is shown host by host; above it, the summary and the hosts that stand out. */
export const LARGE_GROUP = 50;
const NAMES_SHOWN = 10;

export function printGroupRun(run: StepRun | RoleStepRun, saved?: SavedOutput[], options: { allHosts?: boolean } = {}): void {
  const g = analyzeGroup(run);
  const summary = summarizeRun(run, saved);
  const large = run.hostRuns.length > LARGE_GROUP && !options.allHosts;
  const out: string[] = [];
  out.push(`\n${bold(`▶ ${stepTitle(run.step)}`)} ${dim(`on ${run.hostRuns.length} hosts: ${g.finished.length} ran, ${g.failed.length} failed`)}`);
  out.push(`  ${bold('summary')} ${safe(verdictCounts(summary))}`);
  if (large) {
    // The hosts worth a look: outliers, then failed and inconclusive ones; the rest on demand.
    const shown = new Set([...g.outliers.map((o) => o.host), ...summary.rerun].slice(0, LARGE_GROUP));
    const rows = run.hostRuns.filter((r) => shown.has(r.host.name));
    if (rows.length) out.push(formatHostTable(rows, g.columns, g.marks));
    out.push(dim(`  ${run.hostRuns.length - rows.length} more hosts not listed: --all-hosts lists every host`));
    for (const d of summary.distribution.filter((d) => g.columns.includes(d.value)))
      out.push(`  ${bold(safe(d.value))} min ${d.min}, median ${d.median}, max ${d.max} ${dim(`(${d.hosts} hosts)`)}`);
  } else {
    out.push(formatHostTable(run.hostRuns, g.columns, g.marks));
  }
  for (const o of g.outliers)
    out.push(`  ${bold('outlier')} ${safe(o.host)}: ${o.reasons.join(', ')} differ${o.reasons.length === 1 ? 's' : ''} strongly from the group`);
  out.push(...failureLines(g.failed, large));
  out.push(...identicalLines(summary));
  if (summary.rerun.length)
    out.push(
      dim(
        `  re-run on the ${summary.rerun.length} failed or inconclusive host${summary.rerun.length === 1 ? '' : 's'}: runbook run RECORD --step ${run.step.id ?? run.step.key} --only-failed`,
      ),
    );
  const comparison = 'comparison' in run ? run.comparison : undefined;
  const [chart] = g.chartValues;
  // Two ends of a connection play different parts: their values are compared below, not charted.
  if (chart && g.finished.length > 1 && !comparison && !large)
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
      const names = route.hosts.map((r) => r.host.name);
      const hosts = route.hosts.length === run.hostRuns.length ? 'all hosts' : large ? nameList(names) : names.map(safe).join(', ');
      const severity = route.severity && route.severity !== 'info' ? ` (${route.severity.toUpperCase()})` : '';
      out.push(`  ${bold('next')} ${route.next ? stepTitle(route.next) : 'end'}${severity} ${dim(`← ${hosts}`)}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Each failed host with its kind and what to do; in a large group, hosts that failed the same way together. */
function failureLines(failed: HostRun[], large: boolean): string[] {
  const out: string[] = [];
  const byKind = new Map<string, HostRun[]>();
  for (const f of failed) {
    const key = large ? `${f.result.error?.kind ?? f.result.termination}\u0000${f.result.error?.message ?? ''}` : f.runId;
    byKind.set(key, [...(byKind.get(key) ?? []), f]);
  }
  for (const runs of byKind.values()) {
    const [f] = runs;
    const who = runs.length === 1 ? safe(f.host.name) : `${runs.length} hosts (${nameList(runs.map((r) => r.host.name))})`;
    out.push(`  ${bold('failed')} ${who} [${f.result.error?.kind ?? f.result.termination}] ${safe(f.result.error?.message ?? '')}`);
    if (f.result.error?.hint) out.push(`         ${dim(`what to do: ${safe(f.result.error.hint)}`)}`);
  }
  return out;
}

/** "47 hosts: identical output (exit 0)", the output once, then the hosts whose output is their own. */
function identicalLines(summary: GroupSummary): string[] {
  const out: string[] = [];
  for (const same of summary.identical) {
    const ending = same.termination === 'exit' ? `exit ${same.exitCode}` : same.termination;
    out.push(`  ${bold(`${same.hosts.length} hosts: identical output`)} ${dim(`(${ending}) ${nameList(same.hosts)}`)}`);
    const lines = same.text.replace(/\n$/, '').split('\n');
    for (const line of lines.slice(0, 5)) out.push(`    │ ${safe(line)}`);
    if (lines.length > 5) out.push(dim(`    │ … ${lines.length - 5} more lines`));
  }
  if (summary.identical.length && summary.unique.length)
    out.push(`  ${bold(`${summary.unique.length} host${summary.unique.length === 1 ? '' : 's'}: own output`)} ${dim(nameList(summary.unique))}`);
  return out;
}

/** `h01, h02, h03` or, for many, `h01, h02, … and 987 more`. */
export function nameList(names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(safe).join(', ');
  return names.length > NAMES_SHOWN ? `${shown}, … and ${names.length - NAMES_SHOWN} more` : shown;
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
    const names =
      hosts.length > 1 ? `${hosts.length > NAMES_SHOWN ? `${hosts.length} hosts: ` : ''}${nameList(hosts.map((h) => h.host.name))}` : safe(first.host.name);
    out.push(`\n${bold(`Path taken on ${names}`)}: ${first.path.map((s) => s.id ?? s.key).join(' → ') || '(none)'}`);
    out.push(`${bold('Stopped')}: ${safe(first.explanation)}`);
    const findings = hosts.flatMap((h) => h.findings.map((f) => ({ host: h.host.name, f })));
    if (findings.length) {
      out.push(bold('Findings'));
      // Many hosts with the same finding: the finding once, with its count.
      const same = new Map<string, { f: (typeof findings)[number]['f']; hosts: string[] }>();
      for (const { host, f } of findings) {
        const key = `${f.severity}\u0000${f.message}`;
        same.set(key, { f, hosts: [...(same.get(key)?.hosts ?? []), host] });
      }
      for (const { f, hosts: on } of same.values())
        out.push(`${formatFinding(f)}${hosts.length > 1 ? dim(on.length > 1 ? ` (${on.length} hosts: ${nameList(on)})` : ` (${safe(on[0])})`) : ''}`);
    } else {
      out.push(dim('No findings.'));
    }
  }
  if (result.verdicts.length) out.push('', ...result.verdicts.map((v) => bold(safe(v))));
  if (result.hosts.length > LARGE_GROUP) {
    const byReason = new Map<string, string[]>();
    for (const h of result.hosts) byReason.set(h.reason, [...(byReason.get(h.reason) ?? []), h.host.name]);
    out.push(`\n${bold('Verdict per host')}: ${[...byReason].map(([reason, names]) => `${names.length} ${reason} (${nameList(names)})`).join('; ')}`);
  } else if (result.hosts.length > 1) out.push(`\n${bold('Verdict per host')}: ${result.hosts.map((h) => `${h.host.name} ${h.reason}`).join(', ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Group progress on stderr, never on stdout: per host `[ 3/20] web-3: step exit 0 in 0.12 s` for a
 * small group (a large one: only hosts that failed), and the pipeline's progress (done, failed,
 * remaining, ETA) as one updating line on a terminal, or a plain line every 10% otherwise.
 */
export function groupProgress(total: number, stream: NodeJS.WriteStream = process.stderr) {
  let done = 0;
  let line = '';
  let lastDraw = 0;
  let lastTenth = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const tty = Boolean(stream.isTTY);
  const clear = () => {
    if (tty && line) stream.write('\r\x1b[2K');
  };
  return {
    ended(run: HostRun) {
      done++;
      const r = run.result;
      if (total > LARGE_GROUP && !hostRunNeedsRerun(run)) return;
      const status = r.termination === 'exit' ? `exit ${r.exitCode}` : `${r.termination}${r.error ? ` (${r.error.kind}: ${r.error.message})` : ''}`;
      clear();
      stream.write(
        `  [${String(done).padStart(String(total).length)}/${total}] ${safe(run.host.name)}: ${run.step.key} ${status} in ${(r.durationMs / 1000).toFixed(2)} s\n`,
      );
      if (tty && line) stream.write(line);
    },
    update(p: GroupProgress) {
      const text = `  ${formatProgress(p)}`;
      const now = Date.now();
      if (tty) {
        // At most ten redraws a second, and always the last one; a host's line redraws the latest count.
        line = `\r\x1b[2K${text}`;
        if (p.remaining > 0 && now - lastDraw < 100) {
          // The held-back count is drawn when the tenth of a second is up, not at the next host.
          pending ??= setTimeout(() => {
            pending = undefined;
            if (line) stream.write(line);
            lastDraw = Date.now();
          }, 100);
          pending.unref?.();
          return;
        }
        lastDraw = now;
        stream.write(line);
        return;
      }
      const tenth = Math.floor(((p.total - p.remaining) * 10) / p.total);
      if (total > LARGE_GROUP && (tenth > lastTenth || p.remaining === 0)) stream.write(`${text}\n`);
      else if (total <= LARGE_GROUP && p.remaining === 0) stream.write(`${text}\n`);
      lastTenth = tenth;
    },
    /** The step ended: the updating line gives way to the step's result, with the last count kept. */
    finish() {
      if (pending) clearTimeout(pending);
      pending = undefined;
      if (tty && line) stream.write('\n');
      line = '';
    },
  };
}
