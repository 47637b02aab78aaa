// The postmortem as one self-contained HTML file: inline CSS, no script, no external resource, a
// restrictive CSP, and every field escaped (nbconvert's CVE-2021-32862 came in through metadata).

import { displayValues, durationText } from '../checks/display';
import { describeCause } from '../engine/causes';
import { groupsOfRuns } from '../engine/groupView';
import { comparisonHtml, comparisonOf } from './comparisonSection';
import { FOLD_HOSTS, groupSummaryHtml } from './groupSection';
import { mermaidFlowchart } from './mermaid';
import { renderMapSvg } from './map/svg';
import type { Postmortem, PostmortemRun } from './postmortem';
import { escapeHtml, excerpt, oneLine, plainText, utc } from './text';
import { detectionLines, evidenceFilesHtml, impactLines, statusHtml } from './lifecycleSections';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --code: #f6f8fa;
  --critical: #b42318; --warning: #9a6700; --info: #0969da; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", sans-serif;
  color: var(--fg); max-width: 62rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; margin-bottom: .5rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2.2rem; }
h3 { margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--code); }
table.meta th { width: 11rem; }
table.actions td:nth-child(n+2):nth-child(-n+5), table.timeline td:nth-child(-n+2) { white-space: nowrap; }
table.timeline td:nth-child(2) code { overflow-wrap: normal; }
code, pre { font: .86rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: .05rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
.fill { color: var(--muted); font-style: italic; }
.sev { font-weight: 600; text-transform: uppercase; font-size: .8rem; letter-spacing: .03em; }
.sev-critical { color: var(--critical); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
.summary { border-left: 4px solid var(--critical); padding: .4rem .9rem; background: #fff5f5; }
details { margin: .6rem 0; } summary { cursor: pointer; font-weight: 600; }
.muted { color: var(--muted); }
img.map { max-width: 100%; height: auto; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  details > *:not(summary) { display: block; }
  pre { white-space: pre-wrap; page-break-inside: avoid; }
  h2, h3 { page-break-after: avoid; }
  table { page-break-inside: auto; } tr { page-break-inside: avoid; }
}`;

const e = (text: string) => escapeHtml(oneLine(text));
const c = (text: string) => `<code>${e(text)}</code>`;
const pre = (text: string, cls = '') => `<pre${cls ? ` class="${cls}"` : ''}><code>${escapeHtml(plainText(text))}</code></pre>`;
const fill = (prompt: string) => `<p class="fill">${e(prompt)}</p>`;
const sev = (severity: string) => `<span class="sev sev-${/^(critical|warning|info)$/.test(severity) ? severity : 'info'}">${e(severity)}</span>`;

function values(vals: Record<string, unknown>): string {
  // The formatter the notebook and the CLI use: counts with top entries, socket rows summarised, never JSON.
  const lines = displayValues(vals);
  return lines.length ? lines.map((l) => `${c(l.name)} = ${c(l.text)}`).join(', ') : '<span class="muted">none</span>';
}

function exitText(run: PostmortemRun): string {
  if (run.termination === 'exit') return `exit code ${run.exitCode}`;
  if (run.termination === 'signal') return `killed by ${run.signal ?? 'a signal'}`;
  return run.termination;
}

function header(pm: Postmortem): string {
  const rows: [string, string][] = [
    ['Date', e(pm.date)],
    ['Authors', pm.authors.map(e).join(', ') || '<span class="fill">to fill</span>'],
    ['Status', `${e(pm.status)}; incident ${e(pm.incidentStatus.replace(/ at (\S+)$/, (_m, t: string) => ` at ${utc(t)}`))}`],
    ['Incident record', c(pm.recordFile) + (pm.incidentId ? ` (id ${c(pm.incidentId)})` : '')],
  ];
  if (pm.template) rows.push(['Runbook', c(pm.template)]);
  if (pm.target.length) rows.push(['Target', pm.target.map(c).join(', ')]);
  const params = Object.entries(pm.parameters);
  if (params.length) rows.push(['Parameters', params.map(([k, v]) => `${c(k)} = ${c(v)}`).join(', ')]);
  if (pm.tags.length) rows.push(['Tags', pm.tags.map(c).join(', ')]);
  rows.push(['Generated', e(utc(pm.generatedAt))]);
  return `<table class="meta">${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('\n')}</table>`;
}

function evidence(run: PostmortemRun): string {
  const out = excerpt(run.output);
  const parts = [
    `<section class="evidence"><h3>${e(run.label)}. ${e(run.stepTitle)} on ${c(run.host)}</h3>`,
    `<p>Started ${e(utc(run.startedAt))}${run.durationMs !== undefined ? `, took ${durationText(run.durationMs)}` : ''}, ${e(exitText(run))}.` +
      (run.confirmedBy ? ` Confirmed by ${e(run.confirmedBy.user)} at ${e(utc(run.confirmedBy.at))}.` : '') +
      '</p>',
    pre(run.command),
  ];
  if (run.error) parts.push(`<p>Error (${c(run.error.kind)}): ${e(run.error.message)}${run.error.hint ? ` ${e(run.error.hint)}` : ''}</p>`);
  parts.push(`<p>${out.omittedLines ? `Output (first and last lines of ${out.totalLines}):` : 'Output:'}</p>`, pre(out.text || '(no output)'));
  if (Object.keys(run.values).length) parts.push(`<p>Values: ${values(run.values)}</p>`);
  if (run.findings.length) {
    parts.push(`<ul>${run.findings.map((f) => `<li>${sev(f.severity)} ${e(f.message)} (because ${c(f.when)})</li>`).join('')}</ul>`);
  }
  if (run.next) parts.push(`<p>Decision: ${run.next === 'end' ? 'end' : `next ${c(run.next)}`}${run.why ? `, because ${e(run.why)}` : ''}.</p>`);
  parts.push('</section>');
  return parts.join('\n');
}

export function renderHtml(pm: Postmortem): string {
  const h: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Postmortem: ${e(pm.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>Postmortem: ${e(pm.title)}</h1>`,
    header(pm),
    statusHtml(pm),
  ];

  h.push('<h2>Summary</h2>', fill(pm.summary.prompt));
  if (pm.summary.mostSevere) {
    const m = pm.summary.mostSevere;
    h.push(
      `<p class="summary">Most severe finding: ${sev(m.finding.severity)} ${e(m.finding.message)}, from ${e(m.stepTitle)} on ${c(m.host)} (evidence ${e(m.evidence)}).</p>`,
    );
  }

  h.push(
    '<h2>Impact</h2>',
    ...impactLines(pm).map((l) => `<p>${e(l)}</p>`),
    fill('To fill:'),
    `<ul>${pm.impactPrompts.map((p) => `<li>${e(p)}</li>`).join('')}</ul>`,
  );

  if (pm.causes.length) h.push('<h2>Verdict</h2>', `<ul>${pm.causes.map((v) => `<li>${e(describeCause(v))}</li>`).join('')}</ul>`);
  if (pm.inconclusive.length) {
    h.push(
      '<h2>Inconclusive steps</h2>',
      '<p>These checks could not tell (the command failed, was denied, or printed nothing readable): they rule nothing out.</p>',
      `<ul>${pm.inconclusive
        .map(
          (r) =>
            `<li>${e(r.stepTitle)} on ${c(r.host)} (evidence ${e(r.label)}): ${e(r.inconclusive?.reason ?? 'no readable evidence')}${r.inconclusive?.hint ? ` — what to do: ${e(r.inconclusive.hint)}` : ''}</li>`,
        )
        .join('')}</ul>`,
    );
  }
  h.push('<h2>Root cause candidates</h2>');
  if (pm.rootCauses.length === 0) h.push(fill('No critical finding was raised. To fill: the root cause, as found.'));
  else {
    h.push(
      `<ol>${pm.rootCauses
        .map(
          (rc) =>
            `<li><strong>${e(rc.finding.message)}</strong><ul><li>Evidence: ${e(rc.stepTitle)} on ${c(rc.host)} (evidence ${e(rc.evidence)}) at ${e(utc(rc.time))}</li>` +
            `<li>Because: ${c(rc.finding.when)}</li><li>Values: ${values(rc.values)}</li></ul></li>`,
        )
        .join('\n')}</ol>`,
      fill('To fill: confirm or reject each candidate; say why.'),
    );
  }

  h.push('<h2>Trigger</h2>', fill(pm.triggerPrompt));

  h.push(
    '<h2>Detection</h2>',
    ...detectionLines(pm).map((l) => `<p>${e(l)}</p>`),
    fill('To fill:'),
    `<ul>${pm.detectionPrompts.map((p) => `<li>${e(p)}</li>`).join('')}</ul>`,
  );
  if (pm.startedAt) h.push(`<p>The incident record was started at ${e(utc(pm.startedAt))}.</p>`);

  h.push('<h2>Resolution</h2>');
  if (pm.resolution.length === 0) h.push(fill('No step that changes a host was run from the runbook. To fill: what was done to resolve it.'));
  for (const run of pm.resolution) {
    const who = run.confirmedBy ? `confirmed by ${e(run.confirmedBy.user)} at ${e(utc(run.confirmedBy.at))}` : 'not confirmed in the journal';
    h.push(
      `<p>${e(run.stepTitle)} on ${c(run.host)} (evidence ${e(run.label)}), ${who}, ${e(exitText(run))}:</p>`,
      pre(run.command),
      pre(excerpt(run.output, 6, 4).text || '(no output)'),
    );
  }

  h.push(
    '<h2>Action items</h2>',
    '<table class="actions"><thead><tr><th>Action item</th><th>Type</th><th>Priority</th><th>Owner</th><th>Bug</th><th>From</th></tr></thead><tbody>',
  );
  for (const item of pm.actionItems) {
    const priority = item.severity === 'critical' ? 'P1' : item.severity === 'warning' ? 'P2' : 'P3';
    h.push(
      `<tr><td>${e(item.action)}</td><td>mitigate</td><td>${priority}</td><td>${e(item.owner) || '<span class="fill">to fill</span>'}</td>` +
        `<td>${e(item.bug) || '<span class="fill">to fill</span>'}</td><td>${e(item.because)} (${e(item.evidence.join(', '))})</td></tr>`,
    );
  }
  h.push('<tr><td class="fill">To fill: prevention items</td><td>prevent</td><td></td><td></td><td></td><td></td></tr>', '</tbody></table>');

  h.push(
    '<h2>Lessons learned</h2>',
    '<h3>What went well</h3>',
    fill(pm.lessonPrompts.wentWell),
    '<h3>What went wrong</h3>',
    fill(pm.lessonPrompts.wentWrong),
    '<h3>Where we got lucky</h3>',
    fill(pm.lessonPrompts.gotLucky),
  );

  h.push(
    '<h2>Timeline</h2>',
    '<p class="muted">All times UTC.</p>',
    '<table class="timeline"><thead><tr><th>Time</th><th>Host</th><th>Step</th><th>Result</th></tr></thead><tbody>',
  );
  for (const t of pm.timeline) {
    h.push(
      `<tr><td>${e(utc(t.time).replace(/ UTC$/, ''))}</td><td>${t.host ? c(t.host) : ''}</td><td>${t.step ? e(t.step) : ''}</td><td>${e(t.result)}</td></tr>`,
    );
  }
  h.push('</tbody></table>');

  // No script may run here, so the diagram is its Mermaid source (paste it into any Mermaid viewer) and a plain list.
  const titles = new Map(pm.path.nodes.map((n) => [n.key, n.title]));
  h.push('<h2>Path through the runbook</h2>', '<ol class="path">');
  pm.path.nodes.forEach((node, i) => {
    const into = pm.path.edges.find((edge) => edge.to === node.key);
    h.push(
      `<li>${e(node.title)}${node.runs > 1 ? ` (run ${node.runs} times)` : ''}${i > 0 && into ? ` <span class="muted">from ${e(titles.get(into.from) ?? into.from)}: ${e(into.label)}</span>` : ''}</li>`,
    );
  });
  const last = pm.path.edges.find((edge) => edge.to === 'end');
  if (last) h.push(`<li>End <span class="muted">${e(last.label)}</span></li>`);
  h.push('</ol>', '<details><summary>Mermaid source</summary>', pre(mermaidFlowchart(pm.path), 'mermaid'), '</details>');

  // An <img> of a data: URL: the CSP already allows it, and an SVG shown as an image can run nothing and load nothing.
  const svg = Buffer.from(renderMapSvg(pm.map)).toString('base64');
  h.push(
    '<h2>Runbook map</h2>',
    `<p><img class="map" alt="${e(`Runbook map of ${pm.map.title}, with the path taken`)}" src="data:image/svg+xml;base64,${svg}"></p>`,
  );

  const files = evidenceFilesHtml(pm);
  if (files) h.push(files);
  h.push('<h2>Evidence</h2>');
  // A step on a group: its summary first, then the per-host evidence, folded for a large group.
  for (const group of groupsOfRuns(pm.runs)) {
    if (group.length > 1) h.push(groupSummaryHtml(group));
    const compared = comparisonOf(group);
    if (compared) h.push(comparisonHtml(compared));
    if (group.length > FOLD_HOSTS) h.push(`<details><summary>Per-host evidence: ${group.length} hosts</summary>`);
    h.push(...group.map(evidence));
    if (group.length > FOLD_HOSTS) h.push('</details>');
  }

  h.push('<h2>Appendix: full outputs</h2>');
  for (const run of pm.runs) {
    h.push(`<details><summary>${e(`${run.label}. ${run.stepTitle} on ${run.host}`)}</summary>`, pre(run.output || '(no output)'));
    if (run.outputTruncated) h.push(fill('The output was longer than the capture limit; this is what was kept.'));
    h.push('</details>');
  }
  h.push('</body>', '</html>', '');
  return h.join('\n');
}
