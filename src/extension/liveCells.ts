// The cells of one run batch while steps run: one cell execution per step, output streamed into it
// (throttled and capped), then replaced by the final outputs. Also feeds the Hosts view.

import * as vscode from 'vscode';
import type { HostRun, StepRun } from '../engine/runStep';
import type { RunListener } from '../pipeline/incidentRun';
import type { SavedOutput } from '../runbook/model';
import { failedRuns } from '../engine/resultView';
import { OutputThrottle } from '../engine/throttle';
import { timeOnHostsMs } from '../engine/timeOnHosts';
import { formatProgress, hostRunNeedsRerun, type GroupProgress } from '../engine/progress';

/** Above this many hosts only failed hosts get a line of their own (as in the CLI). */
const LARGE_GROUP = 50;
import type { Step } from '../runbook/model';
import { stepRunOutputs } from './cellOutputs';
import type { HostStates } from './hostStates';

interface LiveCell {
  execution: vscode.NotebookCellExecution;
  /** When the cell's execution started (the click, or the run reaching this step). */
  startedAt: number;
  /** Output appends, in order; finishing waits for them. */
  queue: Promise<unknown>;
  stream?: vscode.NotebookCellOutput;
  done: number;
  /** Hosts this run of the step goes to: one host streams its output, a group shows progress lines. */
  hosts: number;
  /** The group's progress line (done, failed, remaining, ETA), replaced as hosts end. */
  progress?: vscode.NotebookCellOutput;
  progressShownAt?: number;
  latestProgress?: GroupProgress;
  progressTimer?: ReturnType<typeof setTimeout>;
}

let executionOrder = 0;

/**
 * Brings a finished step's verdict (the top of its outputs) into view: the cell is scrolled to the
 * top unless it lies wholly inside the visible cells. The first or last visible cell is only partly
 * in view: its verdict may be above or below the fold (its code at the bottom, the result out of
 * sight). Only in an editor already showing the notebook: a run never steals focus.
 */
export function revealVerdict(notebook: vscode.NotebookDocument, index: number): void {
  const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
  if (!editor) return;
  if (editor.visibleRanges.some((r) => r.start < index && index < r.end - 1)) return;
  editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.AtTop);
}

export class LiveCells {
  private readonly cells = new Map<string, LiveCell>();
  private readonly throttles = new Map<string, OutputThrottle>();

  constructor(
    private readonly controller: vscode.NotebookController,
    private readonly notebook: vscode.NotebookDocument,
    private readonly cellOf: Map<string, number>,
    private readonly options: {
      /** Runs are saved into the file only in an incident record. */
      record: boolean;
      capChars: number;
      abort: AbortController;
      hostStates: HostStates;
      redactKnown: (text: string) => string;
      onFailure: (run: HostRun) => void;
      log: vscode.LogOutputChannel;
    },
  ) {}

  /** Starts the step's cell execution; the cell's stop button cancels the whole batch. */
  begin(step: Step, hosts: number): void {
    if (this.cells.has(step.key)) return;
    const index = this.cellOf.get(step.key);
    if (index === undefined) return;
    const execution = this.controller.createNotebookCellExecution(this.notebook.cellAt(index));
    execution.executionOrder = ++executionOrder;
    execution.token.onCancellationRequested(() => this.options.abort.abort());
    const startedAt = Date.now();
    execution.start(startedAt);
    const live: LiveCell = { execution, startedAt, queue: Promise.resolve(), done: 0, hosts };
    live.queue = Promise.resolve(execution.clearOutput()).then(undefined, (e: unknown) => this.options.log.warn(`clearOutput: ${String(e)}`));
    this.cells.set(step.key, live);
  }

