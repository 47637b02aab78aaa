// What a host's run established, shown before anything else: inconclusive (why, and the way out),
// the error of a run that did not finish, or "nothing found" on evidence that was read.

import type { HostResultView } from '../../src/protocol/renderer';
import type { PostMessage } from './decision';
import { displayText, el } from './dom';
import { linkedText } from './links';

export function renderEvidence(doc: Document, host: HostResultView, post: PostMessage | undefined, showHost: boolean): HTMLElement | undefined {
  if (host.evidence === 'inconclusive') {
    const root = el(doc, 'div', 'irb-inconclusive');
    const head = el(doc, 'div', 'irb-inconclusive-head');
    head.append(el(doc, 'span', 'irb-badge irb-inconclusive-badge', 'inconclusive'));
    if (showHost) head.append(el(doc, 'span', 'irb-host', displayText(host.host)));
    head.append(el(doc, 'span', 'irb-message', `Not judged: ${displayText(host.inconclusive?.reason ?? 'the output could not answer the rules')}`));
    root.append(head);
    if (host.inconclusive?.hint) {
      const hint = el(doc, 'div', 'irb-way-out');
      hint.append(el(doc, 'span', 'irb-label', 'What to do: '));
      hint.append(linkedText(doc, 'irb-hint-text', displayText(host.inconclusive.hint), post));
      root.append(hint);
    }
    return root;
  }
  if (host.evidence === 'nothing-found' && host.findings.length === 0 && !host.error) {
    return el(
      doc,
      'div',
      'irb-nothing-found',
      showHost ? `${displayText(host.host)}: nothing found (the output was read)` : 'Nothing found (the output was read).',
    );
  }
  return undefined;
}

export function renderError(doc: Document, host: HostResultView, post: PostMessage | undefined): HTMLElement {
  const error = host.error!;
  const root = el(doc, 'div', 'irb-error');
  root.append(el(doc, 'span', 'irb-error-kind', displayText(error.kind)));
  root.append(el(doc, 'span', 'irb-host', displayText(host.host)));
  root.append(el(doc, 'span', 'irb-message', displayText(error.message)));
  if (error.hint) {
    const hint = el(doc, 'div', 'irb-hint', 'Hint: ');
    hint.append(linkedText(doc, 'irb-hint-text', displayText(error.hint), post));
    root.append(hint);
  }
  return root;
}
