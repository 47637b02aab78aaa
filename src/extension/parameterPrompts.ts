// Parameters in VS Code: asked one by one at Start Incident (prefilled with the current value or the
// default, checked by type and pattern as typed), and changed later with "Runbook: Set Parameter".
// The checks are the pipeline's (src/pipeline/parameters.ts), the same the CLI's --var goes through.

import * as vscode from 'vscode';
import { currentParameters, setParameterProblem } from '../pipeline/parameters';
import type { Parameter, Runbook } from '../runbook/model';

function inputOptions(runbook: Runbook, p: Parameter, value: string | undefined, title: string): vscode.InputBoxOptions {
  const rule = [p.type ? `type ${p.type}` : undefined, p.pattern ? `pattern ${p.pattern}` : undefined].filter(Boolean).join(', ');
  return {
    title,
    prompt: `${p.prompt ?? p.name}${rule ? ` (${rule})` : ''}${p.default !== undefined && !p.secret ? ` — default: ${p.default === '' ? '(empty)' : p.default}` : ''}`,
    value: p.secret ? undefined : value,
    password: Boolean(p.secret),
    ignoreFocusOut: true,
    // An empty value is fine where the runbook's default is empty (an optional namespace).
    validateInput: (v) => (v === '' && p.default === '' ? undefined : setParameterProblem(runbook, p.name, v)),
  };
}

/** Every declared parameter, asked in file order; undefined when the user pressed Escape (nothing is started). */
export async function askIncidentParameters(runbook: Runbook, given: Record<string, string>): Promise<Record<string, string> | undefined> {
  const declared = runbook.frontMatter?.parameters ?? [];
  const current = currentParameters(runbook, given);
  const values: Record<string, string> = {};
  for (const [i, p] of declared.entries()) {
    const answer = await vscode.window.showInputBox(
      inputOptions(runbook, p, current[p.name], `Start incident: parameter ${i + 1} of ${declared.length}: ${p.name}`),
    );
    if (answer === undefined) return undefined;
    // A secret left empty is asked when a step needs it, never stored.
    if (p.secret && answer === '') continue;
    values[p.name] = answer.trim();
  }
  return values;
}

/** Picks a declared parameter and asks its new value; undefined when the user cancels. */
export async function askParameterChange(runbook: Runbook, given: Record<string, string>): Promise<{ name: string; value: string } | undefined> {
  const declared = runbook.frontMatter?.parameters ?? [];
  if (declared.length === 0) {
    void vscode.window.showInformationMessage(`${runbook.fileName} declares no parameters (params: in its front matter).`);
    return undefined;
  }
  const current = currentParameters(runbook, given);
  const shown = (p: Parameter) =>
    p.secret ? (current[p.name] ? '••••' : '(not set)') : current[p.name] === undefined ? '(not set)' : current[p.name] || '(empty)';
  const picked =
    declared.length === 1
      ? declared[0]
      : (
          await vscode.window.showQuickPick(
            declared.map((p) => ({ label: p.name, description: `= ${shown(p)}`, detail: p.prompt, parameter: p })),
            { title: 'Runbook: Set Parameter', placeHolder: 'Which parameter?' },
          )
        )?.parameter;
  if (!picked) return undefined;
  const value = await vscode.window.showInputBox(inputOptions(runbook, picked, current[picked.name], `Set parameter ${picked.name}`));
  if (value === undefined) return undefined;
  return { name: picked.name, value: value.trim() };
}
