// The files a step's `fetch=` brought from each host, in the result view: taken from the saved
// outputs, which carry them (pipeline/evidenceFiles.ts fetchedFields), so a live run and a reopened
// record show the same lines.

import type { StepResultView } from '../protocol/renderer';
import type { SavedOutput } from '../runbook/model';
import type { StepRun } from './runTypes';

/** Adds each host's fetched files to `view` (whose hosts are in the order of `run.hostRuns`). */
export function withFetchedFiles(view: StepResultView, run: StepRun, saved: readonly SavedOutput[] | undefined): StepResultView {
  if (!saved?.some((s) => s.fetched?.length)) return view;
  const byRun = new Map(saved.map((s) => [s.runId, s]));
  run.hostRuns.forEach((r, i) => {
    const fetched = byRun.get(r.runId)?.fetched;
    const host = view.hosts[i];
    if (fetched?.length && host?.host === r.host.name) host.fetched = fetched.map((f) => ({ ...f }));
  });
  return view;
}
