// Turns output items into DOM: picks the view by MIME type, falls back to the raw JSON as text
// when the payload is not ours, and in an untrusted workspace shows plain text with no buttons.

import { OUTPUT_MIME, RESULT_MIME, type RendererToExtensionMessage } from '../../src/protocol/renderer';
import type { PostMessage } from './decision';
import { el } from './dom';
import { renderOutput } from './output';
import { checkOutput, checkStepResult } from './payload';
import { plainOutput, plainStepResult } from './plainText';
import type { OutputItem, RendererApi, RendererContext } from './rendererApi';
import { renderStepResult } from './result';

export function createRenderer(ctx: RendererContext, css?: string): RendererApi {
  const rendered = new Map<string, HTMLElement>();
  return {
    renderOutputItem(item, element) {
      const doc = element.ownerDocument;
      if (css) addStyle(doc, css);
      rendered.set(item.id, element);
      // Trust is read on every render: VS Code re-renders outputs when the user grants trust.
      const trusted = ctx.workspace?.isTrusted !== false;
      const post: PostMessage | undefined =
        trusted && typeof ctx.postMessage === 'function' ? (message: RendererToExtensionMessage) => ctx.postMessage?.(message) : undefined;
      element.replaceChildren(renderItem(doc, item, trusted, post));
    },
    disposeOutputItem(id) {
      const ids = id === undefined ? [...rendered.keys()] : [id];
      for (const key of ids) {
        rendered.get(key)?.replaceChildren();
        rendered.delete(key);
      }
    },
  };
}

export function renderItem(doc: Document, item: OutputItem, trusted: boolean, post: PostMessage | undefined): HTMLElement {
  let data: unknown;
  try {
    data = item.json();
  } catch (error) {
    return fallback(doc, `the output is not valid JSON (${error instanceof Error ? error.message : String(error)})`, safeText(item));
  }
  if (item.mime === OUTPUT_MIME) {
    const checked = checkOutput(data);
    if (!checked.ok) return fallback(doc, checked.reason, safeText(item));
    return trusted ? renderOutput(doc, checked.value) : plainOutput(doc, checked.value);
  }
  if (item.mime === RESULT_MIME) {
    const checked = checkStepResult(data);
    if (!checked.ok) return fallback(doc, checked.reason, safeText(item));
    return trusted ? renderStepResult(doc, checked.value, post) : plainStepResult(doc, checked.value);
  }
  return fallback(doc, `the output type ${item.mime} is not one this renderer knows`, safeText(item));
}

function fallback(doc: Document, reason: string, raw: string): HTMLElement {
  const root = el(doc, 'div', 'irb-fallback');
  root.append(el(doc, 'div', 'irb-fallback-reason', `Incident Runbooks cannot show this output: ${reason}. Raw data:`));
  root.append(el(doc, 'pre', 'irb-pre', raw));
  return root;
}

function safeText(item: OutputItem): string {
  try {
    return item.text();
  } catch {
    return '(the output could not be read as text)';
  }
}

/** Our own stylesheet, once per document: the only <style> the renderer creates, never from output data. */
function addStyle(doc: Document, css: string): void {
  if (doc.getElementById('incident-runbook-renderer-style')) return;
  const style = doc.createElement('style');
  style.id = 'incident-runbook-renderer-style';
  style.textContent = css;
  doc.head.append(style);
}
