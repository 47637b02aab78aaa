// The shapes of a run: one host's run of a step, a step's run on its hosts with the routes they
// take, and the observer the journal and the fronts listen through. Types only.

import type { CheckOutcome } from '../checks/spec';
import type { FindingSeverity } from '../checks/spec';
import type { HostConfig } from '../hosts/types';
import type { Step } from '../runbook/model';
import type { ExecResult } from '../ssh/types';
import type { Decision } from './decide';

export interface Confirmation {
  by: string;
  at: Date;
}

/** Told about every run as it starts and ends: the journal and the UI listen here. */
export interface RunObserver {
  started?(run: { runId: string; step: Step; host: HostConfig; command: string; startedAt: Date; confirmation?: Confirmation }): void;
  output?(run: { runId: string; host: HostConfig; stream: 'stdout' | 'stderr'; chunk: string }): void;
  ended?(run: HostRun): void;
}

export interface HostRun {
  runId: string;
  step: Step;
  host: HostConfig;
  /** The script as run, after substitution. */
  command: string;
  result: ExecResult;
  outcome?: CheckOutcome;
  decision: Decision;
}

export interface StepRun {
  step: Step;
  hostRuns: HostRun[];
  /** Where the runbook goes next when every host agrees (one host: its decision); else none, and `routes` says where each goes. */
  decision: Decision;
  /** The hosts that finished, grouped by where they go next. */
  routes: Route[];
  /** The declared parameters the step's command used, with their values (secrets as "[secret]"); set by the pipeline. */
  parameters?: Record<string, string>;
}

/** Hosts that finished the step and go to the same next step. */
export interface Route {
  /** The next step; undefined = the runbook ends here for these hosts. */
  next?: Step;
  /** Why, as the first host of the route's check said it. */
  why: string;
  hosts: HostRun[];
  /** The most severe finding raised on these hosts, if any. */
  severity?: FindingSeverity;
}
