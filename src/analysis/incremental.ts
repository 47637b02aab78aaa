// The analysis of one document across edits: steps whose piece did not change keep their results
// unless a name, key or target they read changed; the flow graph is recomputed only when a changed
// step's edges did. `analyzeRunbook` is this with nothing kept, so both give the same diagnostics.

import { causeProblems } from '../checks/causes';
import { diagnostic } from '../runbook/diagnostics';
import type { Diagnostic, FrontMatter } from '../runbook/model';
import { shiftDiagnostic, type PlacedRunbook, type PlacedStep } from './placed';
import { RunbookValues, valuesOfStep } from './values';
import { analyzeStep, definesKey, type Context, type StepResult } from './stepAnalysis';
import { edgesKey, flowDiagnostics, flowGraph, type FlowGraph } from './flow';
import { allowsLocal } from '../runbook/frontMatter';

interface Analysed {
  steps: PlacedStep[];
  results: StepResult[];
  context: Context;
  target: string;
  graph: FlowGraph;
}

export class RunbookAnalysis {
  private last: Analysed | undefined;
  /** Steps worked out (again) by the last call: for tests and the bench. */
  analysedSteps = 0;

  analyze(placed: PlacedRunbook, options: { skipFormat?: boolean } = {}): Diagnostic[] {
    const steps = placed.steps;
    const last = this.last;
    const [prefix, suffix] = last ? common(last.steps, steps) : [0, 0];
    const from = prefix;
    const to = steps.length - suffix;
    const oldTo = (last?.steps.length ?? 0) - suffix;
    const params = new Set((placed.frontMatter?.parameters ?? []).map((p) => p.name));
    const target = targetKey(placed.frontMatter);

    // Names whose definitions may have moved: those of changed steps (old and new) and parameters.
    const changedNames = new Set<string>();
    let keysChanged = !last || last.steps.length !== steps.length;
    let edgesChanged = keysChanged;
    if (last) {
      for (const name of params) if (!last.context.params.has(name)) changedNames.add(name);
      for (const name of last.context.params) if (!params.has(name)) changedNames.add(name);
      const same = to - from === oldTo - from;
      for (let i = from; i < oldTo; i++) {
        const old = last.results[i];
        const now = same ? definesKey(steps[i].step) : undefined;
        if (!same || old.edges !== edgesKey(steps[i].step)) edgesChanged = true;
        if (now === old.defines) continue;
        for (const name of namesOf(old.defines)) changedNames.add(name);
        if (now !== undefined) for (const name of namesOf(now)) changedNames.add(name);
      }
      if (!same) for (let i = from; i < to; i++) for (const name of namesOf(definesKey(steps[i].step))) changedNames.add(name);
      if (!keysChanged) for (let i = 0; i < steps.length && !keysChanged; i++) keysChanged = steps[i].key !== last.steps[i].key;
      edgesChanged ||= keysChanged;
    }
    const movedNames = changedNames.size > 0 || steps.length !== (last?.steps.length ?? -1);
    const context =
      last && !movedNames ? { ...last.context, params, values: this.values(placed), frontMatter: placed.frontMatter } : this.contextFor(placed, params);
    const all = !last || context.firstOpen !== last.context.firstOpen;
    const anyNameChanged = changedNames.size > 0 || keysChanged;
    const results: StepResult[] = new Array<StepResult>(steps.length);
    let analysed = 0;
    for (let i = 0; i < steps.length; i++) {
      const old = !last || (i >= from && i < to) ? undefined : last.results[i < from ? i : i - steps.length + last.steps.length];
      const stale =
        !old ||
        all ||
        (anyNameChanged && (old.readsAll || old.readsSteps || [...old.reads].some((n) => changedNames.has(n)))) ||
        (old.readsTarget && target !== last?.target);
      if (stale) {
        results[i] = analyzeStep(steps[i], i, context);
        analysed++;
      } else results[i] = old;
    }
    this.analysedSteps = analysed;
    const graph = !last || edgesChanged || all ? flowGraph(steps) : last.graph;
    this.last = { steps, results, context, target, graph };

    const out: Diagnostic[] = options.skipFormat ? [] : [...placed.diagnostics];
    results.forEach((r, i) => {
      for (const d of r.diagnostics) out.push(shiftDiagnostic(d, steps[i].by));
    });
    out.push(...flowDiagnostics(graph, steps));
    out.push(...causeDiagnostics(steps));
    return withoutRepeats(out).sort(byPosition);
  }

