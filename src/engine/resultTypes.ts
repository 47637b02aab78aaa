// What a step's run looks like to the notebook renderer, and the messages between renderer and
// extension. Typed once here; the renderer (media/) imports only this file from src/.

import type { Finding } from '../checks/spec';

/** Our vendor-prefixed output MIME type: rendered by media/renderer with textContent only. */
export const RESULT_MIME = 'application/vnd.incident-runbook.result+json';

export interface NextStepView {
  key: string;
  title?: string;
  /** Why this step comes next, in words. */
  why: string;
  /** The next step changes the host: the button asks for confirmation first. */
  confirm?: boolean;
}

export interface ErrorView {
  kind: string;
  message: string;
  hint?: string;
}

/** One host's run of a step. */
export interface HostResultView {
  host: string;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  signal?: string | null;
  termination: string;
  values: Record<string, unknown>;
  findings: Finding[];
  next?: NextStepView | null;
  error?: ErrorView;
  /** Set for group runs: this host stands out from the group (value far from the median, other findings). */
  outlier?: string[];
}

/** The payload of a RESULT_MIME output item. */
export interface StepResultView {
  version: 1;
  stepKey: string;
  stepTitle?: string;
  /** One entry for a single host; one per host for a group run. */
  hosts: HostResultView[];
  /** The decision for the whole run (for one host: that host's); null = the runbook ends here. */
  next?: NextStepView | null;
  /** Values worth a bar chart across hosts, e.g. `states.TIME_WAIT`. */
  chartValues?: string[];
}

/** Renderer -> extension: the user clicked "Run next step". */
export interface RunStepMessage {
  type: 'runStep';
  stepKey: string;
}

/** Renderer -> extension: the user clicked "Reveal" (scroll to the step without running it). */
export interface RevealStepMessage {
  type: 'revealStep';
  stepKey: string;
}

export type RendererToExtensionMessage = RunStepMessage | RevealStepMessage;
