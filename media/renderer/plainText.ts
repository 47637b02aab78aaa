// Restricted Mode views: the same information as plain text in a <pre>, with no buttons and no
// colours, because an untrusted workspace may hold outputs crafted by someone else.

import type { OutputView, StepResultView } from '../../src/protocol/renderer';
import { parseAnsi } from './ansi';
import { displayText, el } from './dom';
import { DEFAULT_OUTPUT_LIMITS, describeRun, truncationNote } from './output';
import { displayValues } from '../../src/checks/display';

export function plainStepResult(doc: Document, view: StepResultView): HTMLElement {
  const lines = [view.stepTitle ? displayText(view.stepTitle) : view.stepKey];
  for (const host of view.hosts) {
    lines.push(`host ${host.host}`);
    if (host.evidence === 'inconclusive') {
      lines.push(`  INCONCLUSIVE: ${displayText(host.inconclusive?.reason ?? 'the output could not answer the rules')}`);
      if (host.inconclusive?.hint) lines.push(`    what to do: ${displayText(host.inconclusive.hint)}`);
    }
    if (host.error) lines.push(`  error (${displayText(host.error.kind)}): ${displayText(host.error.message)}`);
    for (const finding of host.findings) {
      lines.push(`  [${displayText(finding.severity)}] ${displayText(finding.message)}`);
      if (finding.hint) lines.push(`    hint: ${displayText(finding.hint)}`);
    }
    for (const line of displayValues(host.values)) lines.push(`  ${line.name} = ${line.text}`);
  }
  const next = view.next !== undefined ? view.next : view.hosts[0]?.next;
  if (next === null) lines.push('End of runbook');
  else if (next) lines.push(`Next: ${displayText(next.title ?? next.key)} — because ${displayText(next.why)}`);
  return wrap(doc, lines.join('\n'));
}

export function plainOutput(doc: Document, view: OutputView): HTMLElement {
  const limit = DEFAULT_OUTPUT_LIMITS.maxChars;
  const text = parseAnsi(view.text.slice(0, limit))
    .map((run) => run.text)
    .join('');
  const meta = describeRun(view);
  const root = wrap(doc, meta ? `${meta}\n${text}` : text);
  if (view.truncated) root.append(el(doc, 'div', 'irb-more', truncationNote(view)));
  if (view.text.length > limit) root.append(el(doc, 'div', 'irb-more', `${(view.text.length - limit).toLocaleString('en-US')} more characters not shown`));
  return root;
}

function wrap(doc: Document, text: string): HTMLElement {
  const root = el(doc, 'div', 'irb-plain');
  root.append(el(doc, 'div', 'irb-restricted', 'Restricted Mode: shown as plain text; trust the workspace to run steps.'));
  root.append(el(doc, 'pre', 'irb-pre', text));
  return root;
}
