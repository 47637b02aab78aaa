// Where a runbook can go from step to step: `next` targets that do not exist, steps no path reaches
// from the first step, and loops that nothing leaves. Edges follow the engine's decision
// (src/engine/decide.ts): a raised finding's `next`, else the block's `next`, else the following step.

import type { Diagnostic, Range, Runbook, Step } from '../runbook/model';
import type { Span } from '../checks/spec';
import { diagnostic } from '../runbook/diagnostics';
import type { RunbookSource } from './source';
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

export function flowDiagnostics(runbook: Runbook, source: RunbookSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = stepsById(runbook);
  const ids = [...byId.keys()];
  for (const step of runbook.steps) {
    if (!step.check) continue;
    for (const ref of nextReferences(step)) {
      if (ref.target === END || byId.has(ref.target)) continue;
      const at = source.checkRange(step.check, ref.span);
      const keyOnly = runbook.steps.find((s) => s.key === ref.target && s.id === undefined);
      if (keyOnly) {
        out.push(
          diagnostic(
            at,
            'error',
            'next-step-without-id',
            `"${ref.target}" is the step on line ${keyOnly.range.start.line + 1}, which has no id; give that step an id (e.g. {id=${suggestId(keyOnly)}}) and name it here`,
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
  }
  const next = successors(runbook, byId);
  out.push(...unreachable(runbook, next), ...closedLoops(runbook, next));
  return out;
}

/** Steps each step can lead to; -1 stands for the end of the runbook. */
export function successors(runbook: Runbook, byId: Map<string, Step>): number[][] {
  const index = new Map(runbook.steps.map((s, i) => [s, i]));
  return runbook.steps.map((step, i) => {
    const edges = new Set<number>();
    const add = (target: string) => {
      if (target === END) edges.add(-1);
      else {
        const to = byId.get(target);
        if (to) edges.add(index.get(to)!);
      }
    };
    const spec = step.check?.spec;
    for (const rule of spec?.findings ?? []) if (rule.next !== undefined) add(rule.next);
    if (spec?.next !== undefined) add(spec.next);
    else edges.add(i + 1 < runbook.steps.length ? i + 1 : -1);
    return [...edges];
  });
}

function unreachable(runbook: Runbook, next: number[][]): Diagnostic[] {
  if (runbook.steps.length === 0) return [];
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
  const first = runbook.steps[0];
  return runbook.steps
    .filter((_, i) => !seen.has(i))
    .map((step) =>
      diagnostic(
        fenceLine(step),
        'warning',
        'unreachable-step',
        `no path from the first step (${first.key}) reaches step ${step.key}: every check before it ends or branches elsewhere; add \`next: ${step.id ?? 'its-id'}\` to a check that should lead here, or remove the step`,
      ),
    );
}

/** Strongly connected steps (Tarjan) with no edge out and no `end`: once entered, the runbook never finishes. */
function closedLoops(runbook: Runbook, next: number[][]): Diagnostic[] {
  const n = runbook.steps.length;
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
  const out: Diagnostic[] = [];
  for (const component of components) {
    const members = new Set(component);
    const looping = component.length > 1 || next[component[0]].includes(component[0]);
    const leaves = component.some((v) => next[v].some((w) => w < 0 || !members.has(w)));
    if (!looping || leaves) continue;
    const steps = component.sort((a, b) => a - b).map((i) => runbook.steps[i]);
    const names = steps.map((s) => s.key);
    out.push(
      diagnostic(
        fenceLine(steps[0]),
        'error',
        'loop-without-exit',
        `steps ${listNames(names)} branch only to each other: once the runbook gets here it never finishes; add a finding with \`next: end\` (or a \`next\` to a step outside the loop) to one of their checks`,
      ),
    );
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
