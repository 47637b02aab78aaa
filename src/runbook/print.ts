// Prints a runbook: the BOM (if the file had one) and every part's bytes, in order.

import type { Runbook } from './model';

export function printRunbook(runbook: Runbook): string {
  let text = runbook.bom ? '\uFEFF' : '';
  for (const part of runbook.parts) text += part.raw;
  return text;
}