  get listener(): RunListener {
    return {
      stepStarted: (step, hosts) => this.begin(step, hosts.length),
      stepEnded: (run, saved) => this.finish(run, saved),
      progress: (p) => this.showProgress(p),
      started: (run) => {
        this.options.hostStates.started(run.host.name);
        if ((this.cells.get(run.step.key)?.hosts ?? 1) === 1) {
          this.throttles.set(run.runId, new OutputThrottle({ capChars: this.options.capChars, flush: (text) => this.append(run.step.key, text) }));
        }
      },
      output: (event) => this.throttles.get(event.runId)?.push(this.options.redactKnown(event.chunk)),
      ended: (run) => {
        this.throttles.get(run.runId)?.end();
        this.throttles.delete(run.runId);
        this.options.hostStates.ended(run);
        if (run.result.error?.kind === 'auth') this.options.onFailure(run);
        const live = this.cells.get(run.step.key);
        // A large group lists only the hosts that need another look; the progress line counts the rest.
        if (live && live.hosts > 1 && (live.hosts <= LARGE_GROUP || hostRunNeedsRerun(run))) {
          live.done++;
          const r = run.result;
          const status = r.termination === 'exit' ? `exit ${r.exitCode}` : `${r.termination}${r.error ? ` (${r.error.kind})` : ''}`;
          this.append(run.step.key, `[${live.done}/${live.hosts}] ${run.host.name}: ${status} in ${(r.durationMs / 1000).toFixed(2)} s\n`);
        }
      },
    };
  }

  /** Replaces the live output with the record's view of the run and ends the cell. */
  async finish(run: StepRun, saved: SavedOutput[]): Promise<void> {
    const live = this.cells.get(run.step.key);
    if (!live) return;
    this.cells.delete(run.step.key);
    if (live.progressTimer) clearTimeout(live.progressTimer);
    try {
      await live.queue;
      await live.execution.replaceOutput(stepRunOutputs(run, saved, !this.options.record));
    } finally {
      // VS Code's cell timer shows end minus start: end it at start plus the time on the hosts, so a
      // host-key question or a slow connection before the command is not counted (as in the result).
      const onHosts = timeOnHostsMs(run);
      live.execution.end(failedRuns(run).length === 0, onHosts === undefined ? Date.now() : live.startedAt + onHosts);
    }
    const index = this.cellOf.get(run.step.key);
    if (index !== undefined) revealVerdict(this.notebook, index);
  }

  /** The group's progress as one line, replaced in place at most twice a second; a held-back count is shown when the half second is up. */
  private showProgress(p: GroupProgress): void {
    const live = this.cells.get(p.stepKey);
    if (!live) return;
    live.latestProgress = p;
    const wait = live.progressShownAt === undefined || p.remaining === 0 ? 0 : 500 - (Date.now() - live.progressShownAt);
    if (wait > 0) {
      live.progressTimer ??= setTimeout(() => {
        live.progressTimer = undefined;
        if (this.cells.get(p.stepKey) === live && live.latestProgress) this.writeProgress(live, live.latestProgress);
      }, wait);
      return;
    }
    this.writeProgress(live, p);
  }

  private writeProgress(live: LiveCell, p: GroupProgress): void {
    live.progressShownAt = Date.now();
    const item = vscode.NotebookCellOutputItem.stdout(`${formatProgress(p)}\n`);
    live.queue = live.queue
      .then(async () => {
        if (live.progress) return live.execution.replaceOutputItems(item, live.progress);
        live.progress = new vscode.NotebookCellOutput([item]);
        return live.execution.appendOutput(live.progress);
      })
      .then(undefined, (e: unknown) => this.options.log.warn(`progress: ${String(e)}`));
  }

  /** Ends executions that never got a result (an exception mid-run): none stays spinning. */
  endAll(): void {
    for (const live of this.cells.values()) {
      if (live.progressTimer) clearTimeout(live.progressTimer);
      live.execution.end(false, Date.now());
    }
    this.cells.clear();
    for (const throttle of this.throttles.values()) throttle.end();
    this.throttles.clear();
  }

  private append(stepKey: string, text: string): void {
    const live = this.cells.get(stepKey);
    if (!live) return;
    const item = vscode.NotebookCellOutputItem.stdout(text);
    live.queue = live.queue
      .then(async () => {
        if (live.stream) return live.execution.appendOutputItems(item, live.stream);
        live.stream = new vscode.NotebookCellOutput([item]);
        return live.execution.appendOutput(live.stream);
      })
      .then(undefined, (e: unknown) => this.options.log.warn(`streaming output: ${String(e)}`));
  }
}
