// One responder working through one runbook: parameters, the values gathered so far, and (for an
// incident record) the journal and the full outputs on disk. The run pipeline (src/pipeline/) owns one per run.

import os from 'node:os';
import type { HostConfig } from '../hosts/types';
import { redactDeep, type Redactor } from '../redact/redactor';
import type { Runbook, SavedOutput, Step } from '../runbook/model';
import type { VariableType } from '../ssh/script';
import type { Executor } from '../ssh/types';
import { inconclusiveRun } from './evidence';
import { splitSampleText } from './sampleText';
import { Journal, writeOutput } from './journal';
import { runStep, type Confirmation, type HostRun, type RunObserver, type StepRun } from './runStep';
import { ValueStore } from './scope';

export interface SessionOptions {
  runbook: Runbook;
  /** The incident record's path: runs are journaled next to it. Undefined for a template run. */
  recordPath?: string;
  params: Record<string, string>;
  executorFor: (host: HostConfig) => Executor;
  redactor: Redactor;
  defaultTimeoutMs?: number;
  outputCapBytes?: number;
  concurrency?: number;
  responder?: string;
  /** Extra listener (the notebook's streaming output, the CLI's progress lines). */
  observer?: RunObserver;
  /** Asks a host's sudo password for `sudo` steps (the pipeline: through the prompter, redacted, kept for the run). */
  sudoPassword?: (host: HostConfig, wrongBefore: boolean) => Promise<string | undefined>;
  /** Where outputs too large for memory are written in full (the pipeline's: with the record, or a folder removed at the end). */
  spillDir?: string;
}

/** How much of an output goes into the record itself; the rest stays in the output file. */
const RECORD_TEXT_LIMIT = 64 * 1024;

export class IncidentSession {
  readonly values: ValueStore;
  private readonly journal?: Journal;
  private readonly outputRefs = new Map<string, string>();

  constructor(private readonly options: SessionOptions) {
    this.values = new ValueStore(options.params);
    for (const step of options.runbook.steps) {
      const last = step.outputs.at(-1);
      if (last) this.values.record(step.key, last.values);
    }
    if (options.recordPath) this.journal = Journal.open(options.recordPath, { redact: (t) => options.redactor.redactFields(t) });
  }

  get runbook(): Runbook {
    return this.options.runbook;
  }

  get responder(): string {
    return this.options.responder ?? safeUserName();
  }

  /** Who confirms, for `confirm` steps: the responder, now. */
  confirmation(how = 'confirmed'): Confirmation {
    return { by: `${this.responder} (${how})`, at: new Date() };
  }

  async run(step: Step, hosts: HostConfig[], extra: { confirmation?: Confirmation; signal?: AbortSignal } = {}): Promise<StepRun> {
    return runStep({ ...this.baseRequest(), step, hosts, ...extra });
  }

  /** The run as it is saved in a record: redacted, trimmed, with a link to the full output. */
  async savedOutput(run: HostRun): Promise<SavedOutput> {
    const { result } = run;
    const raw = result.stdout.text + (result.stderr.text ? (result.stdout.text && !result.stdout.text.endsWith('\n') ? '\n' : '') + result.stderr.text : '');
    const text = await this.options.redactor.redact(raw);
    const fields = (t: string) => this.options.redactor.redactFields(t);
    const tooLong = text.length > RECORD_TEXT_LIMIT;
    return {
      step: run.step.key,
      host: run.host.name,
      startedAt: result.startedAt.toISOString(),
      durationMs: result.durationMs,
      exitCode: result.exitCode,
      signal: result.signal,
      termination: result.termination,
      text: tooLong
        ? `${text.slice(0, RECORD_TEXT_LIMIT / 2)}\n… trimmed; full output in ${this.outputRefs.get(run.runId) ?? 'the output file'} …\n${text.slice(-RECORD_TEXT_LIMIT / 2)}`
        : text,
      truncated: tooLong || result.stdout.truncated || result.stderr.truncated,
      fullOutputRef: this.outputRefs.get(run.runId),
      // Every field beside the text is redacted too: a secret can come back in a parsed value or a message.
      values: redactDeep(run.outcome?.values ?? {}, fields),
      findings: redactDeep(run.outcome?.findings ?? [], fields),
      next: run.decision.next?.key,
      why: fields(run.decision.why),
      runId: run.runId,
      ...evidenceFields(run, fields),
      // What the live view showed for a host that did not finish, so a reopened record shows it too.
      ...(result.error
        ? { error: { kind: result.error.kind, message: fields(result.error.message), ...(result.error.hint ? { hint: fields(result.error.hint) } : {}) } }
        : {}),
      ...sampleFields(result.stdout.text),
    };
  }

