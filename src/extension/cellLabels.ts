// What a step or check cell's status bar says, in words: title, id, timeout, hosts, "changes the
// host" for `confirm` steps; a check's parser, rules and next step. No vscode here.

import type { Step } from '../runbook/model';
import { checkSummary, UNREADABLE_CHECK } from '../checks/summary';

export interface CellLabel {
  text: string;
  tooltip: string;
  /** A host-changing step's mark: shown as a warning. */
  warning?: boolean;
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms} ms`;
}

export function stepLabels(step: Step, defaultTimeoutMs: number): CellLabel[] {
  const labels: CellLabel[] = [];
  if (step.confirm) {
    labels.push({
      text: '$(warning) CHANGES THE HOST',
      tooltip: step.confirmBecause
        ? `Needs a yes before it runs: ${step.confirmBecause}. Automatic progression never runs it.`
        : 'This step changes the host (confirm): it asks before it runs, and automatic progression never runs it.',
      warning: true,
    });
  }
  if (step.title) labels.push({ text: step.title, tooltip: 'Step title' });
  labels.push({
    text: `id: ${step.id ?? `${step.key} (no id)`}`,
    tooltip: step.id ? 'Step id (next: and links use it)' : 'This step has no id: other steps cannot name it.',
  });
  labels.push({
    text: `$(clock) ${seconds(step.timeoutMs ?? defaultTimeoutMs)}`,
    tooltip: step.timeoutMs === undefined ? 'Timeout: the default (setting runbook.step.defaultTimeout)' : 'Timeout (timeout= attribute)',
  });
  labels.push(
    step.hosts?.length
      ? { text: `$(server) ${step.hosts.join(', ')}`, tooltip: 'Runs on these hosts (hosts= attribute), whatever the notebook target is' }
      : { text: '$(server) notebook target', tooltip: 'Runs on the host or group picked for this notebook (Runbook: Select Host or Group)' },
  );
  if (step.sudo) labels.push({ text: '$(shield) sudo', tooltip: 'Runs with root rights through sudo' });
  if (step.samples && step.samples > 1)
    labels.push({ text: `$(history) ${step.samples} samples`, tooltip: `Runs ${step.samples} times, ${seconds(step.intervalMs ?? 5000)} apart` });
  return labels;
}

/** The run affordance: a host-changing step's says it asks first. */
export function runLabel(step: Step): CellLabel {
  return step.confirm
    ? { text: '$(warning) Run… (asks)', tooltip: 'Run this host-changing step: a dialog shows the command and hosts and asks for a yes', warning: true }
    : { text: '$(play) Run step', tooltip: 'Run this read-only step on the notebook target' };
}

/** "parse: numbers · 1 rule · next: second": a check in one line (the words of the check cell itself). */
export function checkLabel(step: Step): CellLabel | undefined {
  const check = step.check;
  if (!check) return undefined;
  const summary = checkSummary(check.spec);
  if (!summary) return { text: `$(error) check: ${UNREADABLE_CHECK}`, tooltip: 'The check block is not valid YAML or has errors', warning: true };
  return { text: `$(checklist) ${summary}`, tooltip: `Check of step ${step.id ?? step.key}: how its output is read.` };
}
