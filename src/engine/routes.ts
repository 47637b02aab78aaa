// Where each host of a step's run goes next, grouped: "web-3 -> raise-limit (CRITICAL); web-1,
// web-2 -> end". A group never follows one host's decision for all; each route names its hosts.

import type { FindingSeverity } from '../checks/spec';
import type { Decision } from './decide';
import type { HostRun, Route } from './runTypes';

export type { Route } from './runTypes';

const RANK: Record<FindingSeverity, number> = { info: 1, warning: 2, critical: 3 };

export function finished(run: HostRun): boolean {
  return run.result.termination === 'exit' || run.result.termination === 'signal';
}

export function worstSeverity(runs: HostRun[]): FindingSeverity | undefined {
  let worst: FindingSeverity | undefined;
  for (const run of runs) for (const f of run.outcome?.findings ?? []) if (!worst || RANK[f.severity] > RANK[worst]) worst = f.severity;
  return worst;
}

/** Routes of the hosts that finished, most severe first, then by host count. */
export function routesOf(hostRuns: HostRun[]): Route[] {
  const byNext = new Map<string, HostRun[]>();
  for (const run of hostRuns.filter(finished)) {
    const key = run.decision.next?.key ?? '';
    byNext.set(key, [...(byNext.get(key) ?? []), run]);
  }
  const routes = [...byNext.values()].map((runs): Route => ({
    next: runs[0].decision.next,
    why: runs[0].decision.why,
    hosts: runs,
    severity: worstSeverity(runs),
  }));
  return routes.sort((a, b) => (RANK[b.severity ?? 'info'] ?? 0) - (RANK[a.severity ?? 'info'] ?? 0) || b.hosts.length - a.hosts.length);
}

/** The decision every host agrees on; for hosts that go different ways, none (each route says where). */
export function sharedDecision(hostRuns: HostRun[], routes: Route[]): Decision {
  if (hostRuns.length === 1) return hostRuns[0].decision;
  const failed = hostRuns.filter((r) => !finished(r));
  if (routes.length === 1 && failed.length === 0) return hostRuns.find(finished)!.decision;
  if (routes.length === 0) return { why: `the step did not finish on any host` };
  return {
    why: `the hosts go different ways: ${describeRoutes(routes)}${failed.length ? `; did not finish: ${failed.map((r) => r.host.name).join(', ')}` : ''}`,
  };
}

/** "web-3 -> raise-limit (CRITICAL); web-1, web-2 -> end" */
export function describeRoutes(routes: Route[], hostLimit = 8): string {
  return routes
    .map((r) => {
      const names = r.hosts.map((h) => h.host.name);
      const shown = names.length > hostLimit ? `${names.slice(0, hostLimit).join(', ')} and ${names.length - hostLimit} more` : names.join(', ');
      return `${shown} -> ${r.next ? (r.next.id ?? r.next.key) : 'end'}${r.severity && r.severity !== 'info' ? ` (${r.severity.toUpperCase()})` : ''}`;
    })
    .join('; ');
}
