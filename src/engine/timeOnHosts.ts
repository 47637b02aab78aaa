// How long a step took on its hosts: from the first command's start on a host to the last one's end.
// Waiting for a host-key answer, a password or a connection is not in it (the clock of each host's
// result starts when its command starts: ssh/exec.ts), so "0.1 s" for a `cat` is what the host spent.

import type { StepRun } from './runTypes';

export function timeOnHostsMs(run: Pick<StepRun, 'hostRuns'>): number | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const { result } of run.hostRuns) {
    const start = result.startedAt.getTime();
    first = Math.min(first, start);
    last = Math.max(last, start + result.durationMs);
  }
  return Number.isFinite(first) ? Math.max(0, last - first) : undefined;
}
