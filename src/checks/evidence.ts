// Whether a check's output could answer its rules: findings, nothing found (on evidence actually read),
// or inconclusive with the reason and the way out. A failed read must never pass for a healthy host.
import type { CheckSpec, Evidence, Finding, Inconclusive } from './spec';
import { getParser } from './parsers/index';

/** A rule that could not be decided because values it reads were missing. */
export interface RuleGap {
  rule: number;
  when: string;
  /** Paths of the missing values, derived values already traced back to what they read. */
  missing: string[];
}

export interface EvidenceInput {
  spec: CheckSpec;
  output: string;
  /** The parser's own warnings (without the parser-name prefix). */
  parserWarnings: string[];
  findings: Finding[];
  gaps: RuleGap[];
  scope: Record<string, unknown>;
  /** The step's stderr, when the caller has it: "Permission denied" there explains an empty stdout. */
  stderr?: string;
  /** How many samples were read (1 for a plain run). */
  samples?: number;
}

/** Why these tools print nothing most often, and the way out. */
const EMPTY_HINTS: Record<string, string> = {
  tcpdump:
    'tcpdump needs root (or CAP_NET_RAW) to capture: run the step with `sudo`; if it did run, no packet matched in the capture window, so capture while the problem happens',
  lsof: "as non-root lsof lists only your own processes' files: run the step with `sudo`, or check the port or pid it was given",
  'fd-count': "as non-root /proc/<pid>/fd of another user's process is unreadable: run the step with `sudo`, or check the pid",
};

/** Parsers for which an empty output is an answer: a log search that found nothing, no matching lines. */
const EMPTY_IS_AN_ANSWER = new Set(['kernel-log', 'lines', 'regex']);

const DENIED =
  /permission denied|operation not permitted|must be root|not root|as root|requires root|superuser|you don't have permission|access denied|unreadable|not permitted/i;

export const UNRECOGNISED = 'unrecognised:';

/** `steps.capture.x` or `steps["per-client"].x`: group 1 or 2 is the step id. */
const STEP_PATH = /^steps(?:\.([\w$]+)|\["([^"]+)"\])/;

export function judgeEvidence(input: EvidenceInput): { evidence: Evidence; inconclusive?: Inconclusive } {
  const inconclusive = whyInconclusive(input);
  if (inconclusive && !input.findings.some((f) => f.severity === 'critical')) return { evidence: 'inconclusive', inconclusive };
  return { evidence: input.findings.length > 0 ? 'findings' : 'nothing-found' };
}

const SUDO_HINT = 'run the step with `sudo` (add sudo to its attributes) or connect as root: the command was not allowed to read this';

function reads(spec: CheckSpec): string | undefined {
  const parser = spec.parse ? getParser(spec.parse) : undefined;
  return parser ? `the ${parser.info.name} parser reads the output of ${parser.info.commands.slice(0, 3).join(', ')}` : undefined;
}

function deniedIn(output: string, stderr: string | undefined): boolean {
  return DENIED.test(stderr ?? '') || DENIED.test(output.slice(0, 100_000));
}

/**
 * An empty output where the parser reads rows or values: nothing was read, so no rule is evaluated
 * (a parser's zero counts of nothing would otherwise raise "nothing listens").
 */
export function emptyOutput(spec: CheckSpec, output: string, stderr?: string): Inconclusive | undefined {
  const parser = spec.parse ? getParser(spec.parse) : undefined;
  const emptyMeans = spec.empty ?? (parser && !EMPTY_IS_AN_ANSWER.has(parser.info.name) ? 'inconclusive' : 'nothing-found');
  if (!parser || emptyMeans !== 'inconclusive' || output.trim() !== '') return undefined;
  return {
    reason: `the command printed nothing, so there was nothing to read (${reads(spec)})`,
    hint: deniedIn(output, stderr)
      ? SUDO_HINT
      : (EMPTY_HINTS[parser.info.name] ??
        'check the command by hand on the host (a wrong namespace, port, path or a tool that is not installed prints nothing); if an empty output is a normal answer for this step, the runbook can say `empty: nothing-found`'),
  };
}

function whyInconclusive(input: EvidenceInput): Inconclusive | undefined {
  const { spec, output, parserWarnings } = input;
  const denied = deniedIn(output, input.stderr);
  const sudoHint = SUDO_HINT;

  const unrecognised = parserWarnings.filter((w) => w.startsWith(UNRECOGNISED)).map((w) => w.slice(UNRECOGNISED.length).trim());
  if (unrecognised.length > 0) {
    return {
      reason: `the ${spec.parse} parser did not recognise the output (${unrecognised[0]}), so it says nothing about the host`,
      hint: denied ? sudoHint : `check the command: run it by hand on the host and compare; ${reads(spec) ?? 'see docs/FORMAT.md, Parsers'}`,
    };
  }

  if (input.gaps.length > 0) return missingValues(input, denied ? sudoHint : undefined);
  return undefined;
}

