// The postmortem's comparison of the two ends of a `compare=` step, as the notebook's comparison
// box shows it: which hosts played which part, what the comparison found, and the compared values.
// It comes from the comparison saved with each end in the record (journal entries are per host).

import { displayValues } from '../checks/display';
import type { SavedComparison } from '../runbook/model';
import { code, escapeHtml, mdText, oneLine } from './text';

/** The comparison of a group of runs of one step (each end carries the same), if it was a compared step. */
export function comparisonOf(group: readonly { comparison?: SavedComparison }[]): SavedComparison | undefined {
  return group.find((r) => r.comparison)?.comparison;
}

function sideText(side: { role: string; hosts: string[] }): string {
  return `${side.role} (${side.hosts.join(', ')})`;
}

/** The values shown: those of the comparison, without the host names already in the heading. */
function shownValues(comparison: SavedComparison) {
  return displayValues(Object.fromEntries(Object.entries(comparison.values).filter(([k]) => k !== 'ends')));
}

export function comparisonMarkdown(comparison: SavedComparison): string[] {
  const md = [`**Compared ${mdText(sideText(comparison.client))} with ${mdText(sideText(comparison.server))}** (${code(comparison.name)}):`, ''];
  for (const f of comparison.findings) md.push(`- **${f.severity}**: ${mdText(f.message)} (because ${code(f.when)})`);
  for (const w of comparison.warnings) md.push(`- Note: ${mdText(w)}`);
  if (comparison.findings.length || comparison.warnings.length) md.push('');
  const values = shownValues(comparison);
  if (values.length) md.push(`Compared values: ${values.map((l) => `${code(l.name)} = ${code(l.text)}`).join(', ')}`, '');
  return md;
}

export function comparisonHtml(comparison: SavedComparison): string {
  const e = (text: string) => escapeHtml(oneLine(text));
  const c = (text: string) => `<code>${e(text)}</code>`;
  const parts = [
    `<section class="comparison"><p><strong>Compared ${e(sideText(comparison.client))} with ${e(sideText(comparison.server))}</strong> (${c(comparison.name)}):</p>`,
  ];
  const items = [
    ...comparison.findings.map(
      (f) =>
        `<li><span class="sev sev-${/^(critical|warning|info)$/.test(f.severity) ? f.severity : 'info'}">${e(f.severity)}</span> ${e(f.message)} (because ${c(f.when)})</li>`,
    ),
    ...comparison.warnings.map((w) => `<li>Note: ${e(w)}</li>`),
  ];
  if (items.length) parts.push(`<ul>${items.join('')}</ul>`);
  const values = shownValues(comparison);
  if (values.length) parts.push(`<p>Compared values: ${values.map((l) => `${c(l.name)} = ${c(l.text)}`).join(', ')}</p>`);
  parts.push('</section>');
  return parts.join('\n');
}
