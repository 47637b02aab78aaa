// Findings with their severity badge, message and hint, most severe first; a finding that confirms,
// suspects or rules out a root cause says so, and runbook and step names are links.

import type { Finding, FindingSeverity } from '../../src/checks/spec';
import type { RendererToExtensionMessage } from '../../src/protocol/renderer';
import { displayText, el } from './dom';
import { linkedText } from './links';

const ORDER: Record<FindingSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Known severities keep their own class; anything else is shown as info so no class name comes from data. */
export function severityOf(finding: Pick<Finding, 'severity'>): FindingSeverity {
  return finding.severity === 'critical' || finding.severity === 'warning' ? finding.severity : 'info';
}

export function badge(doc: Document, severity: FindingSeverity): HTMLElement {
  return el(doc, 'span', `irb-badge irb-${severity}`, severity);
}

export function renderFindings(
  doc: Document,
  findings: Finding[],
  host?: string,
  post?: (message: RendererToExtensionMessage) => void,
  stepKey?: string,
): HTMLElement {
  const list = el(doc, 'ul', 'irb-findings');
  const sorted = [...findings].sort((a, b) => ORDER[severityOf(a)] - ORDER[severityOf(b)]);
  for (const finding of sorted) {
    const item = el(doc, 'li', `irb-finding irb-finding-${severityOf(finding)}`);
    item.append(badge(doc, severityOf(finding)));
    if (host !== undefined) item.append(el(doc, 'span', 'irb-host', host));
    item.append(linkedText(doc, 'irb-message', displayText(finding.message), post));
    const cause = causeMark(doc, finding);
    if (cause) item.append(cause);
    if (finding.hint) {
      const hint = el(doc, 'div', 'irb-hint', 'Hint: ');
      hint.append(linkedText(doc, 'irb-hint-text', displayText(finding.hint), post));
      item.append(hint);
    }
    // Into the incident's timeline: the extension asks for the note, prefilled with this finding.
    if (post && stepKey && severityOf(finding) !== 'info') {
      const mark = el(doc, 'button', 'irb-mark-important', 'Mark as important');
      mark.addEventListener('click', () => post({ type: 'markImportant', stepKey, text: String(finding.message), ...(host !== undefined ? { host } : {}) }));
      item.append(mark);
    }
    list.append(item);
  }
  return list;
}

/** "Root cause confirmed: close-wait-leak" on a confirming finding; suspected / ruled out for the others. */
function causeMark(doc: Document, finding: Finding): HTMLElement | undefined {
  if (typeof finding.confirms === 'string' && finding.confirms)
    return el(doc, 'div', 'irb-cause irb-cause-confirmed', `Root cause confirmed: ${displayText(finding.confirms)}`);
  if (typeof finding.refutes === 'string' && finding.refutes)
    return el(doc, 'div', 'irb-cause irb-cause-refuted', `Ruled out: ${displayText(finding.refutes)}`);
  if (typeof finding.cause === 'string' && finding.cause && severityOf(finding) !== 'info') {
    const verify = Array.isArray(finding.verify) && finding.verify.length ? ` (to be confirmed by ${finding.verify.map(displayText).join(', ')})` : '';
    return el(doc, 'div', 'irb-cause irb-cause-suspected', `Suspected cause: ${displayText(finding.cause)}${verify}`);
  }
  return undefined;
}
