// A check block in one line, the same words wherever it is shown (the check cell in the notebook,
// its status bar): its parser, how many rules it has and where it goes next. Pure, no vscode, so the
// notebook's Markdown renderer (media/checkCell) bundles it too.

import type { CheckSpec } from './spec';

/** "parse: numbers · 1 rule · next: second"; undefined when the YAML does not read as a check. */
export function checkSummary(spec: CheckSpec | undefined): string | undefined {
  if (!spec) return undefined;
  const parts = [
    spec.parse ? `parse: ${spec.parse}` : spec.extract ? `extract: ${Object.keys(spec.extract).join(', ')}` : 'no parser',
    `${spec.findings.length} rule${spec.findings.length === 1 ? '' : 's'}`,
    ...(spec.next ? [`next: ${spec.next}`] : []),
  ];
  return parts.join(' · ');
}

/** What a check that does not read says instead of its summary (the Problems panel says where). */
export const UNREADABLE_CHECK = 'does not read (see Problems)';
