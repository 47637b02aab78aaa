// The notebook's adapter over the run pipeline (src/pipeline/): trust, the template question, which
// cells to run, VS Code's prompts and the live cells. Everything a run does happens in the pipeline,
// exactly as for `runbook run` in a terminal.

import * as vscode from 'vscode';
import type { Executors } from '../engine/executors';
import type { IncidentRun } from '../pipeline/incidentRun';
import type { Redactor } from '../redact/redactor';
import type { HostStates } from './hostStates';
import type { HostTargets } from './hostTargets';
import { LiveCells } from './liveCells';
import { isTemplate, notebookRunbook } from './openNotebook';
import { isStepCell, type NotebookRunbook } from '../runbook/runbookOfCells';
import type { VsCodePrompter } from './prompter';
import { vscodeRunPrompter } from './runPrompter';
import { readSettings, type RunSettings } from './settings';
import { progressionSummary, stepSummary, type RunSummary } from './runSummary';

interface NotebookState {
  /** Parameters typed for this notebook (asked once per incident). */
  params: Record<string, string>;
  /** The user chose to run in the template without an incident record. */
  runInTemplate?: boolean;
  batch?: AbortController;
  /** The next run of this step goes only to these hosts (a route's "Run next step" button). */
  narrowed?: { stepKey: string; hosts: string[] };
}

export interface RunnerParts {
  log: vscode.LogOutputChannel;
  hostStates: HostStates;
  redactor: Redactor;
  prompter: VsCodePrompter;
  targets: HostTargets;
  /** A run ended: its one-line summary (the status bar keeps it until the next run). */
  onRan?: (notebook: vscode.NotebookDocument, summary: RunSummary) => void;
  /** Parameters changed (typed, set, or given at Start Incident). */
  onParameters?: (notebook: vscode.NotebookDocument) => void;
}

export class NotebookRunner implements vscode.Disposable {
  /** One set of executors per engine (ssh2, ansible), kept across runs so connections are reused. */
  private readonly executors = new Map<string, Promise<Executors>>();
  private readonly states = new Map<string, NotebookState>();

  constructor(private readonly parts: RunnerParts) {}

  async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<void> {
    if (!vscode.workspace.isTrusted) return refuseUntrusted();
    const steps = cells.filter((c) => isStepCell({ kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markup', languageId: c.document.languageId }));
    if (steps.length === 0) {
      void vscode.window.showInformationMessage('A check cell belongs to the step above it: run that step.');
      return;
    }
    const state = this.stateOf(notebook);
    if (state.batch) {
      void vscode.window.showWarningMessage('Steps are already running in this runbook. Wait for them, or cancel (Runbook: Cancel Running Steps).');
      return;
    }
    let nb: NotebookRunbook;
    try {
      nb = notebookRunbook(notebook);
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return;
    }
    const isRecord = Boolean(nb.runbook.frontMatter?.incident);
    if (isTemplate(notebook, isRecord) && !state.runInTemplate && !(await this.runInTemplate(notebook, state))) return;
    const target = this.parts.targets.targetOf(notebook) ?? (await this.parts.targets.pick(notebook));
    if (!target) return;
    const first = nb.stepAt.get(steps[0].index);
    if (!first) return;

    const abort = new AbortController();
    state.batch = abort;
    const settings = readSettings(notebook.uri);
    const live = this.liveCells(controller, notebook, nb, settings, abort);
    let run: IncidentRun | undefined;
    this.parts.prompter.resetServed();
    try {
      run = await this.open(notebook, nb, target.names, state, settings, live);
      const narrowed = state.narrowed?.stepKey === first.key ? state.narrowed.hosts : undefined;
      state.narrowed = undefined;
      const only = narrowed ? run.hosts.filter((h) => narrowed.includes(h.name)) : undefined;
      this.parts.onParameters?.(notebook);
      if (steps.length === 1) {
        const ran = await run.step(first, { hosts: only, signal: abort.signal });
        if (ran) this.parts.onRan?.(notebook, stepSummary(ran));
      } else {
        const result = await run.auto(first, { signal: abort.signal, hosts: only });
        this.parts.log.info(`${nb.runbook.fileName}: ${result.explanation}`);
        const summary = progressionSummary(result);
        this.parts.onRan?.(notebook, summary);
        const said = [...result.verdicts, result.explanation].join('\n');
        void this.tellWhereItStopped(notebook, nb, said, summary.revealKey);
      }
      await this.parts.targets.used(run.hosts);
      await this.parts.targets.ranOn(notebook, target.names);
    } catch (error) {
      this.showFailure(error);
    } finally {
      live.endAll();
      run?.close();
      state.batch = undefined;
    }
    // A record's runs belong in its file at once, as the CLI writes them.
    if (isRecord && notebook.uri.scheme === 'file' && !notebook.isClosed) await notebook.save();
  }

  /** The next run of `stepKey` goes only to `hosts` (a route's button in a group result). */
  narrowNextRun(notebook: vscode.NotebookDocument, stepKey: string, hosts: string[]): void {
    this.stateOf(notebook).narrowed = { stepKey, hosts };
  }

  cancel(notebook: vscode.NotebookDocument): boolean {
    const batch = this.states.get(notebook.uri.toString())?.batch;
    batch?.abort();
    return Boolean(batch);
  }

  /** Sets a parameter for the next runs of this notebook (validated by the caller: pipeline/parameters.ts). */
  setParameter(notebook: vscode.NotebookDocument, name: string, value: string): void {
    this.stateOf(notebook).params[name] = value;
    this.parts.onParameters?.(notebook);
  }

  /** Parameters typed in this session for the notebook (given to a new incident record). */
  parametersOf(notebook: vscode.NotebookDocument): Record<string, string> {
    return { ...this.stateOf(notebook).params };
  }

  forget(notebook: vscode.NotebookDocument): void {
    this.states.get(notebook.uri.toString())?.batch?.abort();
    this.states.delete(notebook.uri.toString());
  }

  dispose(): void {
    for (const state of this.states.values()) state.batch?.abort();
    for (const executors of this.executors.values()) void executors.then((e) => e.closeAll());
    this.executors.clear();
  }

  private async open(
    notebook: vscode.NotebookDocument,
    nb: NotebookRunbook,
    names: string[],
    state: NotebookState,
    settings: RunSettings,
    live: LiveCells,
  ): Promise<IncidentRun> {
    const [{ openIncidentRun }, executors] = await Promise.all([import('../pipeline/incidentRun'), this.executorsFor(settings)]);
    const isRecord = Boolean(nb.runbook.frontMatter?.incident);
    return openIncidentRun({
      runbook: nb.runbook,
      recordPath: isRecord && notebook.uri.scheme === 'file' ? notebook.uri.fsPath : undefined,
      targetNames: names,
      targetOptions: this.parts.targets.targetOptions(notebook),
      given: state.params,
      prompter: vscodeRunPrompter(this.parts.prompter, state.params),
      executors,
      redactor: this.parts.redactor,
      settings: { defaultTimeoutMs: settings.defaultTimeoutMs, outputCapBytes: settings.outputCapBytes, concurrency: settings.groupConcurrency },
      listener: live.listener,
    });
  }

  private liveCells(
    controller: vscode.NotebookController,
    notebook: vscode.NotebookDocument,
    nb: NotebookRunbook,
    settings: RunSettings,
    abort: AbortController,
  ) {
    return new LiveCells(controller, notebook, nb.cellOf, {
      record: Boolean(nb.runbook.frontMatter?.incident),
      capChars: Math.min(settings.outputCapBytes, 200_000),
      abort,
      hostStates: this.parts.hostStates,
      redactKnown: (t) => this.parts.redactor.redactKnown(t),
      onFailure: () => void this.parts.prompter.forgetServed(),
      log: this.parts.log,
    });
  }

  private showFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const hint = (error as { hint?: string } | undefined)?.hint;
    if ((error as { name?: string } | undefined)?.name === 'RunbookError') {
      void vscode.window.showErrorMessage(message, { modal: false, detail: hint });
      this.parts.log.warn(`${message}${hint ? ` — ${hint}` : ''}`);
      return;
    }
    this.parts.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void vscode.window.showErrorMessage(`Running the step failed: ${message}`);
  }

  private stateOf(notebook: vscode.NotebookDocument): NotebookState {
    const key = notebook.uri.toString();
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { params: {} }));
    return state;
  }

