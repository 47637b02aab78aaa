// Renders a step's result (RESULT_MIME): for one host its values, findings, error and decision;
// for a group run the host table and bar charts first, then each host's findings.

import type { ComparisonView, HostResultView, StepResultView } from '../../src/protocol/renderer';
import { renderDecision, renderRoutes, type PostMessage } from './decision';
import { displayText, el } from './dom';
import { renderFindings } from './findings';
import { describeRun } from './output';
import { hostsOnDemand, renderChart, renderGroupSummary, renderHostTable } from './group';
import { renderValues } from './values';

export function renderStepResult(doc: Document, view: StepResultView, post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-result');
  root.append(el(doc, 'div', 'irb-title', view.stepTitle ? displayText(view.stepTitle) : view.stepKey));
  if (view.hosts.length === 1) {
    root.append(renderHost(doc, view.hosts[0], true));
  } else if (view.hosts.length > 1) {
    const chartValues = Array.isArray(view.chartValues) ? view.chartValues.map(displayText) : [];
    if (view.summary) root.append(renderGroupSummary(doc, view.stepKey, view.summary, post));
    root.append(hostsOnDemand(doc, renderHostTable(doc, view.hosts, chartValues), view.hosts.length));
    for (const name of chartValues) root.append(renderChart(doc, view.hosts, name));
    for (const host of view.hosts) {
      if (host.error) root.append(renderError(doc, host));
      if (host.findings.length > 0) root.append(renderFindings(doc, host.findings, host.host));
    }
    if (view.comparison) root.append(renderComparison(doc, view.comparison));
  } else {
    root.append(el(doc, 'div', 'irb-empty', 'No host ran this step.'));
  }
  const routes = Array.isArray(view.routes) ? view.routes : [];
  // A group whose hosts go different ways shows each route; no one host's decision stands for all.
  if (view.hosts.length > 1 && routes.length > 1) {
    root.append(renderRoutes(doc, routes, post));
    return root;
  }
  const next = view.next !== undefined ? view.next : view.hosts.length === 1 ? view.hosts[0].next : undefined;
  if (next !== undefined) root.append(renderDecision(doc, next, post));
  return root;
}

/** Two ends compared (`compare=`): which hosts played which part, the compared values and what they showed. */
function renderComparison(doc: Document, comparison: ComparisonView): HTMLElement {
  const root = el(doc, 'div', 'irb-comparison');
  const side = (s: { role: string; hosts: string[] }) => `${displayText(s.role)} (${(Array.isArray(s.hosts) ? s.hosts : []).map(displayText).join(', ')})`;
  root.append(el(doc, 'div', 'irb-label', `Compared ${side(comparison.client)} with ${side(comparison.server)}`));
  const values = Object.fromEntries(Object.entries(comparison.values ?? {}).filter(([k]) => k !== 'ends'));
  if (Object.keys(values).length > 0) root.append(renderValues(doc, values));
  if (Array.isArray(comparison.findings) && comparison.findings.length > 0) root.append(renderFindings(doc, comparison.findings));
  for (const warning of Array.isArray(comparison.warnings) ? comparison.warnings : []) root.append(el(doc, 'div', 'irb-hint', `Note: ${displayText(warning)}`));
  return root;
}

function renderHost(doc: Document, host: HostResultView, single: boolean): HTMLElement {
  const root = el(doc, 'div', 'irb-host-result');
  root.append(el(doc, 'div', 'irb-meta', describeRun(host)));
  if (host.error) root.append(renderError(doc, host));
  if (Object.keys(host.values).length > 0) root.append(renderValues(doc, host.values));
  if (host.findings.length > 0) root.append(renderFindings(doc, host.findings, single ? undefined : host.host));
  return root;
}

function renderError(doc: Document, host: HostResultView): HTMLElement {
  const error = host.error!;
  const root = el(doc, 'div', 'irb-error');
  root.append(el(doc, 'span', 'irb-error-kind', displayText(error.kind)));
  root.append(el(doc, 'span', 'irb-host', displayText(host.host)));
  root.append(el(doc, 'span', 'irb-message', displayText(error.message)));
  if (error.hint) root.append(el(doc, 'div', 'irb-hint', `Hint: ${displayText(error.hint)}`));
  return root;
}
