// A check block shown as a Markdown cell: the notebook's Markdown renderer (media/checkCell) draws a
// ```check fence as its one-line summary, the words the cell's status bar uses. The YAML is read
// with the same reader as the runbook's, so a check that does not read says so in both places.

import { readCheckSpec } from '../checks/readSpec';
import { checkSummary, UNREADABLE_CHECK } from '../checks/summary';

/** The one-line summary of a check block's YAML; `readable` is false when it does not read as a check. */
export function checkFenceSummary(yamlText: string): { text: string; readable: boolean } {
  const summary = checkSummary(readCheckSpec(yamlText).spec);
  return summary ? { text: summary, readable: true } : { text: UNREADABLE_CHECK, readable: false };
}
