// The postmortem's lifecycle sections in Markdown and HTML: the incident's status and key times with
// time to detect / mitigate / resolve, the impact and detection lines, and the evidence files table.
// Kept apart from markdown.ts and html.ts so those only place the sections.

import type { Postmortem } from './postmortem';
import type { PostmortemEvidenceFile } from './lifecycle';
import { code, escapeHtml, mdText, oneLine, utc } from './text';

const cell = (markdown: string) => markdown.replace(/(?<!\\)\|/g, '\\|');

/** A link target only when it is a plain relative path inside the record's folder; anything else is shown, not linked. */
export function safeRelativeLink(ref: string | undefined): string | undefined {
  if (!ref || !/^[A-Za-z0-9._/-]+$/.test(ref) || ref.startsWith('/') || ref.split('/').some((part) => part === '..' || part === '')) return undefined;
  return ref;
}

/** A checked link, from where the postmortem is written (the base is ours, computed from two local paths). */
function linkTo(pm: Postmortem, link: string): string {
  const base = pm.evidenceLinkBase;
  return base && /^[A-Za-z0-9._/-]+$/.test(base) ? base + link : link;
}

function keyTimes(pm: Postmortem): [string, string][] {
  const lc = pm.lifecycle;
  const rows: [string, string | undefined][] = [
    // The header's Status row says where the incident stands; here only a reopen adds to it.
    ['Reopened', lc.reopenedAt && lc.status !== 'Resolved' ? utc(lc.reopenedAt) : undefined],
    ['Impact started', lc.impactStart && utc(lc.impactStart)],
    ['Detected', lc.detection && `${utc(lc.detection.at)} (${lc.detection.how}${lc.detection.alert ? `: ${lc.detection.alert}` : ''})`],
    ['Declared', lc.declaredAt && utc(lc.declaredAt)],
    ['Mitigated', lc.mitigatedAt && utc(lc.mitigatedAt)],
    ['Resolved', lc.resolvedAt && utc(lc.resolvedAt)],
    ['Impact ended', lc.impactEnd && utc(lc.impactEnd)],
    ['Time to detect', lc.toDetect && `${lc.toDetect} (from the impact start)`],
    ['Time to mitigate', lc.toMitigate && `${lc.toMitigate} (from the ${lc.from})`],
    ['Time to resolve', lc.toResolve && `${lc.toResolve} (from the ${lc.from})`],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

export function statusMarkdown(pm: Postmortem): string[] {
  const rows = keyTimes(pm);
  const table = rows.length ? ['| | |', '|---|---|', ...rows.map(([k, v]) => `| **${k}** | ${cell(mdText(v))} |`), ''] : [];
  const md = ['## Incident status', '', ...table];
  if (pm.lifecycle.status === 'ongoing')
    md.push('_The incident is not mitigated or resolved in the journal (runbook status RECORD mitigated|resolved --at TIME)._', '');
  return md;
}

export function statusHtml(pm: Postmortem): string {
  const rows = keyTimes(pm)
    .map(([k, v]) => `<tr><th scope="row">${k}</th><td>${escapeHtml(oneLine(v))}</td></tr>`)
    .join('\n');
  const note =
    pm.lifecycle.status === 'ongoing'
      ? '<p class="fill">The incident is not mitigated or resolved in the journal (runbook status RECORD mitigated|resolved --at TIME).</p>'
      : '';
  return `<h2>Incident status</h2>\n${rows ? `<table class="meta">${rows}</table>` : ''}${note}`;
}

/** Lines for the Impact and Detection sections, from what was recorded. */
export function impactLines(pm: Postmortem): string[] {
  const lc = pm.lifecycle;
  if (!lc.impactStart && !lc.impactEnd) return [];
  return [
    `Impact from ${lc.impactStart ? utc(lc.impactStart) : '(start not recorded)'} to ${lc.impactEnd ? utc(lc.impactEnd) : '(end not recorded)'}${lc.impact ? ` (${lc.impact})` : ''}.`,
  ];
}

export function detectionLines(pm: Postmortem): string[] {
  const d = pm.lifecycle.detection;
  if (!d) return [];
  return [
    `Detected at ${utc(d.at)} by ${d.how}${d.alert ? ` (alert: ${d.alert})` : ''}${pm.lifecycle.toDetect ? `, ${pm.lifecycle.toDetect} after the impact started` : ''}.`,
  ];
}

function sizeText(f: PostmortemEvidenceFile): string {
  return f.bytes === undefined ? '' : `${f.bytes} bytes`;
}

function kindText(f: PostmortemEvidenceFile): string {
  if (!f.kind) return '';
  return f.kind === 'binary' ? 'binary (not shown)' : f.redacted ? 'text, redacted' : 'text';
}

export function evidenceFilesMarkdown(pm: Postmortem): string[] {
  if (pm.evidenceFiles.length === 0) return [];
  const md = [
    '## Evidence files',
    '',
    "_Fetched from the hosts into the record's evidence folder; links open the files there. Text files are redacted; binaries are listed, never shown._",
    '',
    '| File | Host | Step | Size | Kind | sha256 |',
    '|---|---|---|---|---|---|',
  ];
  for (const f of pm.evidenceFiles) {
    const link = safeRelativeLink(f.file);
    const name = link ? `[${mdText(f.remotePath)}](${linkTo(pm, link)})` : code(f.remotePath);
    const kind = f.error ? `not fetched: ${mdText(f.error)}` : mdText(kindText(f));
    md.push(`| ${cell(name)} | ${cell(code(f.host))} | ${cell(mdText(f.step))} | ${sizeText(f)} | ${cell(kind)} | ${f.sha256 ? code(f.sha256) : ''} |`);
  }
  md.push('');
  return md;
}

export function evidenceFilesHtml(pm: Postmortem): string {
  if (pm.evidenceFiles.length === 0) return '';
  const e = (t: string) => escapeHtml(oneLine(t));
  const rows = pm.evidenceFiles.map((f) => {
    const link = safeRelativeLink(f.file);
    const name = link ? `<a href="${escapeHtml(linkTo(pm, link))}"><code>${e(f.remotePath)}</code></a>` : `<code>${e(f.remotePath)}</code>`;
    const kind = f.error ? `not fetched: ${e(f.error)}` : e(kindText(f));
    return `<tr><td>${name}</td><td><code>${e(f.host)}</code></td><td>${e(f.step)}</td><td>${sizeText(f)}</td><td>${kind}</td><td>${f.sha256 ? `<code>${e(f.sha256)}</code>` : ''}</td></tr>`;
  });
  return [
    '<h2>Evidence files</h2>',
    '<p class="muted">Fetched from the hosts into the record\'s evidence folder; links open the files there. Text files are redacted; binaries are listed, never shown.</p>',
    '<table class="files"><thead><tr><th>File</th><th>Host</th><th>Step</th><th>Size</th><th>Kind</th><th>sha256</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
  ].join('\n');
}
