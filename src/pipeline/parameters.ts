// A run's parameters: given now (--var, or typed earlier in the notebook), then the record's, then
// the runbook's defaults; what is still missing is asked. A redacted placeholder is never a value.

import { RunbookError, isRunbookError } from '../base/failure';
import type { Parameter, Runbook } from '../runbook/model';
import { validateVariable, type VariableType } from '../ssh/script';
import type { ParameterQuestion, RunPrompter } from './prompts';

/** What a record keeps in place of a secret's value (engine/incident.ts writes it). */
export function isRedactedPlaceholder(value: string | undefined): boolean {
  return typeof value === 'string' && /^\[REDACTED(:[^\]]*)?\]$/.test(value.trim());
}

export function parameterProblem(p: Parameter, value: string): string | undefined {
  try {
    validateVariable(p.name, value, { type: p.type as VariableType | undefined, pattern: p.pattern });
    return undefined;
  } catch (error) {
    if (isRunbookError(error)) return `${error.message}${error.hint ? ` ${error.hint}` : ''}`;
    throw error;
  }
}

/** Values for every declared parameter (plus undeclared given ones), or a RunbookError naming file:line and what to do. */
export async function resolveRunParameters(runbook: Runbook, given: Record<string, string>, prompter: RunPrompter): Promise<Record<string, string>> {
  const declared = runbook.frontMatter?.parameters ?? [];
  const recorded = runbook.frontMatter?.incident?.parameters ?? {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) if (!declared.some((p) => p.name === name)) values[name] = value; // undeclared: plain strings

  for (const p of declared) {
    const where = `${runbook.fileName}:${p.range.start.line + 1}`;
    const { value, redacted } = knownValue(p, given, recorded);
    if (value !== undefined) {
      const problem = parameterProblem(p, String(value));
      if (problem) throw new RunbookError('config', `${where}: parameter "${p.name}": ${problem}`, `Give a valid value: --var ${p.name}=VALUE.`);
      values[p.name] = String(value);
      continue;
    }
    const question: ParameterQuestion = {
      name: p.name,
      prompt: p.prompt ?? p.name,
      type: p.type,
      pattern: p.pattern,
      secret: Boolean(p.secret),
      default: p.default === undefined ? undefined : String(p.default),
      reason: redacted ? 'its recorded value is redacted (secrets are never saved)' : 'it has no value and no default',
      where,
      validate: (v) => (v.trim() === '' ? 'A value is needed.' : parameterProblem(p, v.trim())),
    };
    const answer = (await prompter.askParameter(question))?.trim();
    if (!answer) {
      throw new RunbookError(
        'config',
        `${where}: parameter "${p.name}" has no value: ${question.reason}.`,
        `Give it on the command line (--var ${p.name}=VALUE), or run where you can type it.`,
      );
    }
    const problem = question.validate(answer);
    if (problem) throw new RunbookError('config', `${where}: parameter "${p.name}": ${problem}`, `Give a valid value: --var ${p.name}=VALUE.`);
    values[p.name] = answer;
  }
  return values;
}

/** A parameter's value before anyone is asked: given now, else the record's, else the default; a redacted placeholder is no value. */
export function knownValue(p: Parameter, given: Record<string, string>, recorded: Record<string, unknown>): { value?: string; redacted: boolean } {
  const fromRecord = recorded[p.name] === undefined ? undefined : String(recorded[p.name]);
  const redacted = isRedactedPlaceholder(given[p.name]) || isRedactedPlaceholder(fromRecord);
  const value = isRedactedPlaceholder(given[p.name]) ? undefined : (given[p.name] ?? (isRedactedPlaceholder(fromRecord) ? undefined : fromRecord) ?? p.default);
  return { value: value === undefined ? undefined : String(value), redacted };
}

/** Secret values among `values`, for the redactor. */
export function secretValues(runbook: Runbook, values: Record<string, string>): string[] {
  return (runbook.frontMatter?.parameters ?? []).filter((p) => p.secret && values[p.name]).map((p) => values[p.name]);
}

/** The value each declared parameter has now: given (typed this session), else the record's (not a redacted placeholder), else the default. */
export function currentParameters(runbook: Runbook, given: Record<string, string>): Record<string, string | undefined> {
  const recorded = runbook.frontMatter?.incident?.parameters ?? {};
  const out: Record<string, string | undefined> = {};
  for (const p of runbook.frontMatter?.parameters ?? []) {
    const fromRecord = recorded[p.name] === undefined || isRedactedPlaceholder(String(recorded[p.name])) ? undefined : String(recorded[p.name]);
    const value = isRedactedPlaceholder(given[p.name]) ? undefined : (given[p.name] ?? fromRecord ?? p.default);
    out[p.name] = value === undefined ? undefined : String(value);
  }
  return out;
}

/**
 * What is wrong with setting `name` to `value` in this runbook (not declared, or not of its type or
 * pattern), else undefined. The notebook's Set Parameter and Start Incident use it; `--var` is
 * checked by resolveRunParameters with the same parameterProblem, so both fronts agree.
 */
export function setParameterProblem(runbook: Runbook, name: string, value: string): string | undefined {
  const declared = runbook.frontMatter?.parameters ?? [];
  const p = declared.find((d) => d.name === name);
  if (!p) return `${runbook.fileName} declares no parameter "${name}" (it has: ${declared.map((d) => d.name).join(', ') || 'none'}).`;
  if (value.trim() === '') return 'A value is needed.';
  return parameterProblem(p, value.trim());
}

const PLACEHOLDER_NAME = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * The declared parameters a step's command uses, with the values it ran with (a secret shown as
 * "[secret]"): what the step's output header shows, so a run on port 8080 is never mistaken for 9090.
 */
export function parametersUsed(runbook: Runbook, command: string, values: Record<string, string>): Record<string, string> {
  const declared = new Map((runbook.frontMatter?.parameters ?? []).map((p) => [p.name, p]));
  const out: Record<string, string> = {};
  for (const m of command.matchAll(PLACEHOLDER_NAME)) {
    const p = declared.get(m[1]);
    if (!p || values[p.name] === undefined || m[1] in out) continue;
    out[p.name] = p.secret ? '[secret]' : values[p.name];
  }
  return out;
}
