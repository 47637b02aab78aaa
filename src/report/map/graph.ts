// A runbook's decision graph: every step a node, an edge for each finding rule's `next`, for the
// check's default `next` (or the following step) and for `verify` steps; with a record's saved
// outputs, the path each host took, each step's verdict and how many hosts went along each edge.
// Edges follow the engine's decision (src/engine/decide.ts) so the map shows what --auto would do.

import type { Finding, FindingRule } from '../../checks/spec';
import type { Runbook, SavedOutput, Step } from '../../runbook/model';
import { runsByHost } from '../../engine/replay';
import { END_NODE, VERDICT_ORDER, type MapEdge, type MapNode, type RunbookMapModel, type StepVerdict } from '../../protocol/map';

/** Keys of the diagnosis contract (CONTRACT.md) that a rule or a finding may carry. */
export interface CauseFields {
  cause?: string;
  verify?: string[];
  confirms?: string;
  refutes?: string;
}

const MAX_RULE_LABEL = 40;

export function ruleLabel(rule: FindingRule & CauseFields): string {
  const what = rule.cause ?? rule.confirms ?? rule.refutes ?? rule.when.replace(/\s+/g, ' ').trim();
  const short = what.length > MAX_RULE_LABEL ? `${what.slice(0, MAX_RULE_LABEL - 1)}…` : what;
  return `${rule.severity}: ${short}`;
}

/** What the map needs of one recorded run (a saved output, a journal entry, a postmortem run). */
// Termination as text: runs also come from journals and fixtures written by hand.
export type MapRun = Pick<SavedOutput, 'step' | 'host' | 'startedAt' | 'findings' | 'next'> & { termination: string; evidence?: string };

/** The map of a runbook; `runs` defaults to the outputs saved in it (an incident record). */
export function buildRunbookMap(runbook: Runbook, runs: readonly MapRun[] = runbook.steps.flatMap((s) => s.outputs)): RunbookMapModel {
  const nodes = new Map<string, MapNode>();
  for (const step of runbook.steps) {
    nodes.set(step.key, { key: step.key, title: step.title ?? step.key, kind: 'step', confirm: step.confirm, line: step.range.start.line });
  }
  const edges: MapEdge[] = [];
  const target = (name: string): string => {
    if (name === 'end') return endNode(nodes);
    const step = findStep(runbook, name);
    if (step) return step.key;
    const key = `missing:${name}`;
    if (!nodes.has(key)) nodes.set(key, { key, title: `${name} (no such step)`, kind: 'missing', confirm: false });
    return key;
  };
  const add = (edge: Omit<MapEdge, 'id' | 'hosts'>) => {
    const n = edges.filter((e) => e.from === edge.from && e.to === edge.to).length;
    edges.push({ ...edge, id: `${edge.from}->${edge.to}#${n + 1}`, hosts: 0 });
  };
  runbook.steps.forEach((step, index) => {
    const spec = step.check?.spec;
    spec?.findings.forEach((rule: FindingRule & CauseFields, i) => {
      if (rule.next !== undefined) add({ from: step.key, to: target(rule.next), kind: 'finding', severity: rule.severity, rule: i, label: ruleLabel(rule) });
      for (const verify of rule.verify ?? [])
        add({ from: step.key, to: target(verify), kind: 'verify', rule: i, label: `verify ${rule.cause ?? ruleLabel(rule)}` });
    });
    if (spec?.next !== undefined) add({ from: step.key, to: target(spec.next), kind: 'default', label: 'default' });
    else add({ from: step.key, to: runbook.steps[index + 1]?.key ?? endNode(nodes), kind: 'file-order', label: 'next in file' });
  });
  const hostCount = markPaths(nodes, edges, runs, add);
  return { title: runbook.frontMatter?.title ?? runbook.fileName, nodes: [...nodes.values()], edges, hostCount };
}

function endNode(nodes: Map<string, MapNode>): string {
  if (!nodes.has(END_NODE)) nodes.set(END_NODE, { key: END_NODE, title: 'End', kind: 'end', confirm: false });
  return END_NODE;
}

function findStep(runbook: Runbook, name: string): Step | undefined {
  return runbook.steps.find((s) => s.id === name) ?? runbook.steps.find((s) => s.key === name);
}

/** What one run showed. Inconclusive is read from the run when the engine recorded it (CONTRACT.md). */
export function verdictOf(run: MapRun): StepVerdict {
  if (run.termination !== 'exit' && run.termination !== 'signal') return 'failed';
  if (run.evidence === 'inconclusive') return 'inconclusive';
  for (const severity of ['critical', 'warning', 'info'] as const) if (run.findings.some((f) => f.severity === severity)) return severity;
  return 'nothing-found';
}

function markPaths(nodes: Map<string, MapNode>, edges: MapEdge[], runs: readonly MapRun[], add: (edge: Omit<MapEdge, 'id' | 'hosts'>) => void): number {
  const byHost = runsByHost(runs.filter((r) => nodes.has(r.step)));
  let order = 0;
  const latest = [...byHost.values()]
    .flat()
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .at(-1);
  for (const [, path] of byHost) {
    path.forEach((run, i) => {
      const node = nodes.get(run.step)!;
      if (node.order === undefined) node.order = ++order;
      const verdict = verdictOf(run);
      node.verdicts = { ...node.verdicts, [verdict]: (node.verdicts?.[verdict] ?? 0) + 1 };
      const following = path[i + 1];
      // The engine records "end" as no next step; hand-written journals may say `end`.
      const ended = (run.next === undefined || run.next === 'end') && (run.termination === 'exit' || run.termination === 'signal');
      const to = following ? following.step : ended ? END_NODE : undefined;
      if (to === undefined) return;
      let edge = takenEdge(edges, run, to);
      if (!edge && following) {
        add({ from: run.step, to, kind: 'responder', label: 'run by hand' });
        edge = edges.at(-1);
      }
      if (edge) edge.hosts++;
    });
  }
  for (const node of nodes.values()) {
    if (node.verdicts) node.verdict = VERDICT_ORDER.find((v) => node.verdicts?.[v]);
    if (latest && node.key === latest.step) node.current = true;
  }
  return byHost.size;
}

/** The edge a run left by: the raised finding that chose the next step, else the default. */
function takenEdge(edges: MapEdge[], run: MapRun, to: string): MapEdge | undefined {
  const from = edges.filter((e) => e.from === run.step && e.to === to);
  // A step's key is its id when it has one, so a recorded `next` names the node directly.
  const next = run.next === 'end' ? END_NODE : run.next;
  if (next !== undefined && next !== to) return from.find((e) => e.kind === 'responder');
  const chooser: Finding | undefined = run.findings.find((f) => f.next !== undefined);
  if (chooser) {
    const byRule = from.find((e) => e.kind === 'finding' && e.rule === chooser.rule);
    if (byRule) return byRule;
  }
  return from.find((e) => e.kind === 'default' || e.kind === 'file-order') ?? from.find((e) => e.kind === 'verify') ?? from[0];
}

/** The map for a postmortem: its runs (from the journal) as the path taken. */
export function postmortemMap(
  runbook: Runbook,
  runs: readonly { stepKey: string; host: string; startedAt: string; termination: string; findings: Finding[]; next?: string }[],
): RunbookMapModel {
  return buildRunbookMap(
    runbook,
    runs.map((r) => ({ step: r.stepKey, host: r.host, startedAt: r.startedAt, termination: r.termination, findings: r.findings, next: r.next })),
  );
}
