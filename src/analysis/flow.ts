// Where a runbook can go from step to step: `next` targets that do not exist, steps no path reaches
// from the first step, and loops that nothing leaves. Edges follow the engine's decision
// (src/engine/decide.ts): a raised finding's `next`, else the block's `next`, else the following step.

import type { Diagnostic, Range, Runbook, Step } from '../runbook/model';
import type { Span } from '../checks/spec';
import { diagnostic } from '../runbook/diagnostics';
import { shiftRange, type PlacedStep } from './placed';
import { didYouMean, listNames } from './names';

/** One `next:` written in a check block. */
export interface NextReference {
  step: Step;
  target: string;
  span: Span;
  /** Index of the finding that names it; undefined for the block's own `next`. */
  finding?: number;
}

export const END = 'end';

export function nextReferences(step: Step): NextReference[] {
  const spec = step.check?.spec;
  if (!spec) return [];
  const refs: NextReference[] = [];
  spec.findings.forEach((rule, finding) => {
    if (rule.next !== undefined && rule.spans.next) refs.push({ step, target: rule.next, span: rule.spans.next, finding });
  });
  if (spec.next !== undefined && spec.spans.next) refs.push({ step, target: spec.next, span: spec.spans.next });
  return refs;
}

/** Steps by id; only steps with a (unique) id can be a `next` target. */
export function stepsById(runbook: Runbook): Map<string, Step> {
  const byId = new Map<string, Step>();
  for (const step of runbook.steps) if (step.id !== undefined && step.key === step.id) byId.set(step.id, step);
  return byId;
}

/** What the decision graph says: `next` targets that name no step, steps no path reaches, loops nothing leaves. */
export interface FlowGraph {
  /** Step index, which of its `next` references, and the step without id it names (if one). */
  unknown: { index: number; which: number; keyOnly?: number }[];
  unreachable: number[];
  loops: number[][];
}

interface KeyedStep {
  step: Step;
  key: string;
}

export function flowGraph(steps: KeyedStep[]): FlowGraph {
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  steps.forEach((s, i) => {
    if (s.step.id !== undefined && s.key === s.step.id) byId.set(s.step.id, i);
    if (s.step.id === undefined && !byKey.has(s.key)) byKey.set(s.key, i);
  });
  const unknown: FlowGraph['unknown'] = [];
  steps.forEach((s, index) => {
    nextReferences(s.step).forEach((ref, which) => {
      if (ref.target === END || byId.has(ref.target)) return;
      unknown.push({ index, which, keyOnly: byKey.get(ref.target) });
    });
  });
  const next = successorIndexes(steps, byId);
  return { unknown, unreachable: unreachable(next), loops: closedLoops(next) };
}

