// Analysis of a runbook beyond its syntax: what `runbook check` and the language server report.
// The format's own diagnostics, plus branches, reachability, loops, check expressions, variables and
// commands that change hosts without `confirm`.

import type { Diagnostic, Runbook } from '../runbook/model';
import { RunbookSource } from './source';
import { flowDiagnostics } from './flow';
import { RunbookValues } from './values';
import { checkBlockDiagnostics, type Scope } from './expressions';
import { hostChangeDiagnostics, variableDiagnostics } from './commands';

export interface AnalysisOptions {
  /** Leave out the format's own diagnostics (when the caller already shows them). */
  skipFormat?: boolean;
  /** The runbook's source, when the caller has it indexed already (the language server). */
  source?: RunbookSource;
}

export function analyzeRunbook(runbook: Runbook, options: AnalysisOptions = {}): Diagnostic[] {
  const source = options.source ?? new RunbookSource(runbook);
  const values = new RunbookValues(runbook);
  const out: Diagnostic[] = options.skipFormat ? [] : [...runbook.diagnostics];
  out.push(...flowDiagnostics(runbook, source));

  const allNames = values.anyStepNames();
  // Commands and messages see what earlier steps defined: gathered as we walk the steps in order.
  const earlier = new Set<string>();
  let earlierOpen = false;
  for (const step of runbook.steps) {
    const own = values.of(step);
    const scope: Scope = { own, params: values.params, others: allNames, othersOpen: false, values };
    const messageScope: Scope = { ...scope, others: earlier, othersOpen: earlierOpen };
    out.push(...checkBlockDiagnostics(step, source, scope, messageScope));
    out.push(...hostChangeDiagnostics(step));
    const seenBefore = earlierOpen;
    out.push(
      ...variableDiagnostics(
        step,
        (name) => seenBefore || values.params.has(name) || earlier.has(name),
        () => [...values.params, ...earlier],
      ),
    );
    for (const name of own.names.keys()) earlier.add(name);
    earlierOpen ||= own.open;
  }
  return out.sort(byPosition);
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