  private values(placed: PlacedRunbook): RunbookValues {
    return new RunbookValues(placed.runbook, placed.frontMatter);
  }

  /** Who defines each name first: kept while no step's names or place changed. */
  private contextFor(placed: PlacedRunbook, params: Set<string>): Context {
    const firstDefiner = new Map<string, number>();
    let firstOpen = Infinity;
    placed.steps.forEach((s, i) => {
      const values = valuesOfStep(s.step);
      if (values.open && firstOpen === Infinity) firstOpen = i;
      for (const name of values.names.keys()) if (!firstDefiner.has(name)) firstDefiner.set(name, i);
    });
    return { params, firstDefiner, firstOpen, values: this.values(placed), frontMatter: placed.frontMatter };
  }
}

/** A confirm written wrongly (`CONFIRM`) is one problem: its error says what to write, so the same attribute is not also an "unknown attribute". */
function withoutRepeats(out: Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.character}`;
  const confirms = new Set(out.filter((d) => d.code === 'confirm-malformed').map(at));
  return confirms.size === 0 ? out : out.filter((d) => d.code !== 'unknown-attribute' || !confirms.has(at(d)));
}

function namesOf(defines: string): string[] {
  const list = defines.replace(/^\*/, '');
  return list === '' ? [] : list.split('\n');
}

/** Steps at the start and at the end that are the same pieces' steps as before. */
function common(before: PlacedStep[], now: PlacedStep[]): [number, number] {
  const max = Math.min(before.length, now.length);
  let prefix = 0;
  while (prefix < max && before[prefix].step === now[prefix].step) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix].step === now[now.length - 1 - suffix].step) suffix++;
  return [prefix, suffix];
}

function targetKey(frontMatter: FrontMatter | undefined): string {
  return `${frontMatter?.group ?? ''}|${frontMatter?.hosts.join(',') ?? ''}|${allowsLocal(frontMatter)}|${frontMatter ? 1 : 0}`;
}

// A total order, so that diagnostics found in any order (whole or in pieces) come out the same.
function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.range.end.line - b.range.end.line ||
    a.range.end.character - b.range.end.character ||
    compare(a.code, b.code) ||
    compare(a.message, b.message)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Across steps: a `verify:` names a read-only step that exists (not a `confirm` step, not itself), and
 * `confirms:`/`refutes:` name a cause some finding suspects. Cheap (a pass over the check specs), so
 * it runs on every analysis rather than being kept per step.
 */
function causeDiagnostics(steps: PlacedStep[]): Diagnostic[] {
  // Only checks that use the keys are looked at, so a runbook without them costs one pass and no more.
  const using = steps.filter((p) => p.step.check?.spec?.findings.some((f) => f.verify?.length || f.confirms || f.refutes));
  if (using.length === 0) return [];
  const forCauses = steps.map((p) => ({ key: p.step.id ?? p.key, confirm: p.step.confirm, spec: p.step.check?.spec }));
  const out: Diagnostic[] = [];
  for (const placed of using) {
    const check = placed.step.check;
    if (!check?.spec) continue;
    for (const problem of causeProblems(placed.step.id ?? placed.key, check.spec, forCauses)) {
      const range = placed.source.checkRange(check, { start: problem.start, end: problem.end });
      out.push(shiftDiagnostic(diagnostic(range, 'error', problem.code, problem.message), placed.by));
    }
  }
  return out;
}
