// `runbook plan RUNBOOK [--host H | --group G] [--var ...]`: what a run would do, without connecting.

import { isRunbookError } from '../base/failure';
import { errorLines, readRunbookFile } from '../pipeline/load';
import { planRun, planText } from '../pipeline/plan';
import { EXIT } from '../pipeline/verdict';
import { splitVar } from './run';
import { targetOptions } from './target';

export interface PlanOptions {
  host?: string;
  group?: string;
  var?: string[];
  inventory?: string | string[];
  sshConfig?: string;
}

export async function planCommand(file: string, options: PlanOptions): Promise<number> {
  try {
    const given = Object.fromEntries((options.var ?? []).map(splitVar));
    const runbook = readRunbookFile(file);
    for (const line of errorLines(runbook)) process.stderr.write(`${line}\n`);
    const names = [options.group ?? options.host].filter((t): t is string => Boolean(t));
    const plan = await planRun(runbook, names, given, targetOptions(options));
    process.stdout.write(planText(plan));
    return plan.problems.length > 0 ? EXIT.badInput : 0;
  } catch (error) {
    if (isRunbookError(error)) {
      process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
      return EXIT.badInput;
    }
    if (error instanceof Error && /--var/.test(error.message)) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
}
