// The check block's schema: how a step's output is read (parser, regex extraction, derived values),
// which findings it raises, and where the runbook goes next. Plain data, shared by the format,
// the engine, the language server and the report.

export type FindingSeverity = 'info' | 'warning' | 'critical';

/** A span inside the check block's YAML text (character offsets), for precise diagnostics. */
export interface Span {
  start: number;
  end: number;
}

export interface FindingRule {
  /** Expression over values and parameters, e.g. `count >= max * 0.9`. */
  when: string;
  severity: FindingSeverity;
  /** Message with `{{value}}` interpolation, e.g. `conntrack table {{count}}/{{max}}`. */
  message: string;
  /** What to do about it; becomes an action item in the postmortem. */
  hint?: string;
  /** Step id to go to when this finding is raised (`end` stops). */
  next?: string;
  /** Kebab-case name of the root cause this finding suspects, e.g. `conn-cap`. */
  cause?: string;
  /** Read-only step ids that confirm or refute `cause` (never a `confirm` step). */
  verify?: string[];
  /** On a rule of a verifying step: when raised, this cause is confirmed. */
  confirms?: string;
  /** On a rule of a verifying step: when raised, this cause is refuted. */
  refutes?: string;
  spans: {
    when?: Span;
    severity?: Span;
    message?: Span;
    hint?: Span;
    next?: Span;
    item?: Span;
    cause?: Span;
    /** The whole list; `verifyItems` has one span per step id. */
    verify?: Span;
    verifyItems?: Span[];
    confirms?: Span;
    refutes?: Span;
  };
}

/** What an empty output means: `inconclusive` (the default for parsers that read rows or values) or `nothing-found`. */
export type EmptyOutput = 'inconclusive' | 'nothing-found';

export interface CheckSpec {
  /** Name of a built-in parser (`ss-tan`, `ulimit`, `sysctl`, `kernel-log`...). */
  parse?: string;
  /** Parser options, e.g. `{ names: [count, max] }` for `numbers`. */
  options?: Record<string, unknown>;
  /** Regex extraction: value name -> regular expression; the named group or first group is the value. */
  extract?: Record<string, string>;
  /** Derived values: value name -> expression over the parsed values. */
  values?: Record<string, string>;
  findings: FindingRule[];
  /** Default next step when no finding with a `next` is raised (`end` stops). */
  next?: string;
  /** Overrides what an empty output means, e.g. `nothing-found` for `ss -H state close-wait` (no rows is an answer). */
  empty?: EmptyOutput;
  spans: {
    parse?: Span;
    next?: Span;
    empty?: Span;
    extract?: Record<string, Span>;
    values?: Record<string, Span>;
    options?: Span;
  };
}

/** A finding raised by a rule on real values. */
export interface Finding {
  severity: FindingSeverity;
  message: string;
  hint?: string;
  next?: string;
  /** Index of the rule in the check block. */
  rule: number;
  /** The rule's `when`, for the record ("because count >= max * 0.9"). */
  when: string;
  /** The rule's `cause`, `verify`, `confirms`, `refutes`, as written (see FindingRule). */
  cause?: string;
  verify?: string[];
  confirms?: string;
  refutes?: string;
}

/** Findings raised; nothing found (on evidence actually read); or the output could not answer the rules. */
export type Evidence = 'findings' | 'nothing-found' | 'inconclusive';

export interface Inconclusive {
  /** Why, in words: "the output was empty: ss printed nothing, so no socket was read". */
  reason: string;
  /** The way out: "run the step with `sudo`", "pass pid=<process id>", "check the command". */
  hint?: string;
}

/** What a check made of one output. */
export interface CheckOutcome {
  values: Record<string, unknown>;
  findings: Finding[];
  /** The chosen next step from the check (first raised finding's `next`, else the block's `next`). */
  next?: string;
  /** Why that next step, in words: "count >= max * 0.9 (67549 >= 58981.5)". */
  why: string;
  /** Problems reading the output or evaluating rules; never thrown. */
  warnings: string[];
  /**
   * What the evidence says. Always set by evaluateCheck and evaluateSamples; optional only so outcomes
   * built by hand elsewhere keep compiling (read it with `evidenceOf`).
   */
  evidence?: Evidence;
  /** Set when `evidence` is `inconclusive`. */
  inconclusive?: Inconclusive;
}

/** Description of a parser, for completion, hover and docs. */
export interface ParserInfo {
  name: string;
  /** One line: which command's output it reads. */
  summary: string;
  /** Commands whose output it reads, e.g. `ss -tan`, `ss -tanp`. */
  commands: string[];
  values: ValueInfo[];
  options?: ValueInfo[];
}

export interface ValueInfo {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'map' | 'list' | 'object';
  description: string;
}
