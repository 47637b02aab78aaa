// What a step's run looks like to the notebook renderer (extension -> renderer, as RESULT_MIME and
// OUTPUT_MIME output items), and the messages the renderer sends back. media/ imports only src/protocol/.

import type { Termination } from '../base/run';
import type { Finding } from '../checks/spec';

export { OUTPUT_MIME, RESULT_MIME } from './ids';

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
  termination: Termination;
  values: Record<string, unknown>;
  findings: Finding[];
  next?: NextStepView | null;
  error?: ErrorView;
  /** Set for group runs: this host stands out from the group (value far from the median, other findings). */
  outlier?: string[];
  /** What the check could tell; absent in payloads of older versions (then: findings or nothing found). */
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
  /** Why the evidence could not be judged, and the way out (run as root, pass pid, use sudo). */
  inconclusive?: { reason: string; hint?: string };
  /** Set when the run had `samples=N`: when each sample was taken (ISO 8601). */
  samples?: string[];
  /** Set when the step had `fetch=`: the files brought from this host into the evidence folder, or why not. */
  fetched?: FetchedFileView[];
}

/**
 * One `fetch=` file of a host's run: where it was on the host, its local copy, size and sha256; or why
 * it was not fetched. The same shape is saved in the record (SavedFetchedFile) and journaled.
 */
export interface FetchedFileView {
  /** The path on the host, after substitution. */
  remotePath: string;
  /** The local copy, relative to the record, with `/`; absent when it was not fetched. */
  file?: string;
  bytes?: number;
  sha256?: string;
  kind?: 'text' | 'binary';
  /** A text file in which the redactor replaced something. */
  redacted?: boolean;
  /** Why it was not fetched. */
  error?: string;
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
  /** For a group: the hosts that finished, grouped by where they go next, most severe first. */
  routes?: RouteView[];
  /** Set for a step with `compare=...`: the two ends and what the check made of the comparison. */
  comparison?: ComparisonView;
  /** Set for a group: counts per verdict, value spread, identical outputs merged, hosts to re-run. */
  summary?: GroupSummaryView;
  /** Set when the view was rebuilt from the outputs saved in an incident record (a reopened record): when that run started. */
  savedAt?: string;
  /** The declared parameters the step's command used and their values ("port" -> "8080"; a secret is "[secret]"), for the output header. */
  parameters?: Record<string, string>;
}

/** A group's result in a few lines, for any number of hosts (engine/groupView.ts summarizeHosts). */
export interface GroupSummaryView {
  total: number;
  /** `critical`, `warning`, `nothing found`, `inconclusive`, `failed (timeout)`..., most severe first. */
  verdicts: { verdict: string; hosts: string[] }[];
  distribution: { value: string; hosts: number; min: number; median: number; max: number }[];
  /** Hosts with the same output, largest first; `preview` is the start of that (redacted) output. */
  identical: { hosts: string[]; termination: string; exitCode: number | null; preview?: string }[];
  /** Hosts whose output is their own. */
  unique: string[];
  /** Failed, unreachable or inconclusive hosts: the "Re-run on N failed hosts" button runs the step on these. */
  rerun: string[];
}

/** Hosts of a group run that go to the same next step: "web-3 -> raise-limit (CRITICAL)". */
export interface RouteView {
  /** null = the runbook ends here for these hosts. */
  next: NextStepView | null;
  hosts: string[];
  /** The most severe finding raised on these hosts. */
  severity?: 'info' | 'warning' | 'critical';
}

/** The comparison of the two ends of a connection (`roles=client,server compare=established-pairs`). */
export interface ComparisonView {
  name: string;
  client: { role: string; hosts: string[] };
  server: { role: string; hosts: string[] };
  /** `halfOpen.count`, `halfOpen.connections`, `onlyOnServer`, `disagree`, `matched`, `established`... */
  values: Record<string, unknown>;
  findings: Finding[];
  warnings: string[];
}

/** Renderer -> extension: the user clicked "Run next step" (for a group route: on that route's hosts only). */
export interface RunStepMessage {
  type: 'runStep';
  stepKey: string;
  hosts?: string[];
}

/** Renderer -> extension: the user clicked "Reveal" (scroll to the step without running it). */
export interface RevealStepMessage {
  type: 'revealStep';
  stepKey: string;
}

/** Renderer -> extension: the user clicked a runbook named in a hint or message (`runbooks/conn-cap.runbook.md`): open it. */
export interface OpenRunbookMessage {
  type: 'openRunbook';
  /** As written in the text; the extension resolves it (next to the notebook, in the workspace, then the bundled runbooks). */
  path: string;
}

/** Renderer -> extension: the user marked a finding as important: it becomes a timeline note (asked, prefilled). */
export interface MarkImportantMessage {
  type: 'markImportant';
  stepKey: string;
  /** The finding's message, as shown. */
  text: string;
  /** The host it was raised on (a group's finding), else absent. */
  host?: string;
}

/** Renderer -> extension: the user clicked a fetched file's local copy: open it (relative to the record, inside its evidence folder). */
export interface OpenEvidenceMessage {
  type: 'openEvidence';
  /** As the result says it (`<record>.evidence/<run>/<file>`); the extension checks it before opening. */
  path: string;
}

export type RendererToExtensionMessage = RunStepMessage | RevealStepMessage | OpenRunbookMessage | MarkImportantMessage | OpenEvidenceMessage;

/** The payload of an OUTPUT_MIME output item (a SavedOutput carries these fields and more). */
export interface OutputView {
  text: string;
  /** Absent in a SavedOutput, whose text is stdout then stderr. */
  stream?: 'stdout' | 'stderr';
  /** The output was cut (size cap): what is shown is its start. */
  truncated?: boolean;
  /** Where the full output is kept when `truncated`. */
  fullOutputRef?: string;
  host?: string;
  exitCode?: number | null;
  termination?: string;
  durationMs?: number;
}