function missingValues(input: EvidenceInput, sudoHint: string | undefined): Inconclusive {
  const paths = [...new Set(input.gaps.flatMap((g) => g.missing))];
  const rules = input.gaps.map((g) => `finding ${g.rule + 1} (\`${clip(g.when)}\`)`);
  const shownRules = rules.length > 2 ? `${rules.slice(0, 2).join(', ')} and ${rules.length - 2} more` : rules.join(' and ');
  // With no samples there is no `rate` at all: name the paths the rules wrote (`rate.listenOverflows`).
  const written = input.gaps.flatMap((g) => g.when.match(/\b(?:delta|rate)\.[\w$.]+/g) ?? []);
  const sampled = [
    ...new Set(paths.flatMap((p) => (p === 'delta' || p === 'rate' ? written.filter((w) => w.startsWith(`${p}.`)) : /^(delta|rate)\./.test(p) ? [p] : []))),
  ];
  if (sampled.length > 0 && (input.samples ?? 1) < 2) {
    return {
      reason: `${shownRules} compare${input.gaps.length > 1 ? '' : 's'} two samples (${sampled.slice(0, 3).join(', ')}), but the step ran once: a total since boot alone says nothing about now`,
      hint: 'run the step twice with a pause: add `samples=2 interval=5s` to its attributes',
    };
  }
  if (sampled.length > 0) {
    return {
      reason: `${shownRules} could not be decided: ${list(sampled, 'and')} could not be computed (the value was not in both samples, or the samples have no time between them)`,
      hint: 'check that every sample printed the value: run the command by hand twice, a few seconds apart',
    };
  }
  const stepValues = paths.filter((p) => STEP_PATH.test(p));
  const params = paths.filter((p) => p.startsWith('params.')).map((p) => p.slice('params.'.length));
  const own = paths.filter((p) => !STEP_PATH.test(p) && !p.startsWith('params.'));
  const parts: string[] = [];
  if (own.length > 0) parts.push(`the output gave no usable ${list(own)}`);
  if (params.length > 0) parts.push(`the parameter${params.length > 1 ? 's' : ''} ${list(params, 'and')} ${params.length > 1 ? 'were' : 'was'} not given`);
  if (stepValues.length > 0)
    parts.push(`${list(stepValues, 'and')} ${stepValues.length > 1 ? 'are' : 'is'} not known (that step has not run, or did not give it)`);
  return { reason: `${shownRules} could not be decided: ${parts.join('; ')}`, hint: sudoHint ?? hintFor(input, own, params, stepValues) };
}

function hintFor(input: EvidenceInput, own: string[], params: string[], stepValues: string[]): string {
  const declared = input.scope.params;
  const pidDeclared = !!declared && typeof declared === 'object' && 'pid' in declared;
  const pidGiven = pidDeclared && !['', 0, '0', undefined, null].includes((declared as Record<string, unknown>).pid as string);
  const aboutProcess = [...own, ...params].some((p) => /pid|proc|process|fds?\b|nofile|open_?files?/i.test(p));
  if (input.spec.parse === 'netstat-s' && own.length > 0)
    return 'read the counters with `nstat -az`: it prints the ones that are 0, which `netstat -s` and `nstat` without -z leave out (so a missing counter cannot be told from 0)';
  const ways: string[] = [];
  if (stepValues.length > 0) ways.push(`run step ${list([...new Set(stepValues.map((p) => STEP_PATH.exec(p)?.slice(1).find(Boolean) ?? p))], 'and')} first`);
  if (params.length > 0) ways.push(`pass ${params.map((p) => `${p}=<value>`).join(' ')} (as --var on the command line, or in the notebook's parameters)`);
  if (ways.length > 0) return ways.join('; ');
  if (aboutProcess && pidDeclared && !pidGiven)
    return "pass pid=<the service's process id> (e.g. from `pgrep -o nginx`), or run the step with `sudo` so the process can be found by its port";
  if (aboutProcess) return "run the step with `sudo` or as root: another user's process details (/proc/<pid>/fd, -p in ss) are hidden otherwise";
  return 'check the command: run it by hand on the host and look for the missing value in its output';
}

function list(names: string[], word = 'or'): string {
  const shown = names.slice(0, 4).map((n) => `\`${n}\``);
  const more = names.length > 4 ? `, and ${names.length - 4} more` : '';
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} ${word} ${shown[shown.length - 1]}${more}` : `${shown[0] ?? ''}${more}`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
