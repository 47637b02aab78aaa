// Test support: a jsdom document for the renderer, and the checks every rendering must pass
// (no markup made from host data).
import { JSDOM } from 'jsdom';
import assert from 'node:assert/strict';

export function newDocument(): Document {
  return new JSDOM('<!doctype html><html><head></head><body></body></html>').window.document;
}

/** Tags the renderer is allowed to create; anything else means host text became markup. */
const ALLOWED_TAGS = new Set(['DIV', 'SPAN', 'PRE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'BUTTON', 'UL', 'LI']);
const CLASS_PATTERN = /^(irb-[a-z-]+|ansi-(fg|bg)-(\d|1[0-5])|ansi-(bold|dim|italic|underline))$/;

export function assertOnlySafeMarkup(root: Element): void {
  for (const node of [root, ...root.querySelectorAll('*')]) {
    assert.ok(ALLOWED_TAGS.has(node.tagName), `unexpected <${node.tagName.toLowerCase()}> element`);
    for (const attr of node.getAttributeNames()) {
      assert.ok(attr === 'class' || attr === 'style' || attr === 'colspan', `unexpected attribute ${attr} on <${node.tagName.toLowerCase()}>`);
      assert.ok(!attr.startsWith('on'), `event handler attribute ${attr}`);
    }
    for (const name of node.classList) assert.match(name, CLASS_PATTERN, `class name ${JSON.stringify(name)} is not ours`);
    const style = node.getAttribute('style');
    if (style !== null) assert.match(style, /^width: \d+(\.\d)?%;$/, `unexpected style ${style}`);
  }
  assert.equal(root.querySelectorAll('script, style, img, svg, a, iframe, link').length, 0);
}
