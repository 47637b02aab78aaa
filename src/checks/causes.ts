// Cross-step rules for suspected causes: a finding's `verify` names read-only steps of the same
// runbook (never a `confirm` step, never itself), and `confirms`/`refutes` name a cause some finding
// suspects. Pure: the caller passes the steps; spans are into the check block's YAML, like readCheckSpec.
import type { CheckProblem } from './readSpec';
import type { CheckSpec } from './spec';

/** What these rules need to know of a step. */
export interface StepForCauses {
  key: string;
  /** The step changes the host (`confirm` attribute). */
  confirm: boolean;
  spec?: CheckSpec;
}

export function causeProblems(stepKey: string, spec: CheckSpec, steps: StepForCauses[]): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const suspected = new Set(steps.flatMap((s) => s.spec?.findings.map((f) => f.cause).filter((c): c is string => c !== undefined) ?? []));
  const readOnly = steps.filter((s) => !s.confirm && s.key !== stepKey).map((s) => s.key);
  spec.findings.forEach((rule, index) => {
    rule.verify?.forEach((id, i) => {
      const span = rule.spans.verifyItems?.[i] ?? rule.spans.verify ?? { start: 0, end: 0 };
      const step = byKey.get(id);
      const at = (code: string, message: string) => problems.push({ code, message, start: span.start, end: span.end });
      if (!step)
        at('unknown-verify-step', `finding ${index + 1}: no step "${id}" to verify with; read-only steps here: ${readOnly.slice(0, 12).join(', ') || 'none'}`);
      else if (step.confirm)
        at('verify-changes-host', `finding ${index + 1}: step "${id}" changes the host (confirm), so it cannot verify a cause: name a read-only step`);
      else if (id === stepKey)
        at('verify-self', `finding ${index + 1}: a step cannot verify its own finding: name the step that confirms or refutes "${rule.cause}"`);
    });
    for (const key of ['confirms', 'refutes'] as const) {
      const cause = rule[key];
      const span = rule.spans[key];
      if (cause === undefined || !span || suspected.has(cause)) continue;
      problems.push({
        code: 'unknown-cause',
        message: `finding ${index + 1} ${key} "${cause}", but no finding in this runbook suspects it (cause: ${cause}); suspected causes: ${[...suspected].join(', ') || 'none'}`,
        start: span.start,
        end: span.end,
      });
    }
  });
  return problems;
}
