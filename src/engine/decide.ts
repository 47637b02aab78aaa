// The next-step decision: the check's choice (first raised finding's `next`, else the block's
// `next`), else the next step in the file. `end` stops the runbook.

import type { CheckOutcome } from '../checks/spec';
import type { Runbook, Step } from '../runbook/model';

export interface Decision {
  /** The step to run next; undefined = the runbook ends here. */
  next?: Step;
  why: string;
  /** The check named a step that does not exist (the language server flags this before it happens). */
  problem?: string;
}

export function decideNext(runbook: Runbook, step: Step, outcome: CheckOutcome | undefined): Decision {
  const chosen = outcome?.next;
  if (chosen === 'end') return { why: outcome?.why || 'the check ends the runbook here' };
  if (chosen !== undefined) {
    const target = findStep(runbook, chosen);
    if (target) return { next: target, why: outcome?.why || `the check goes to ${chosen}` };
    return {
      why: `the check names step "${chosen}", which does not exist`,
      problem: `Step "${step.key}" branches to "${chosen}", but no step has id=${chosen}. Fix the check block's next, or add the step.`,
    };
  }
  const index = runbook.steps.indexOf(step);
  const following = index >= 0 ? runbook.steps[index + 1] : undefined;
  if (following) return { next: following, why: 'next step in the runbook' };
  return { why: 'end of the runbook' };
}

export function findStep(runbook: Runbook, keyOrId: string): Step | undefined {
  return runbook.steps.find((s) => s.id === keyOrId) ?? runbook.steps.find((s) => s.key === keyOrId);
}

export function stepLabel(step: Step): string {
  return step.title ? `${step.title} (${step.key})` : step.key;
}
