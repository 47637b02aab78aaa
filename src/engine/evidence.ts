// Whether a host's run of a step gave evidence to judge by. A command that failed, was denied or
// printed something its check could not read is inconclusive: never "nothing found".

import { sudoRefusal } from '../ssh/sudo';
import type { HostRun } from './runStep';

export interface Inconclusive {
  reason: string;
  /** The way out: run as root, pass `pid`, use `sudo`, check the command. */
  hint?: string;
}

/** Why this finished run cannot be judged, or undefined when its evidence was read. Runs that did not finish are failures, not this. */
export function inconclusiveRun(run: HostRun): Inconclusive | undefined {
  const { result, step } = run;
  // Denied its privilege (sudo refused or no password to give): the evidence was not read, the host is not at fault.
  if (deniedPrivilege(run)) return { reason: result.error!.message, hint: result.error!.hint };
  if (result.termination === 'signal') {
    return {
      reason: `the command was killed by ${result.signal ?? 'a signal'} before it finished`,
      hint: 'Run the step again; if it keeps happening, run the command by hand on the host.',
    };
  }
  if (result.termination !== 'exit') return undefined;
  const okExit = step.okExit ?? [0];
  if (result.exitCode !== null && !okExit.includes(result.exitCode)) {
    const said = firstLine(result.stderr.text) ?? firstLine(result.stdout.text);
    return {
      reason: `the command exited ${result.exitCode}${said ? `: ${said}` : ' and printed nothing'}`,
      hint: denied(result.stderr.text)
        ? 'It was denied: run the step as root or mark it sudo, or give the process id (pid) it needs.'
        : `Run the command by hand on ${run.host.name} to see why. If exit ${result.exitCode} is expected here, add ok-exit=0,${result.exitCode} to the step.`,
    };
  }
  if (run.outcome?.evidence === 'inconclusive') return run.outcome.inconclusive ?? { reason: 'the check could not read the output' };
  return undefined;
}

/** The step needed sudo and sudo refused (no password given, a wrong one, no rights). */
export function deniedPrivilege(run: HostRun): boolean {
  return run.result.termination === 'error' && sudoRefusal(run.result.error) !== undefined;
}

function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function denied(stderr: string): boolean {
  return /permission denied|operation not permitted|must be root|are you root|not permitted/i.test(stderr);
}