  private async executorsFor(settings: RunSettings): Promise<Executors> {
    const { createExecutors, engineForInventory } = await import('../engine/executors');
    const engine = engineForInventory(settings.executor, settings.inventoryPath);
    let executors = this.executors.get(engine);
    if (!executors) {
      executors = Promise.resolve(
        createExecutors({
          prompter: this.parts.prompter,
          engine,
          maxSessionsPerHost: settings.maxSessionsPerHost,
          keepaliveSeconds: settings.keepaliveSeconds,
          log: (line) => this.parts.log.debug(line),
        }),
      );
      this.executors.set(engine, executors);
    }
    return executors;
  }

  private async runInTemplate(notebook: vscode.NotebookDocument, state: NotebookState): Promise<boolean> {
    const start = 'Start Incident';
    const here = 'Run in the Template';
    const choice = await vscode.window.showInformationMessage(
      'This is a runbook template. Start an incident first?',
      {
        modal: true,
        detail:
          'An incident copies the runbook into the incidents folder and journals every run, so the postmortem can be written from it. Running in the template records nothing.',
      },
      start,
      here,
    );
    if (choice === start) await vscode.commands.executeCommand('runbook.startIncident', notebook.uri);
    if (choice !== here) return false;
    state.runInTemplate = true;
    return true;
  }

  /** The view moves to the step where the run stopped at once; the message says why (the status bar keeps it). */
  private async tellWhereItStopped(notebook: vscode.NotebookDocument, nb: NotebookRunbook, explanation: string, atKey: string | undefined): Promise<void> {
    const index = atKey ? nb.cellOf.get(atKey) : undefined;
    const text = explanation.charAt(0).toUpperCase() + explanation.slice(1);
    if (index !== undefined && !notebook.isClosed) await revealCell(notebook, index);
    const reveal = 'Show Step';
    if ((await vscode.window.showInformationMessage(text, ...(index === undefined ? [] : [reveal]))) === reveal && index !== undefined)
      await revealCell(notebook, index);
  }
}

export async function revealCell(notebook: vscode.NotebookDocument, index: number): Promise<void> {
  const editor = await vscode.window.showNotebookDocument(notebook);
  const range = new vscode.NotebookRange(index, index + 1);
  editor.selections = [range];
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
}

export async function refuseUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'This workspace is in Restricted Mode: runbook steps do not run on any host until you trust it.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}
