// Findings with their severity badge, message and hint, most severe first.

import type { Finding, FindingSeverity } from '../../src/checks/spec';
import { displayText, el } from './dom';

const ORDER: Record<FindingSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Known severities keep their own class; anything else is shown as info so no class name comes from data. */
export function severityOf(finding: Pick<Finding, 'severity'>): FindingSeverity {
  return finding.severity === 'critical' || finding.severity === 'warning' ? finding.severity : 'info';
}

export function badge(doc: Document, severity: FindingSeverity): HTMLElement {
  return el(doc, 'span', `irb-badge irb-${severity}`, severity);
}

export function renderFindings(doc: Document, findings: Finding[], host?: string): HTMLElement {
  const list = el(doc, 'ul', 'irb-findings');
  const sorted = [...findings].sort((a, b) => ORDER[severityOf(a)] - ORDER[severityOf(b)]);
  for (const finding of sorted) {
    const item = el(doc, 'li', `irb-finding irb-finding-${severityOf(finding)}`);
    item.append(badge(doc, severityOf(finding)));
    if (host !== undefined) item.append(el(doc, 'span', 'irb-host', host));
    item.append(el(doc, 'span', 'irb-message', displayText(finding.message)));
    if (finding.hint) item.append(el(doc, 'div', 'irb-hint', `Hint: ${displayText(finding.hint)}`));
    list.append(item);
  }
  return list;
}
