// A notebook's parameters: the ones already given this session, else the incident's recorded
// values, else the defaults; what is still missing is asked once per incident. No vscode here.
// Validation is the pipeline's (src/pipeline/parameters.ts), shared with the CLI's --var.

import type { Parameter, Runbook } from '../runbook/model';
import { currentParameters, parameterProblem } from '../pipeline/parameters';

export { parameterProblem };

export function knownParameters(runbook: Runbook, given: Record<string, string>): { values: Record<string, string>; missing: Parameter[] } {
  const current = currentParameters(runbook, given);
  const values: Record<string, string> = {};
  const missing: Parameter[] = [];
  for (const p of runbook.frontMatter?.parameters ?? []) {
    const value = current[p.name];
    if (value !== undefined) values[p.name] = value;
    else missing.push(p);
  }
  return { values, missing };
}

/** "port=8080 · pid=0": the status bar's text; secrets are never shown, empty values shown as "". */
export function parameterSummary(runbook: Runbook, given: Record<string, string>): string {
  const current = currentParameters(runbook, given);
  return (runbook.frontMatter?.parameters ?? [])
    .map(
      (p) => `${p.name}=${p.secret ? (current[p.name] ? '••••' : '?') : current[p.name] === undefined ? '?' : current[p.name] === '' ? '""' : current[p.name]}`,
    )
    .join(' · ');
}
