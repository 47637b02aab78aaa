// The postmortem as Markdown. Every field from the runbook, the journal or a host is escaped:
// prose with backslashes, identifiers and values as code spans, outputs in fences no content can close.

import { describeCause } from '../engine/causes';
import { displayValues, durationText } from '../checks/display';
import { groupsOfRuns } from '../engine/groupView';
import { comparisonMarkdown, comparisonOf } from './comparisonSection';
import { FOLD_HOSTS, groupSummaryMarkdown } from './groupSection';
import { mermaidFlowchart } from './mermaid';
import { mapMermaid } from './map/mermaid';
import type { Postmortem, PostmortemRun } from './postmortem';
import { code, escapeHtml, excerpt, fenced, mdText, oneLine, utc } from './text';
import { detectionLines, evidenceFilesMarkdown, impactLines, statusMarkdown } from './lifecycleSections';

const toFill = (prompt: string) => `_${mdText(prompt)}_`;

/** A table cell: already-safe Markdown with `|` escaped. */
const cell = (markdown: string) => markdown.replace(/(?<!\\)\|/g, '\\|');

function valuesList(values: Record<string, unknown>): string {
  // The formatter the notebook and the CLI use: counts with top entries, socket rows summarised, never JSON.
  const lines = displayValues(values);
  return lines.length ? lines.map((l) => `${code(l.name)} = ${code(l.text)}`).join(', ') : '_none_';
}

function header(pm: Postmortem): string[] {
  const rows: [string, string][] = [
    ['Date', mdText(pm.date)],
    ['Authors', pm.authors.map(mdText).join(', ') || toFill('To fill')],
    ['Status', `${mdText(pm.status)}; incident ${mdText(pm.incidentStatus.replace(/ at (\S+)$/, (_m, t: string) => ` at ${utc(t)}`))}`],
    ['Incident record', code(pm.recordFile) + (pm.incidentId ? ` (id ${code(pm.incidentId)})` : '')],
  ];
  if (pm.template) rows.push(['Runbook', code(pm.template)]);
  if (pm.target.length) rows.push(['Target', pm.target.map(code).join(', ')]);
  const params = Object.entries(pm.parameters);
  if (params.length) rows.push(['Parameters', params.map(([k, v]) => `${code(k)} = ${code(v)}`).join(', ')]);
  if (pm.tags.length) rows.push(['Tags', pm.tags.map(code).join(', ')]);
  rows.push(['Generated', mdText(utc(pm.generatedAt))]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| **${k}** | ${cell(v)} |`)];
}

function runRef(run: { stepTitle: string; host: string; label: string }): string {
  return `${mdText(run.stepTitle)} on ${code(run.host)} (evidence ${run.label})`;
}

function exitText(run: PostmortemRun): string {
  if (run.termination === 'exit') return `exit code ${run.exitCode}`;
  if (run.termination === 'signal') return `killed by ${run.signal ?? 'a signal'}`;
  return run.termination;
}

function evidence(run: PostmortemRun): string[] {
  const out = excerpt(run.output);
  const lines = [
    `### ${run.label}. ${mdText(run.stepTitle)} on ${code(run.host)}`,
    '',
    `Started ${mdText(utc(run.startedAt))}${run.durationMs !== undefined ? `, took ${durationText(run.durationMs)}` : ''}, ${mdText(exitText(run))}.` +
      (run.confirmedBy ? ` Confirmed by ${mdText(run.confirmedBy.user)} at ${mdText(utc(run.confirmedBy.at))}.` : ''),
    '',
    fenced(run.command, 'sh'),
    '',
  ];
  if (run.error) lines.push(`Error (${code(run.error.kind)}): ${mdText(run.error.message)}${run.error.hint ? ` ${mdText(run.error.hint)}` : ''}`, '');
  lines.push(out.omittedLines ? `Output (first and last lines of ${out.totalLines}):` : 'Output:', '', fenced(out.text || '(no output)', 'text'), '');
  if (Object.keys(run.values).length) lines.push(`Values: ${valuesList(run.values)}`, '');
  for (const f of run.findings) lines.push(`- **${f.severity}**: ${mdText(f.message)} (because ${code(f.when)})`);
  if (run.findings.length) lines.push('');
  if (run.next) lines.push(`Decision: ${run.next === 'end' ? 'end' : `next ${code(run.next)}`}${run.why ? `, because ${mdText(run.why)}` : ''}.`, '');
  return lines;
}

