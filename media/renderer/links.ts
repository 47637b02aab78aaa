// Runbook and step names in hints and messages as links: `runbooks/conn-cap.runbook.md` opens that
// runbook, `step raise-limit` reveals the step. Each link is a button that posts a typed message;
// the text around it stays text, so nothing from a host becomes markup or a URL.

import type { RendererToExtensionMessage } from '../../src/protocol/renderer';
import { el } from './dom';

type Post = (message: RendererToExtensionMessage) => void;

// A path ending in .runbook.md, or "step <id>" with an id of two words or more (`raise-cap`): a plain
// "the step did not finish" must not become a link to a step "did".
const NAMES = /([\w./-]*[\w-]\.runbook\.md)\b|\b(steps? )([a-z0-9]+(?:[-_.][a-z0-9]+)*[-_][a-z0-9]+(?:[-_.][a-z0-9]+)*)/g;

/** `text` as a span, with the names in it as link buttons when the extension can receive messages. */
export function linkedText(doc: Document, className: string, text: string, post: Post | undefined): HTMLElement {
  const root = el(doc, 'span', className);
  if (!post) {
    root.textContent = text;
    return root;
  }
  let at = 0;
  for (const match of text.matchAll(NAMES)) {
    const start = match.index;
    const [whole, runbook, stepWord, stepKey] = match;
    if (runbook) {
      root.append(doc.createTextNode(text.slice(at, start)));
      root.append(link(doc, runbook, 'irb-link-runbook', () => post({ type: 'openRunbook', path: runbook })));
    } else {
      root.append(doc.createTextNode(text.slice(at, start) + stepWord));
      root.append(link(doc, stepKey, 'irb-link-step', () => post({ type: 'revealStep', stepKey })));
    }
    at = start + whole.length;
  }
  root.append(doc.createTextNode(text.slice(at)));
  return root;
}

function link(doc: Document, label: string, kind: string, onClick: () => void): HTMLElement {
  const button = el(doc, 'button', `irb-button irb-link irb-inline-link ${kind}`, label);
  button.addEventListener('click', onClick);
  return button;
}
