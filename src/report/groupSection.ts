// The postmortem's summary of a step run on a group: verdict counts, value spread, outliers and
// identical outputs merged ("47 hosts: identical output"), so a 1,000-host step stays readable;
// the per-host evidence follows it, folded for a large group.

import { summarizeHosts, verdictCounts, type GroupSummary } from '../engine/groupView';
import { comparisonOf } from './comparisonSection';
import type { PostmortemRun } from './postmortem';
import { code, escapeHtml, excerpt, fenced, mdText } from './text';

/** Above this many hosts the per-host evidence is folded under the summary. */
export const FOLD_HOSTS = 50;
const NAMES_SHOWN = 10;

function summaryOf(group: PostmortemRun[]): GroupSummary {
  // The two ends of a comparison share its findings (the journal has each end's own, none).
  const shared = comparisonOf(group)?.findings;
  return summarizeHosts(
    group.map((r) => ({ ...r, text: r.output, errorKind: r.error?.kind, ...(shared ? { findings: shared } : {}) })),
    undefined,
  );
}

function labelsOf(group: PostmortemRun[]): string {
  return group.length > 1 ? `${group[0].label}–${group[group.length - 1].label}` : group[0].label;
}

function names(hosts: string[], show: (h: string) => string): string {
  const shown = hosts.slice(0, NAMES_SHOWN).map(show).join(', ');
  return hosts.length > NAMES_SHOWN ? `${shown}, … and ${hosts.length - NAMES_SHOWN} more` : shown;
}

function ending(g: { termination: string; exitCode: number | null }): string {
  return g.termination === 'exit' ? `exit ${g.exitCode}` : g.termination;
}

export function groupSummaryMarkdown(group: PostmortemRun[]): string[] {
  const s = summaryOf(group);
  const md = [`### ${labelsOf(group)}. ${mdText(group[0].stepTitle)} on ${group.length} hosts`, '', `Verdicts: ${mdText(verdictCounts(s))}.`, ''];
  for (const d of s.distribution.slice(0, 6)) md.push(`- ${code(d.value)}: min ${d.min}, median ${d.median}, max ${d.max} (${d.hosts} hosts)`);
  for (const o of s.outliers) md.push(`- Outlier ${code(o.host)}: ${o.reasons.map(code).join(', ')}`);
  if (s.distribution.length || s.outliers.length) md.push('');
  for (const same of s.identical) {
    md.push(`**${same.hosts.length} hosts: identical output** (${ending(same)}): ${names(same.hosts, code)}`, '');
    md.push(fenced(excerpt(same.text, 10, 4).text || '(no output)', 'text'), '');
  }
  if (s.identical.length && s.unique.length)
    md.push(`${s.unique.length} host${s.unique.length === 1 ? '' : 's'} with their own output: ${names(s.unique, code)}`, '');
  if (s.rerun.length)
    md.push(`Failed, unreachable or inconclusive: ${names(s.rerun, code)} (\`runbook run RECORD --step ${group[0].stepKey} --only-failed\` re-runs them).`, '');
  return md;
}

export function groupSummaryHtml(group: PostmortemRun[]): string {
  const s = summaryOf(group);
  const e = escapeHtml;
  const c = (t: string) => `<code>${e(t)}</code>`;
  const h = [
    `<section class="group"><h3>${e(labelsOf(group))}. ${e(group[0].stepTitle)} on ${group.length} hosts</h3>`,
    `<p>Verdicts: ${e(verdictCounts(s))}.</p>`,
  ];
  const items = [
    ...s.distribution.slice(0, 6).map((d) => `<li>${c(d.value)}: min ${d.min}, median ${d.median}, max ${d.max} (${d.hosts} hosts)</li>`),
    ...s.outliers.map((o) => `<li>Outlier ${c(o.host)}: ${o.reasons.map(c).join(', ')}</li>`),
  ];
  if (items.length) h.push(`<ul>${items.join('')}</ul>`);
  for (const same of s.identical)
    h.push(
      `<p><strong>${same.hosts.length} hosts: identical output</strong> (${e(ending(same))}): ${names(same.hosts, c)}</p>`,
      `<pre>${e(excerpt(same.text, 10, 4).text || '(no output)')}</pre>`,
    );
  if (s.identical.length && s.unique.length)
    h.push(`<p>${s.unique.length} host${s.unique.length === 1 ? '' : 's'} with their own output: ${names(s.unique, c)}</p>`);
  if (s.rerun.length) h.push(`<p>Failed, unreachable or inconclusive: ${names(s.rerun, c)}.</p>`);
  h.push('</section>');
  return h.join('\n');
}
