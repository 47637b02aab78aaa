// Everything the analysis says about one step, worked out on the step as parsed in its piece, plus
// what of the rest of the runbook the answer read (names it looked up, other steps, the target): the
// language server works a step out again only when one of those changed.

import type { Diagnostic, FrontMatter, Step } from '../runbook/model';
import { diagnostic } from '../runbook/diagnostics';
import type { PlacedStep } from './placed';
import type { RunbookValues } from './values';
import { valuesOfStep } from './values';
import { checkBlockDiagnostics, type Scope } from './expressions';
import { hostChangeDiagnostics, reparseDiagnostics, variableDiagnostics } from './commands';
import { localTargetDiagnostics } from './localTarget';
import { confirmProblems } from './confirm';
import { editDistance } from './names';
import { edgesKey } from './flow';

/** What a step's answers may depend on, for the whole runbook. */
export interface Context {
  params: Set<string>;
  /** Each name some step defines, and the index of the first step that does. */
  firstDefiner: Map<string, number>;
  /** Index of the first step whose value names come from its output (Infinity: none). */
  firstOpen: number;
  values: RunbookValues;
  frontMatter?: FrontMatter;
}

export interface StepResult {
  step: Step;
  /** Names the step defines and whether its parser's names are open: what later steps see. */
  defines: string;
  open: boolean;
  /** Where its check leads: what the flow graph sees. */
  edges: string;
  /** In the piece's positions. */
  diagnostics: Diagnostic[];
  /** Names looked up in parameters and other steps' values. */
  reads: Set<string>;
  /** Listed all names (for a "did you mean"): any change of names may change the answer. */
  readsAll: boolean;
  /** Read `steps.<key>.<value>`: depends on other steps' keys and values. */
  readsSteps: boolean;
  /** Depends on the front matter's target (a `hosts=local` step). */
  readsTarget: boolean;
}

const definesOf = new WeakMap<Step, string>();

/** The names a step defines, as text (`*` first when open): what later steps' answers depend on. */
export function definesKey(step: Step): string {
  let key = definesOf.get(step);
  if (key === undefined) {
    const values = valuesOfStep(step);
    key = `${values.open ? '*' : ''}${[...values.names.keys()].join('\n')}`;
    definesOf.set(step, key);
  }
  return key;
}

export function analyzeStep(placed: PlacedStep, index: number, context: Context): StepResult {
  const step = placed.step;
  const own = valuesOfStep(step);
  const result: StepResult = {
    step,
    defines: definesKey(step),
    open: own.open,
    edges: edgesKey(step),
    diagnostics: [],
    reads: new Set(),
    readsAll: false,
    readsSteps: false,
    readsTarget: step.hosts?.includes('local') ?? false,
  };
  const { firstDefiner, params } = context;
  const allNames = readSet(
    result,
    (n) => firstDefiner.has(n),
    () => firstDefiner.keys(),
  );
  const earlier = readSet(
    result,
    (n) => (firstDefiner.get(n) ?? Infinity) < index,
    () => [...firstDefiner].filter(([, i]) => i < index).map(([n]) => n),
  );
  const readParams = readSet(
    result,
    (n) => params.has(n),
    () => params,
  );
  const values = Object.create(context.values, {
    runbook: {
      get: () => {
        result.readsSteps = true;
        return context.values.runbook;
      },
    },
  }) as RunbookValues;
  const scope: Scope = { own, params: readParams, others: allNames, othersOpen: false, values };
  const earlierOpen = context.firstOpen < index;
  const messageScope: Scope = { ...scope, others: earlier, othersOpen: earlierOpen };
  const out = result.diagnostics;
  out.push(...checkBlockDiagnostics(step, placed.source, scope, messageScope));
  out.push(...hostChangeDiagnostics(step));
  out.push(
    ...variableDiagnostics(
      step,
      (name) => earlierOpen || readParams.has(name) || earlier.has(name),
      () => [...readParams, ...earlier],
    ),
  );
  out.push(...reparseDiagnostics(step));
  if (result.readsTarget) out.push(...localTargetDiagnostics(step, context.frontMatter));
  out.push(...confirmDiagnostics(placed));
  return result;
}

function confirmDiagnostics({ step, source }: PlacedStep): Diagnostic[] {
  // Only an attribute named like "confirm" can hide a problem: read the info string only then.
  if (!step.attributes.some((a) => a.name.length >= 5 && editDistance(a.name.toLowerCase(), 'confirm') <= 2)) return [];
  const start = source.offsetAt(step.infoRange.start);
  const info = source.text.slice(start, source.offsetAt(step.infoRange.end));
  return confirmProblems(info).map((p) => diagnostic(source.lines.range(start + p.start, start + p.end), 'error', 'confirm-malformed', p.message));
}

/** A set of names that notes every name looked up and every listing, for StepResult. */
function readSet(result: StepResult, test: (name: string) => boolean, list: () => Iterable<string>): Set<string> {
  // Scope wants a Set; only lookups and listings are used, and both are recorded.
  return new ReadSet(result, test, list) as unknown as Set<string>;
}

class ReadSet {
  constructor(
    private readonly result: StepResult,
    private readonly test: (name: string) => boolean,
    private readonly list: () => Iterable<string>,
  ) {
    Object.defineProperty(this, 'size', { get: () => [...this].length });
  }

  has(name: string): boolean {
    this.result.reads.add(name);
    return this.test(name);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    this.result.readsAll = true;
    yield* this.list();
  }

  keys(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  forEach(f: (value: string, key: string, set: Set<string>) => void): void {
    for (const name of this) f(name, name, this as unknown as Set<string>);
  }
}
