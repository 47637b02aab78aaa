// The runbook model: what a `*.runbook.md` file says, with the exact bytes each part came from,
// so that printing an unedited runbook gives back the file byte for byte.

/** A place in the source text. Lines and columns are 0-based (LSP style); the CLI prints them 1-based. */
import type { RunEnding } from '../base/run';
import type { FetchedFileView } from '../protocol/renderer';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in a runbook file: what is wrong, where, and (in the message) what to do. */
export interface Diagnostic {
  range: Range;
  severity: Severity;
  message: string;
  /** Stable code for tests, code actions and docs, e.g. `front-matter-yaml`, `duplicate-step-id`. */
  code: string;
}

/** A parameter declared in the front matter: a value the runbook needs, e.g. the service port. */
export interface Parameter {
  name: string;
  default?: string;
  prompt?: string;
  /** `string` (default), `int`, `port`, `ipv4`, `host`, `path`, `pid`, `identifier`. */
  type?: string;
  /** A regular expression a value must match in full before it reaches a command. */
  pattern?: string;
  /** Secret values are masked in records, journals, logs and exports. */
  secret?: boolean;
  range: Range;
}

export interface FrontMatter {
  /** The raw text between the `---` lines (exclusive), as written. */
  yamlText: string;
  /** The parsed YAML (undefined when it does not parse: see the runbook's diagnostics). */
  data: Record<string, unknown> | undefined;
  title?: string;
  description?: string;
  tags: string[];
  /** Default target: host names or one group name, as written in `hosts:` or `group:`. */
  hosts: string[];
  group?: string;
  parameters: Parameter[];
  /** Incident metadata, present in an incident record (a filled runbook), absent in a template. */
  incident?: IncidentMeta;
  range: Range;
}

export interface IncidentMeta {
  id: string;
  title: string;
  startedAt: string;
  responder: string;
  template?: string;
  target?: string[];
  parameters?: Record<string, string>;
}

/** An attribute from a fence's info string, e.g. `timeout=10s` in ```` ```sh {id=x timeout=10s} ````. */
export interface Attribute {
  name: string;
  value: string;
  /** Where the attribute (name and value) stands in the file. */
  range: Range;
  valueRange: Range;
}

/** An executable diagnostic step: a fenced shell block with attributes. */
export interface Step {
  /** The `id` attribute; steps that are branched to must have one. */
  id?: string;
  /** A stable key for the step even without an id: `id` or `step-<n>` (1-based in file order). */
  key: string;
  title?: string;
  /** Info-string language: `sh`, `bash`, `shell`, `zsh`, `console`. */
  language: string;
  /** The script between the fences, without the final line break before the closing fence. */
  command: string;
  attributes: Attribute[];
  timeoutMs?: number;
  /** The step changes the host: it must be confirmed before it runs, never run by automatic progression. */
  confirm: boolean;
  /** Why the step must be confirmed although it has no clean `confirm`: its attributes did not read cleanly (fail closed). */
  confirmBecause?: string;
  hosts?: string[];
  shell?: string;
  /** Exit codes that mean the command worked (`ok-exit=0,1`); any other exit makes the check inconclusive. Default: 0. */
  okExit?: number[];
  /** Run the command this many times (`samples=2`), `intervalMs` apart, so rules can use deltas and rates. */
  samples?: number;
  intervalMs?: number;
  /** Run with root rights through sudo (`sudo`). */
  sudo?: boolean;
  /** The check block right after the step (if any), in YAML as written, and parsed. */
  check?: CheckBlock;
  /** Outputs saved in a filled runbook, oldest first. */
  outputs: SavedOutput[];
  /** Range of the whole fenced block, fences included. */
  range: Range;
  /** Range of the command text inside the fences. */
  commandRange: Range;
  /** Range of the info string (language and attributes) on the opening fence line. */
  infoRange: Range;
}

/** A ```` ```check ```` block: how to read the step's output and where to go next. */
export interface CheckBlock {
  yamlText: string;
  /** The parsed YAML node tree, kept for positions (see `yaml`'s `Document`); typed loosely here. */
  spec: import('../checks/spec').CheckSpec | undefined;
  range: Range;
  /** Range of the YAML text inside the fences. */
  contentRange: Range;
}

/** One run of a step, as stored in a filled runbook (an incident record). */
export interface SavedOutput extends Omit<RunEnding, 'signal'> {
  step: string;
  host: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  signal?: string | null;
  /** The output as shown: stdout then stderr, already redacted, maybe trimmed. */
  text: string;
  /** True when `text` is trimmed; the full output is at `fullOutputRef`. */
  truncated: boolean;
  fullOutputRef?: string;
  values: Record<string, unknown>;
  findings: import('../checks/spec').Finding[];
  next?: string;
  why?: string;
  /** Journal entry id, linking the output to the incident's journal. */
  runId: string;
  /** What the check could tell: findings, nothing found, or inconclusive (with why and what to do). */
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
  inconclusive?: { reason: string; hint?: string };
  /** Set when the run did not finish (login failed, timed out, sudo refused): what happened and what to do. */
  error?: { kind: string; message: string; hint?: string };
  /** Set for a `samples=N` run: when each sample was taken (ISO 8601); the text holds each under its heading. */
  samples?: string[];
  /** Set on each end of a `compare=` step: the comparison of both ends as the live run showed it (FORMAT.md). */
  comparison?: SavedComparison;
  /** Set when the step had `fetch=`: each file brought from this host into the evidence folder, or why not. */
  fetched?: SavedFetchedFile[];
  range?: Range;
}

/** A `fetch=` file of one host's run, as the journal has it (the journal's `evidence-file` entry without its step and time). */
export type SavedFetchedFile = FetchedFileView;

/** What a `compare=` step found by comparing its two ends; saved because the saved texts may be trimmed or redacted. */
export interface SavedComparison {
  name: string;
  client: { role: string; hosts: string[] };
  server: { role: string; hosts: string[] };
  values: Record<string, unknown>;
  findings: import('../checks/spec').Finding[];
  warnings: string[];
  /** Why the comparison decided what it did (or why nothing was compared). */
  why: string;
  /** False when an end did not finish: nothing was compared, and nothing decided. */
  compared: boolean;
}

/**
 * A piece of the file. Every byte of the file belongs to exactly one part, in order, so
 * `parts.map(p => p.raw).join('')` (after the BOM) is the file.
 */
export type Part =
  | { kind: 'front-matter'; raw: string; frontMatter: FrontMatter }
  | { kind: 'prose'; raw: string; range: Range }
  | { kind: 'step'; raw: string; step: Step }
  | { kind: 'check'; raw: string; stepKey: string; check: CheckBlock }
  | { kind: 'output'; raw: string; stepKey: string; output: SavedOutput }
  /** A check block or output with no step before it: kept as written, reported as a diagnostic. */
  | { kind: 'orphan'; raw: string; range: Range };

export interface Runbook {
  /** File name as given to `parse`, used in messages only. */
  fileName: string;
  bom: boolean;
  /** The file's dominant line ending, used for text the printer generates. */
  eol: '\n' | '\r\n';
  frontMatter?: FrontMatter;
  parts: Part[];
  steps: Step[];
  diagnostics: Diagnostic[];
}
