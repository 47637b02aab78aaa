// Analysis of a runbook beyond its syntax: what `runbook check` and the language server report.
// The format's own diagnostics, plus branches, reachability, loops, check expressions, variables,
// values a second shell would parse, local steps, malformed confirm, and commands that change hosts
// without `confirm`.

import type { Diagnostic, Runbook } from '../runbook/model';
import { RunbookSource } from './source';
import { placeWhole } from './placed';
import { RunbookAnalysis } from './incremental';

export interface AnalysisOptions {
  /** Leave out the format's own diagnostics (when the caller already shows them). */
  skipFormat?: boolean;
  /** The runbook's source, when the caller has it indexed already. */
  source?: RunbookSource;
}

export function analyzeRunbook(runbook: Runbook, options: AnalysisOptions = {}): Diagnostic[] {
  return new RunbookAnalysis().analyze(placeWhole(runbook, options.source ?? new RunbookSource(runbook)), options);
}
