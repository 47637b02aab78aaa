// Renders a step's result (RESULT_MIME), verdict first: for one host what the evidence says
// (inconclusive with the way out, or the error), the findings, the decision with its button, then
// the values; for a group run the host table and bar charts, each host's evidence and findings,
// then where the hosts go. The raw output is a separate output item below this one (output.ts).

import type { ComparisonView, HostResultView, StepResultView } from '../../src/protocol/renderer';
import { renderDecision, renderRoutes, type PostMessage } from './decision';
import { displayText, el } from './dom';
import { renderFindings } from './findings';
import { renderFetched } from './fetched';
import { describeRun } from './output';
import { hostsOnDemand, renderChart, renderGroupSummary, renderHostTable } from './group';
import { renderValues } from './values';
import { renderError, renderEvidence } from './verdict';

export function renderStepResult(doc: Document, view: StepResultView, post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-result');
  root.append(el(doc, 'div', 'irb-title', view.stepTitle ? displayText(view.stepTitle) : view.stepKey));
  if (typeof view.savedAt === 'string' && view.savedAt) root.append(el(doc, 'div', 'irb-saved', `As recorded: the run of ${savedTime(view.savedAt)}`));
  const parameters = view.parameters && typeof view.parameters === 'object' ? Object.entries(view.parameters) : [];
  if (parameters.length > 0)
    root.append(el(doc, 'div', 'irb-parameters', `with ${parameters.map(([name, value]) => `${displayText(name)}=${displayText(String(value))}`).join(', ')}`));
  const routes = Array.isArray(view.routes) ? view.routes : [];
  const next = view.next !== undefined ? view.next : view.hosts.length === 1 ? view.hosts[0].next : undefined;
  if (view.hosts.length === 1) {
    const host = view.hosts[0];
    // Where and how it ran, then what the evidence says: one block, as the group view has one per host.
    const hostResult = el(doc, 'div', 'irb-host-result');
    hostResult.append(el(doc, 'div', 'irb-meta', describeRun(host) + samplesText(host)));
    appendVerdict(hostResult, doc, host, post, false, view.stepKey);
    root.append(hostResult);
    if (next !== undefined) root.append(renderDecision(doc, next, post));
    if (Object.keys(host.values).length > 0) root.append(renderValues(doc, host.values));
    return root;
  }
  if (view.hosts.length === 0) {
    root.append(el(doc, 'div', 'irb-empty', 'No host ran this step.'));
    return root;
  }
  const chartValues = Array.isArray(view.chartValues) ? view.chartValues.map(displayText) : [];
  if (view.summary) root.append(renderGroupSummary(doc, view.stepKey, view.summary, post));
  root.append(hostsOnDemand(doc, renderHostTable(doc, view.hosts, chartValues), view.hosts.length));
  for (const name of chartValues) root.append(renderChart(doc, view.hosts, name));
  for (const host of view.hosts) appendVerdict(root, doc, host, post, true, view.stepKey);
  if (view.comparison) root.append(renderComparison(doc, view.comparison, post));
  // A group whose hosts go different ways shows each route; no one host's decision stands for all.
  if (routes.length > 1) root.append(renderRoutes(doc, routes, post));
  else if (next !== undefined) root.append(renderDecision(doc, next, post));
  return root;
}

/** Inconclusive or error first (it says the findings below are not the whole story), then the findings. */
function appendVerdict(root: HTMLElement, doc: Document, host: HostResultView, post: PostMessage | undefined, group: boolean, stepKey: string): void {
  const evidence = renderEvidence(doc, host, post, group);
  if (host.evidence === 'inconclusive' && evidence) root.append(evidence);
  if (host.error) root.append(renderError(doc, host, post));
  if (host.findings.length > 0) root.append(renderFindings(doc, host.findings, group ? displayText(host.host) : undefined, post, stepKey));
  if (host.evidence !== 'inconclusive' && evidence && !group) root.append(evidence);
  const fetched = renderFetched(doc, host, post, group);
  if (fetched) root.append(fetched);
}

/** Two ends compared (`compare=`): which hosts played which part, the compared values and what they showed. */
function renderComparison(doc: Document, comparison: ComparisonView, post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-comparison');
  const side = (s: { role: string; hosts: string[] }) => `${displayText(s.role)} (${(Array.isArray(s.hosts) ? s.hosts : []).map(displayText).join(', ')})`;
  root.append(el(doc, 'div', 'irb-label', `Compared ${side(comparison.client)} with ${side(comparison.server)}`));
  const values = Object.fromEntries(Object.entries(comparison.values ?? {}).filter(([k]) => k !== 'ends'));
  if (Array.isArray(comparison.findings) && comparison.findings.length > 0) root.append(renderFindings(doc, comparison.findings, undefined, post));
  for (const warning of Array.isArray(comparison.warnings) ? comparison.warnings : []) root.append(el(doc, 'div', 'irb-hint', `Note: ${displayText(warning)}`));
  if (Object.keys(values).length > 0) root.append(renderValues(doc, values));
  return root;
}

/** " · 2 samples 5.0 s apart" for a `samples=N` run. */
function samplesText(host: HostResultView): string {
  const times = Array.isArray(host.samples) ? host.samples.map((t) => Date.parse(String(t))).filter(Number.isFinite) : [];
  if (times.length < 2) return '';
  const gap = (times[times.length - 1] - times[0]) / (times.length - 1) / 1000;
  return ` · ${times.length} samples ${gap.toFixed(1)} s apart`;
}

function savedTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : displayText(iso);
}