  /** A line in the incident's timeline (a rollout batch, a cancel), by the responder. */
  note(text: string): void {
    this.journal?.append({ type: 'note', text, time: new Date().toISOString(), author: this.responder });
  }

  close(): void {
    this.journal?.close();
  }

  private baseRequest() {
    const { options } = this;
    return {
      runbook: options.runbook,
      executorFor: options.executorFor,
      values: this.values,
      declared: Object.fromEntries(
        (options.runbook.frontMatter?.parameters ?? []).map((p) => [p.name, { type: p.type as VariableType | undefined, pattern: p.pattern }]),
      ),
      defaultTimeoutMs: options.defaultTimeoutMs,
      outputCapBytes: options.outputCapBytes,
      spillDir: options.spillDir,
      sudoPassword: options.sudoPassword,
      concurrency: options.concurrency,
      observer: this.journalingObserver(),
    };
  }

  /** Journals every run before it starts and when it ends, then passes events on. */
  private journalingObserver(): RunObserver {
    const outer = this.options.observer;
    const journal = this.journal;
    const recordPath = this.options.recordPath;
    const redactor = this.options.redactor;
    return {
      started: (run) => {
        journal?.append({
          type: 'step-start',
          runId: run.runId,
          step: { key: run.step.key, id: run.step.id, title: run.step.title },
          host: run.host.name,
          command: run.command,
          startedAt: run.startedAt.toISOString(),
          confirmedBy: run.confirmation ? { user: run.confirmation.by, at: run.confirmation.at.toISOString() } : undefined,
        });
        outer?.started?.(run);
      },
      output: (event) => outer?.output?.(event),
      ended: (run) => {
        const { result } = run;
        let outputRef: string | undefined;
        if (journal && recordPath) {
          const full = redactor.redactFields(result.stdout.text + result.stderr.text);
          outputRef = writeOutput(recordPath, run.runId, full);
          this.outputRefs.set(run.runId, outputRef);
          journal.append({
            type: 'step-end',
            runId: run.runId,
            endedAt: new Date(result.startedAt.getTime() + result.durationMs).toISOString(),
            durationMs: result.durationMs,
            exitCode: result.exitCode,
            signal: result.signal,
            termination: result.termination,
            outputRef,
            outputBytes: result.stdout.bytes + result.stderr.bytes,
            truncated: result.stdout.truncated || result.stderr.truncated,
            values: run.outcome?.values ?? {},
            findings: run.outcome?.findings ?? [],
            next: run.decision.next?.key,
            why: run.decision.why,
            error: result.error ? { kind: result.error.kind, message: result.error.message, hint: result.error.hint } : undefined,
            ...evidenceFields(run, (t) => t),
          });
        }
        outer?.ended?.(run);
      },
    };
  }
}

/** The evidence state a record and the journal keep for a finished run: inconclusive with its reason, or what the check found. */
function evidenceFields(run: HostRun, redact: (t: string) => string): Pick<SavedOutput, 'evidence' | 'inconclusive'> {
  if (run.result.termination !== 'exit' && run.result.termination !== 'signal' && !inconclusiveRun(run)) return {};
  const unsure = inconclusiveRun(run);
  if (unsure) return { evidence: 'inconclusive', inconclusive: { reason: redact(unsure.reason), ...(unsure.hint ? { hint: redact(unsure.hint) } : {}) } };
  return { evidence: (run.outcome?.findings.length ?? 0) > 0 ? 'findings' : 'nothing-found' };
}

/** The times of a `samples=N` run's samples, so a record says how its `delta.`/`rate.` values were taken. */
function sampleFields(stdout: string): Pick<SavedOutput, 'samples'> {
  const samples = splitSampleText(stdout);
  return samples.length > 1 ? { samples: samples.map((s) => s.at.toISOString()) } : {};
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
