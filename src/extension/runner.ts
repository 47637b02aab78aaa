// Runs a notebook's step cells through the engine: checks trust, offers an incident for a template,
// resolves the target and parameters, asks before `confirm` steps, then one step or automatic
// progression (Run All / Run from here) with live output. Heavy modules load on the first run.

import * as vscode from 'vscode';
import type { Executors } from '../engine/executors';
import { runProgression } from '../engine/progression';
import type { Confirmation } from '../engine/runStep';
import type { IncidentSession } from '../engine/session';
import type { HostConfig } from '../hosts/types';
import type { Redactor } from '../redact/redactor';
import type { Runbook, Step } from '../runbook/model';
import type { HostStates } from './hostStates';
import { LiveCells } from './liveCells';
import { isTemplate, notebookRunbook } from './notebookModel';
import { isStepCell, type NotebookRunbook } from './notebookRunbook';
import { knownParameters, parameterProblem } from './parameterValues';
import type { VsCodePrompter } from './prompter';
import { readSettings, type RunSettings } from './settings';
import type { HostTargets } from './hostTargets';

interface NotebookState {
  params: Record<string, string>;
  /** The user chose to run in the template without an incident record. */
  runInTemplate?: boolean;
  batch?: AbortController;
}

export interface RunnerParts {
  log: vscode.LogOutputChannel;
  hostStates: HostStates;
  redactor: Redactor;
  prompter: VsCodePrompter;
  targets: HostTargets;
}

export class NotebookRunner implements vscode.Disposable {
  private executors?: Promise<Executors>;
  private readonly states = new Map<string, NotebookState>();

  constructor(private readonly parts: RunnerParts) {}

