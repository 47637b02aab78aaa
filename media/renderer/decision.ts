// The decision at the end of a result: "Next: <step> — because <why>" with "Run next step" and
// "Reveal" buttons that post typed messages to the extension, or "End of runbook".

import type { NextStepView, RendererToExtensionMessage, RouteView } from '../../src/protocol/renderer';
import { displayText, el } from './dom';
import { linkedText } from './links';

/** Present only when the extension can receive messages and the workspace is trusted. */
export type PostMessage = (message: RendererToExtensionMessage) => void;

/** A group's routes: each host set with where it goes, most severe first, each with its own buttons. */
export function renderRoutes(doc: Document, routes: RouteView[], post: PostMessage | undefined): HTMLElement {
  const root = el(doc, 'div', 'irb-routes');
  root.append(el(doc, 'div', 'irb-label', routes.length > 1 ? 'The hosts go different ways:' : 'Where the hosts go:'));
  for (const route of routes) {
    const item = el(doc, 'div', `irb-route${route.severity ? ` irb-route-${displayText(route.severity)}` : ''}`);
    const names = route.hosts.map(displayText);
    const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
    item.append(el(doc, 'span', 'irb-host', shown));
    item.append(el(doc, 'span', 'irb-arrow', ' → '));
    item.append(el(doc, 'span', 'irb-step', route.next ? displayText(route.next.title ?? route.next.key) : 'end'));
    if (route.severity && route.severity !== 'info')
      item.append(el(doc, 'span', `irb-severity irb-${displayText(route.severity)}`, ` (${displayText(route.severity).toUpperCase()})`));
    if (route.next && post) item.append(nextButtons(doc, route.next, post, route.hosts.map(displayText)));
    root.append(item);
  }
  return root;
}

function nextButtons(doc: Document, next: NextStepView, post: PostMessage, hosts?: string[]): HTMLElement {
  const stepKey = displayText(next.key);
  const actions = el(doc, 'div', 'irb-actions');
  // A step that changes the host is confirmed by the extension (a modal), never here.
  const label = hosts ? `Run on ${hosts.length === 1 ? hosts[0] : `these ${hosts.length} hosts`}` : 'Run next step';
  const run = el(doc, 'button', 'irb-button irb-run', next.confirm ? `${label}…` : label);
  run.addEventListener('click', () => post(hosts ? { type: 'runStep', stepKey, hosts } : { type: 'runStep', stepKey }));
  const reveal = el(doc, 'button', 'irb-button irb-link', 'Reveal');
  reveal.addEventListener('click', () => post({ type: 'revealStep', stepKey }));
  actions.append(run, reveal);
  return actions;
}

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
  if (next.why) line.append(linkedText(doc, 'irb-why', ` — because ${displayText(next.why)}`, post));
  root.append(line);
  if (post) root.append(nextButtons(doc, next, post));
  return root;
}