export function renderMarkdown(pm: Postmortem): string {
  const md: string[] = [`# Postmortem: ${mdText(pm.title)}`, '', ...header(pm), ''];
  md.push(...statusMarkdown(pm));

  md.push('## Summary', '', toFill(pm.summary.prompt), '');
  if (pm.summary.mostSevere) {
    const m = pm.summary.mostSevere;
    md.push(`> Most severe finding: **${m.finding.severity}**: ${mdText(m.finding.message)}, from ${runRef({ ...m, label: m.evidence })}.`, '');
  }

  md.push('## Impact', '', ...impactLines(pm).flatMap((l) => [mdText(l), '']), toFill('To fill:'), '', ...pm.impactPrompts.map((p) => `- ${mdText(p)}`), '');

  if (pm.causes.length) {
    // Only a cause its read-only steps confirmed is called the root cause.
    md.push('## Verdict', '', ...pm.causes.map((c) => `- ${mdText(describeCause(c))}`), '');
  }
  if (pm.inconclusive.length) {
    md.push(
      '## Inconclusive steps',
      '',
      'These checks could not tell (the command failed, was denied, or printed nothing readable): they rule nothing out.',
      '',
    );
    for (const run of pm.inconclusive)
      md.push(
        `- ${runRef(run)}: ${mdText(run.inconclusive?.reason ?? 'no readable evidence')}${run.inconclusive?.hint ? ` — what to do: ${mdText(run.inconclusive.hint)}` : ''}`,
      );
    md.push('');
  }
  md.push('## Root cause candidates', '');
  if (pm.rootCauses.length === 0) md.push('_No critical finding was raised. To fill: the root cause, as found._', '');
  pm.rootCauses.forEach((rc, i) => {
    md.push(`${i + 1}. **${mdText(rc.finding.message)}**`);
    md.push(`   - Evidence: ${runRef({ ...rc, label: rc.evidence })} at ${mdText(utc(rc.time))}`);
    md.push(`   - Because: ${code(rc.finding.when)}`);
    md.push(`   - Values: ${valuesList(rc.values)}`);
  });
  if (pm.rootCauses.length) md.push('', toFill('To fill: confirm or reject each candidate; say why.'), '');

  md.push('## Trigger', '', toFill(pm.triggerPrompt), '');

  md.push(
    '## Detection',
    '',
    ...detectionLines(pm).flatMap((l) => [mdText(l), '']),
    toFill('To fill:'),
    '',
    ...pm.detectionPrompts.map((p) => `- ${mdText(p)}`),
    '',
  );
  if (pm.startedAt) md.push(`The incident record was started at ${mdText(utc(pm.startedAt))}.`, '');

  md.push('## Resolution', '');
  if (pm.resolution.length === 0) md.push('_No step that changes a host was run from the runbook. To fill: what was done to resolve it._', '');
  for (const run of pm.resolution) {
    const who = run.confirmedBy ? `confirmed by ${mdText(run.confirmedBy.user)} at ${mdText(utc(run.confirmedBy.at))}` : 'not confirmed in the journal';
    md.push(
      `- ${runRef(run)}, ${who}, ${mdText(exitText(run))}:`,
      '',
      indent(fenced(run.command, 'sh')),
      '',
      indent(fenced(excerpt(run.output, 6, 4).text || '(no output)', 'text')),
      '',
    );
  }

  md.push('## Action items', '', '| Action item | Type | Priority | Owner | Bug | From |', '|---|---|---|---|---|---|');
  for (const item of pm.actionItems) {
    const priority = item.severity === 'critical' ? 'P1' : item.severity === 'warning' ? 'P2' : 'P3';
    md.push(
      `| ${cell(mdText(item.action))} | mitigate | ${priority} | ${cell(mdText(item.owner)) || '_to fill_'} | ${cell(mdText(item.bug)) || '_to fill_'} | ${cell(`${mdText(item.because)} (${item.evidence.join(', ')})`)} |`,
    );
  }
  md.push('| _To fill: prevention items_ | prevent | | | | |', '');

  md.push(
    '## Lessons learned',
    '',
    '### What went well',
    '',
    toFill(pm.lessonPrompts.wentWell),
    '',
    '### What went wrong',
    '',
    toFill(pm.lessonPrompts.wentWrong),
    '',
    '### Where we got lucky',
    '',
    toFill(pm.lessonPrompts.gotLucky),
    '',
  );

  md.push('## Timeline', '', 'All times UTC.', '', '| Time | Host | Step | Result |', '|---|---|---|---|');
  for (const t of pm.timeline) {
    md.push(
      `| ${cell(mdText(utc(t.time).replace(/ UTC$/, '')))} | ${t.host ? cell(code(t.host)) : ''} | ${t.step ? cell(mdText(t.step)) : ''} | ${cell(mdText(t.result))} |`,
    );
  }
  md.push('');

  md.push('## Path through the runbook', '', fenced(mermaidFlowchart(pm.path), 'mermaid'), '');
  md.push(
    '## Runbook map',
    '',
    '_Every step of the runbook; the numbered steps and the edges marked "taken" are the path of this incident._',
    '',
    fenced(mapMermaid(pm.map), 'mermaid'),
    '',
  );

  md.push(...evidenceFilesMarkdown(pm));
  md.push('## Evidence', '');
  // A step on a group: its summary first, then the per-host evidence, folded for a large group.
  for (const group of groupsOfRuns(pm.runs)) {
    if (group.length > 1) md.push(...groupSummaryMarkdown(group));
    const compared = comparisonOf(group);
    if (compared) md.push(...comparisonMarkdown(compared));
    if (group.length > FOLD_HOSTS) md.push(`<details><summary>Per-host evidence: ${group.length} hosts</summary>`, '');
    for (const run of group) md.push(...evidence(run));
    if (group.length > FOLD_HOSTS) md.push('</details>', '');
  }

  md.push('## Appendix: full outputs', '');
  for (const run of pm.runs) {
    // Raw HTML in Markdown: the summary is HTML-escaped; the output stays inside a fence, where `</details>` is text.
    md.push(`<details><summary>${escapeHtml(`${run.label}. ${oneLine(run.stepTitle)} on ${oneLine(run.host)}`)}</summary>`, '');
    md.push(fenced(run.output || '(no output)', 'text'), '');
    if (run.outputTruncated) md.push('_The output was longer than the capture limit; this is what was kept._', '');
    md.push('</details>', '');
  }
  return md.join('\n');
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