  async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      await refuseUntrusted();
      return;
    }
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

    const hosts = await this.parts.targets.resolveFor(notebook, nb.runbook.frontMatter);
    if (!hosts) return;
    const stepTargets = await this.stepTargets(notebook, nb.runbook);
    if (!stepTargets) return;
    const { hostsForStep } = await import('../engine/stepTargets');
    const params = await this.askParameters(nb.runbook, state);
    if (!params) return;

    const settings = readSettings(notebook.uri);
    const executors = await this.executorsFor(settings);
    const { IncidentSession } = await import('../engine/session');
    const abort = new AbortController();
    state.batch = abort;
    const live = new LiveCells(controller, notebook, nb.cellOf, {
      hosts: hosts.length,
      capChars: Math.min(settings.outputCapBytes, 200_000),
      abort,
      hostStates: this.parts.hostStates,
      redactKnown: (t) => this.parts.redactor.redactKnown(t),
      onFailure: () => void this.parts.prompter.forgetServed(),
      log: this.parts.log,
    });
    const session = new IncidentSession({
      runbook: nb.runbook,
      recordPath: isRecord && notebook.uri.scheme === 'file' ? notebook.uri.fsPath : undefined,
      params,
      executorFor: (h) => executors.executorFor(h),
      redactor: this.parts.redactor,
      defaultTimeoutMs: settings.defaultTimeoutMs,
      outputCapBytes: settings.outputCapBytes,
      concurrency: settings.groupConcurrency,
      observer: live.observer,
    });
    this.parts.prompter.resetServed();
    try {
      const run = async (step: Step, confirmation: Confirmation | undefined) => {
        live.begin(step);
        return session.run(step, hostsForStep(step, stepTargets, hosts), { confirmation, signal: abort.signal });
      };
      const confirm = (step: Step) => this.confirm(step, hostsForStep(step, stepTargets, hosts), session);
      const first = nb.stepAt.get(steps[0].index);
      if (!first) return;
      if (steps.length === 1) {
        const confirmation = first.confirm ? await confirm(first) : undefined;
        if (first.confirm && !confirmation) return;
        await live.finish(await run(first, confirmation), session);
      } else {
        const result = await runProgression({ from: first, run, confirm, onStep: (r) => live.finish(r, session), signal: abort.signal });
        this.parts.log.info(`${nb.runbook.fileName}: ${result.path.map((r) => r.step.key).join(' → ')}: ${result.explanation}`);
        void this.tellWhereItStopped(notebook, nb, result.explanation, result.reason === 'end' ? undefined : result.stoppedAt);
      }
      await this.parts.targets.used(hosts);
    } catch (error) {
      this.parts.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      void vscode.window.showErrorMessage(`Running the step failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      live.endAll();
      session.close();
      state.batch = undefined;
    }
    // A record's runs belong in its file at once, as the CLI writes them.
    if (isRecord && notebook.uri.scheme === 'file' && !notebook.isClosed) await notebook.save();
  }

  cancel(notebook: vscode.NotebookDocument): boolean {
    const batch = this.states.get(notebook.uri.toString())?.batch;
    batch?.abort();
    return Boolean(batch);
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
    const executors = this.executors;
    this.executors = undefined;
    void executors?.then((e) => e.closeAll());
  }

  private stateOf(notebook: vscode.NotebookDocument): NotebookState {
    const key = notebook.uri.toString();
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { params: {} }));
    return state;
  }

  private async executorsFor(settings: RunSettings): Promise<Executors> {
    this.executors ??= import('../engine/executors').then(({ createExecutors }) =>
      createExecutors({
        prompter: this.parts.prompter,
        maxSessionsPerHost: settings.maxSessionsPerHost,
        keepaliveSeconds: settings.keepaliveSeconds,
        log: (line) => this.parts.log.debug(line),
      }),
    );
    return this.executors;
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

  private async askParameters(runbook: Runbook, state: NotebookState): Promise<Record<string, string> | undefined> {
    const { values, missing } = knownParameters(runbook, state.params);
    for (const p of missing) {
      const answer = await vscode.window.showInputBox({
        title: `Runbook parameter: ${p.name}`,
        prompt: `${p.prompt ?? p.name}${p.type ? ` (${p.type})` : ''}: asked once for this incident`,
        password: p.secret,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? 'A value is needed.' : parameterProblem(p, value.trim())),
      });
      if (answer === undefined) {
        void vscode.window.showWarningMessage(
          `${runbook.fileName}:${p.range.start.line + 1}: parameter "${p.name}" has no value, so nothing ran. Give it a default in the front matter, or run again and type it.`,
        );
        return undefined;
      }
      values[p.name] = answer.trim();
      state.params[p.name] = answer.trim();
      if (p.secret) this.parts.redactor.addSecret(answer.trim());
    }
    return values;
  }

  /** Steps with their own `hosts=`, resolved before anything runs; undefined = a name did not resolve (shown). */
  private async stepTargets(notebook: vscode.NotebookDocument, runbook: Runbook): Promise<Map<string, HostConfig[]> | undefined> {
    const [{ resolveStepTargets }, { resolveTarget }] = await Promise.all([import('../engine/stepTargets'), import('../hosts/targets')]);
    try {
      return await resolveStepTargets(runbook, (name) => resolveTarget(name, this.parts.targets.targetOptions(notebook)));
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  private async confirm(step: Step, hosts: HostConfig[], session: IncidentSession): Promise<Confirmation | undefined> {
    const names = hosts.map((h) => h.name).join(', ');
    const run = 'Run';
    const choice = await vscode.window.showWarningMessage(
      `"${step.title ?? step.key}" changes the host. Run on ${names}?`,
      { modal: true, detail: `Command:\n${step.command}\n\nHost${hosts.length > 1 ? 's' : ''}: ${names}` },
      run,
    );
    return choice === run ? session.confirmation('confirmed in VS Code') : undefined;
  }

  private async tellWhereItStopped(notebook: vscode.NotebookDocument, nb: NotebookRunbook, explanation: string, at: Step | undefined): Promise<void> {
    const index = at ? nb.cellOf.get(at.key) : undefined;
    if (index === undefined) {
      await vscode.window.showInformationMessage(explanation.charAt(0).toUpperCase() + explanation.slice(1));
      return;
    }
    const reveal = 'Show Step';
    if ((await vscode.window.showInformationMessage(explanation.charAt(0).toUpperCase() + explanation.slice(1), reveal)) === reveal)
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
