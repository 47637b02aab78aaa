// The one line a run leaves in the status bar until the next run: "4 steps, 3 findings, stopped:
// CRITICAL on close-wait-owner", and the step that clicking it reveals. No vscode here.

import type { ProgressionResult } from '../engine/progression';
import type { StepRun } from '../engine/runStep';
import type { Step } from '../runbook/model';

export interface RunSummary {
  text: string;
  /** Most severe finding of the run, for the icon. */
  severity?: 'info' | 'warning' | 'critical';
  /** Problems (failed, inconclusive, cancelled) make the item an error. */
  trouble: boolean;
  /** The step to reveal: where the run stopped, else the last step it ran. */
  revealKey?: string;
  /** The full explanation, for the tooltip. */
  detail: string;
}

const name = (step: Step | undefined): string => (step ? (step.id ?? step.key) : 'the end');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const RANK = { info: 1, warning: 2, critical: 3 } as const;

function worst(findings: Array<{ severity: 'info' | 'warning' | 'critical' }>): RunSummary['severity'] {
  let best: RunSummary['severity'];
  for (const f of findings) if (!best || RANK[f.severity] > RANK[best]) best = f.severity;
  return best;
}

/** After Run to Next Decision (automatic progression). */
export function progressionSummary(result: ProgressionResult): RunSummary {
  const last = result.steps.at(-1)?.step;
  const counts = `${plural(result.steps.length, 'step')}, ${plural(result.findings.length, 'finding')}`;
  const severity = worst(result.findings);
  let stopped: string;
  let reveal = last;
  switch (result.reason) {
    case 'critical':
      stopped = `stopped: CRITICAL on ${name(last)}`;
      break;
    case 'confirm':
      stopped = `stopped before ${name(result.stoppedAt)} (changes the host: needs a yes)`;
      reveal = result.stoppedAt ?? last;
      break;
    case 'inconclusive':
      stopped = `stopped: inconclusive on ${name(result.stoppedAt ?? last)}`;
      reveal = result.stoppedAt ?? last;
      break;
    case 'error':
      stopped = `stopped: failed on ${name(result.stoppedAt ?? last)}`;
      reveal = result.stoppedAt ?? last;
      break;
    case 'cancelled':
      stopped = `cancelled at ${name(result.stoppedAt ?? last)}`;
      reveal = result.stoppedAt ?? last;
      break;
    case 'diverged':
      stopped = `stopped: hosts went different ways after ${name(last)}`;
      break;
    case 'cycle':
      stopped = `stopped: the decisions loop at ${name(result.stoppedAt ?? last)}`;
      break;
    case 'limit':
      stopped = `stopped: step limit reached at ${name(result.stoppedAt ?? last)}`;
      break;
    default:
      stopped = `ended after ${name(last)}`;
  }
  const trouble = result.reason === 'error' || result.reason === 'inconclusive' || result.reason === 'cancelled';
  const detail = [...result.verdicts, result.explanation].filter(Boolean).join('\n');
  return { text: `${counts}, ${stopped}`, severity, trouble, revealKey: reveal?.key, detail };
}

/** After one step (a cell's run button, a result's "Run next step"). */
export function stepSummary(run: StepRun): RunSummary {
  const findings = run.hostRuns.flatMap((r) => r.outcome?.findings ?? []);
  const failed = run.hostRuns.filter((r) => r.result.termination !== 'exit' && r.result.termination !== 'signal');
  const counts = `1 step, ${plural(findings.length, 'finding')}`;
  const severity = worst(findings);
  const where = name(run.step);
  let state: string;
  if (failed.length > 0) state = `${failed[0].result.termination === 'cancelled' ? 'cancelled' : 'failed'} on ${where}`;
  else if (severity === 'critical') state = `CRITICAL on ${where}`;
  else if (run.decision.next) state = `${where} done, next: ${name(run.decision.next)}`;
  else if (run.routes.length > 1) state = `${where} done, hosts go different ways`;
  else state = `${where} done, the runbook ends here`;
  return { text: `${counts}, ${state}`, severity, trouble: failed.length > 0, revealKey: run.step.key, detail: run.decision.why ?? '' };
}
