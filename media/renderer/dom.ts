// The only way the renderer makes DOM: a fixed set of tags, our own class names, host text as textContent.
// Nothing here sets innerHTML, href, src or event attributes, so host text can never become markup.

export type SafeTag = 'div' | 'span' | 'pre' | 'table' | 'thead' | 'tbody' | 'tr' | 'th' | 'td' | 'button' | 'ul' | 'li';

export function el(doc: Document, tag: SafeTag, className?: string, text?: string): HTMLElement {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Shows any value as one line of text (objects as JSON), for cells and fallbacks. */
export function displayText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
