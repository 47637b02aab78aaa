// What the run pipeline asks the person at the keyboard, beyond SSH's own questions. Each front
// supplies one: the terminal (src/cli/prompt.ts) or VS Code's input boxes and modals.

import type { Prompter } from '../base/prompter';
import type { HostConfig } from '../hosts/types';
import type { Step } from '../runbook/model';

export interface ParameterQuestion {
  name: string;
  /** The runbook's question, else the name. */
  prompt: string;
  type?: string;
  pattern?: string;
  secret: boolean;
  /** Shown prefilled where the front can (VS Code), never sent without the user's answer. */
  default?: string;
  /** Why it is asked: "no value and no default", "its recorded value is redacted". */
  reason: string;
  /** `file:line` of the parameter's declaration. */
  where: string;
  /** Returns a problem for a value that does not fit the declared type, else undefined. */
  validate(value: string): string | undefined;
}

export interface StepConfirmQuestion {
  step: Step;
  /** "Raise nf_conntrack_max [raise-max]" */
  title: string;
  /** The command as it will run, every control character shown as a visible symbol. */
  command: string;
  /** Hosts the step would run on. */
  hosts: HostConfig[];
  /** Hosts whose finding led to the step: the default choice. */
  suggested: HostConfig[];
  /** Why it needs a yes: it changes the host, or its attributes did not read cleanly. */
  reason: string;
  /** The findings that led here, one line each, for the dialog. */
  ledBy: string[];
  /** For a rollout policy (`canary=`, `batch=`...): the batches in words, as they will run on the suggested hosts. */
  plan?: string;
}

export interface StepConfirmAnswer {
  hosts: HostConfig[];
  /** How the yes was given, for the journal: "typed yes", "--yes", "confirmed in VS Code". */
  how: string;
}

export interface RunPrompter extends Prompter {
  /** Undefined = no answer (cancelled, or no terminal): the run stops with a clear error. */
  askParameter(question: ParameterQuestion): Promise<string | undefined>;
  /** Undefined or no hosts = no: the step does not run. */
  confirmStep(question: StepConfirmQuestion): Promise<StepConfirmAnswer | undefined>;
}
