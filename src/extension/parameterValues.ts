// A notebook's parameters: the ones already given this session, else the incident's recorded
// values, else the defaults; what is still missing is asked once per incident. No vscode here.

import type { Parameter, Runbook } from '../runbook/model';
import { validateVariable, type VariableType } from '../ssh/script';
import { isRunbookError } from '../base/failure';

export function knownParameters(runbook: Runbook, given: Record<string, string>): { values: Record<string, string>; missing: Parameter[] } {
  const recorded = runbook.frontMatter?.incident?.parameters ?? {};
  const values: Record<string, string> = {};
  const missing: Parameter[] = [];
  for (const p of runbook.frontMatter?.parameters ?? []) {
    // A recorded secret is only a placeholder: ask for the real value again.
    const fromRecord = recorded[p.name] !== undefined && !(p.secret && recorded[p.name].startsWith('[REDACTED')) ? recorded[p.name] : undefined;
    const value = given[p.name] ?? fromRecord ?? p.default;
    if (value !== undefined) values[p.name] = String(value);
    else missing.push(p);
  }
  return { values, missing };
}

/** A message for the input box when the value does not fit the declared type, else undefined. */
export function parameterProblem(p: Parameter, value: string): string | undefined {
  try {
    validateVariable(p.name, value, { type: p.type as VariableType | undefined, pattern: p.pattern });
    return undefined;
  } catch (error) {
    if (isRunbookError(error)) return `${error.message}${error.hint ? ` ${error.hint}` : ''}`;
    throw error;
  }
}
