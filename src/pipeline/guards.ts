// What the pipeline refuses or asks about before a step runs, whatever the front: a value a second
// shell would parse (it could become code), a step on this machine while the run targets remote
// hosts, and automatic progression over a runbook with errors.

import { RunbookError } from '../base/failure';
import { analyzeRunbook } from '../analysis/analyze';
import { reparsedVariables } from '../analysis/reparse';
import type { HostConfig } from '../hosts/types';
import { allowsLocal } from '../runbook/frontMatter';
import type { Runbook, Step } from '../runbook/model';

/** Throws when a `{{value}}` of the step sits where a shell would parse it again (`sh -c`, `eval`, `ssh host ...`, a heredoc). */
export function refuseReparsedValues(runbook: Runbook, step: Step): void {
  const [first, ...more] = reparsedVariables(step.command);
  if (!first) return;
  throw new RunbookError(
    'config',
    `${runbook.fileName}:${step.commandRange.start.line + 1}: step "${step.id ?? step.key}" puts {{${first.name}}} where a second shell parses it again (${first.construct})${more.length ? ` (and ${more.length} more)` : ''}, so a value from a host or a user could run as code; the step was not run.`,
    'Pass the value as an argument instead, e.g. sh -c \'echo "$1"\' _ {{name}}; runbook check shows every place.',
  );
}

/**
 * A step that runs on this machine (`hosts=local`) in a run that targets remote hosts: refused unless
 * the front matter says `allow-local: true`, and then it still needs a yes (it is marked confirm).
 */
export function guardLocalSteps(runbook: Runbook, targets: HostConfig[], stepTargets: Map<string, HostConfig[]>): void {
  if (!targets.some((h) => h.kind !== 'local')) return;
  for (const step of runbook.steps) {
    if (!(stepTargets.get(step.key) ?? []).some((h) => h.kind === 'local')) continue;
    if (!allowsLocal(runbook.frontMatter)) {
      throw new RunbookError(
        'config',
        `${runbook.fileName}:${step.range.start.line + 1}: step "${step.id ?? step.key}" runs on this machine (hosts=local) while the run targets remote hosts; nothing was run.`,
        'If the step is meant to run here, add `allow-local: true` to the front matter (it will still ask before it runs).',
      );
    }
    if (!step.confirm) {
      step.confirm = true;
      step.confirmBecause = 'it runs on this machine (hosts=local), not on the hosts of the incident';
    }
  }
}

/** Automatic progression refuses a runbook with errors (malformed confirm, broken branches...). */
export function refuseAutoWithErrors(runbook: Runbook): void {
  const errors = analyzeRunbook(runbook).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0];
  throw new RunbookError(
    'config',
    `${runbook.fileName}:${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message} — the runbook has ${errors.length} error${errors.length > 1 ? 's' : ''}, so automatic progression does not run it.`,
    `Fix them (runbook check ${runbook.fileName}), or run steps one at a time.`,
  );
}
