// The decision at the end of a result: "Next: <step> — because <why>" with "Run next step" and
// "Reveal" buttons that post typed messages to the extension, or "End of runbook".

import type { NextStepView, RendererToExtensionMessage } from '../../src/protocol/renderer';
import { displayText, el } from './dom';

/** Present only when the extension can receive messages and the workspace is trusted. */
export type PostMessage = (message: RendererToExtensionMessage) => void;

export function renderDecision(doc: Document, next: NextStepView | null, post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-decision');
  if (next === null) {
    root.append(el(doc, 'span', 'irb-end', 'End of runbook'));
    return root;
  }
  const stepKey = displayText(next.key);
  const line = el(doc, 'div', 'irb-next');
  line.append(el(doc, 'span', 'irb-label', 'Next: '));
  line.append(el(doc, 'span', 'irb-step', next.title ? displayText(next.title) : stepKey));
  if (next.why) line.append(el(doc, 'span', 'irb-why', ` — because ${displayText(next.why)}`));
  root.append(line);
  if (post) {
    const actions = el(doc, 'div', 'irb-actions');
    // A step that changes the host is confirmed by the extension (a modal), never here.
    const run = el(doc, 'button', 'irb-button irb-run', next.confirm ? 'Run next step…' : 'Run next step');
    run.addEventListener('click', () => post({ type: 'runStep', stepKey }));
    const reveal = el(doc, 'button', 'irb-button irb-link', 'Reveal');
    reveal.addEventListener('click', () => post({ type: 'revealStep', stepKey }));
    actions.append(run, reveal);
    root.append(actions);
  }
  return root;
}