/** The graph's problems as diagnostics, at the steps' places in the file. */
export function flowDiagnostics(graph: FlowGraph, steps: PlacedStep[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = steps.flatMap((s) => (s.step.id !== undefined && s.key === s.step.id ? [s.step.id] : []));
  for (const { index, which, keyOnly } of graph.unknown) {
    const placed = steps[index];
    // The graph may be older than this step's text (kept while its edges did not change): read the reference anew.
    const ref = nextReferences(placed.step)[which];
    const at = shiftRange(placed.source.checkRange(placed.step.check!, ref.span), placed.by);
    if (keyOnly !== undefined) {
      const other = steps[keyOnly];
      out.push(
        diagnostic(
          at,
          'error',
          'next-step-without-id',
          `"${ref.target}" is the step on line ${other.step.range.start.line + other.by + 1}, which has no id; give that step an id (e.g. {id=${suggestId(other.step)}}) and name it here`,
        ),
      );
      continue;
    }
    out.push(
      diagnostic(
        at,
        'error',
        'unknown-next',
        `no step has id "${ref.target}"; ${didYouMean(ref.target, ids)}use a step id (${listNames(ids)}) or "end", or add a step with {id=${ref.target}}`,
      ),
    );
  }
  for (const i of graph.unreachable) {
    const { step, by, key } = steps[i];
    out.push(
      diagnostic(
        shiftRange(fenceLine(step), by),
        'warning',
        'unreachable-step',
        `no path from the first step (${steps[0].key}) reaches step ${key}: every check before it ends or branches elsewhere; add \`next: ${step.id ?? 'its-id'}\` to a check that should lead here, or remove the step`,
      ),
    );
  }
  for (const component of graph.loops) {
    const first = steps[component[0]];
    out.push(
      diagnostic(
        shiftRange(fenceLine(first.step), first.by),
        'error',
        'loop-without-exit',
        `steps ${listNames(component.map((i) => steps[i].key))} branch only to each other: once the runbook gets here it never finishes; add a finding with \`next: end\` (or a \`next\` to a step outside the loop) to one of their checks`,
      ),
    );
  }
  return out;
}

/** Where each step's check can lead, as text: the graph needs recomputing only when one of these changes. */
export function edgesKey(step: Step): string {
  const spec = step.check?.spec;
  const findings = (spec?.findings ?? []).map((rule) => rule.next ?? '').join(',');
  return `${step.id ?? ''}|${findings}|${spec?.next === undefined ? '-' : `=${spec.next}`}`;
}

/** Steps each step can lead to; -1 stands for the end of the runbook. */
export function successors(runbook: Runbook, byId: Map<string, Step>): number[][] {
  const index = new Map(runbook.steps.map((s, i) => [s, i]));
  const ids = new Map([...byId].map(([id, step]) => [id, index.get(step)!]));
  return successorIndexes(
    runbook.steps.map((step) => ({ step, key: step.key })),
    ids,
  );
}

function successorIndexes(steps: KeyedStep[], byId: Map<string, number>): number[][] {
  return steps.map(({ step }, i) => {
    const edges = new Set<number>();
    const add = (target: string) => {
      if (target === END) edges.add(-1);
      else {
        const to = byId.get(target);
        if (to !== undefined) edges.add(to);
      }
    };
    const spec = step.check?.spec;
    for (const rule of spec?.findings ?? []) if (rule.next !== undefined) add(rule.next);
    if (spec?.next !== undefined) add(spec.next);
    else edges.add(i + 1 < steps.length ? i + 1 : -1);
    return [...edges];
  });
}

function unreachable(next: number[][]): number[] {
  if (next.length === 0) return [];
  const seen = new Set<number>([0]);
  const queue = [0];
  while (queue.length > 0) {
    for (const to of next[queue.pop()!]) {
      if (to >= 0 && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < next.length; i++) if (!seen.has(i)) out.push(i);
  return out;
}

/** Strongly connected steps (Tarjan) with no edge out and no `end`: once entered, the runbook never finishes. */
function closedLoops(next: number[][]): number[][] {
  const n = next.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  // Iterative, so a 10,000-step chain cannot overflow the call stack.
  for (let root = 0; root < n; root++) {
    if (order[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, k] = top;
      if (k < next[v].length) {
        top[1]++;
        const w = next[v][k];
        if (w < 0) continue;
        if (order[w] < 0) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], order[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) low[work[work.length - 1][0]] = Math.min(low[work[work.length - 1][0]], low[v]);
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  const out: number[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const looping = component.length > 1 || next[component[0]].includes(component[0]);
    const leaves = component.some((v) => next[v].some((w) => w < 0 || !members.has(w)));
    if (looping && !leaves) out.push(component.sort((a, b) => a - b));
  }
  return out;
}

/** The opening fence line of a step: where step-level problems are shown. */
export function fenceLine(step: Step): Range {
  return { start: step.range.start, end: { line: step.range.start.line, character: step.infoRange.end.character } };
}

function suggestId(step: Step): string {
  const base = (step.title ?? step.command.split(/\s/)[0] ?? 'step')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return base === '' ? 'my-step' : base.slice(0, 30);
}
