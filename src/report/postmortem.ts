// The postmortem as plain data, built from an incident record and its journal, following
// Google SRE's postmortem template. The Markdown and HTML renderers only lay this model out.

import path from 'node:path';
import { causeVerdicts, type CauseVerdict } from '../engine/causes';
import type { Termination } from '../base/run';
import type { Finding, FindingSeverity } from '../checks/spec';
import { readOutputText, type JournalEntry, type StepEndEntry, type StepStartEntry } from '../engine/journal';
import type { Runbook, SavedComparison, Step } from '../runbook/model';
import type { RunbookMapModel } from '../protocol/map';
import { groupsOfRuns } from '../engine/groupView';
import { comparisonOf } from './comparisonSection';
import { postmortemMap } from './map/graph';
import {
  buildEvidenceFiles,
  buildLifecycle,
  incidentStatusText,
  lifecycleTimeline,
  noteResult,
  type PostmortemEvidenceFile,
  type PostmortemLifecycle,
} from './lifecycle';

/** One run of one step on one host, with everything the report says about it. */
export interface PostmortemRun {
  /** `E1`, `E2`...: how the report refers to this run's evidence. */
  label: string;
  runId: string;
  stepKey: string;
  stepTitle: string;
  host: string;
  command: string;
  /** The step changes the host (a remediation). */
  confirm: boolean;
  confirmedBy?: { user: string; at: string };
  startedAt: string;
  durationMs?: number;
  exitCode: number | null;
  signal?: string | null;
  /** `unfinished`: the journal has the start of the run and nothing after it (the process died). */
  termination: Termination | 'unfinished';
  values: Record<string, unknown>;
  findings: Finding[];
  next?: string;
  why?: string;
  error?: { kind: string; message: string; hint?: string };
  evidence?: 'findings' | 'nothing-found' | 'inconclusive';
  inconclusive?: { reason: string; hint?: string };
  /** The full output as recorded (already redacted by the engine; redacted again before export). */
  output: string;
  /** The engine kept only part of the output. */
  outputTruncated: boolean;
  /** An end of a `compare=` step: the comparison of both ends, saved with it in the record. */
  comparison?: SavedComparison;
}

export interface RootCauseCandidate {
  finding: Finding;
  /** Label of the run that raised it (its evidence). */
  evidence: string;
  stepTitle: string;
  host: string;
  time: string;
  values: Record<string, unknown>;
}

export interface ActionItem {
  action: string;
  /** The finding(s) that suggested it. */
  because: string;
  severity: FindingSeverity;
  evidence: string[];
  owner: string;
  bug: string;
}

export interface TimelineEntry {
  time: string;
  host?: string;
  step?: string;
  /** What happened: exit code, findings, decision; or the note's text. */
  result: string;
}

export interface PathNode {
  key: string;
  title: string;
  runs: number;
}

export interface PathEdge {
  from: string;
  /** A step key, or `end` when the runbook (or the incident) ended there. */
  to: string;
  label: string;
}

export interface Postmortem {
  title: string;
  /** YYYY-MM-DD, UTC, of the incident's start. */
  date: string;
  authors: string[];
  /** The document's status (`Draft` until someone finalises it) and the incident's. */
  status: string;
  incidentStatus: string;
  incidentId?: string;
  recordFile: string;
  template?: string;
  target: string[];
  parameters: Record<string, string>;
  tags: string[];
  startedAt?: string;
  endedAt?: string;
  generatedAt: string;
  summary: { prompt: string; mostSevere?: { finding: Finding; stepTitle: string; host: string; evidence: string } };
  impactPrompts: string[];
  rootCauses: RootCauseCandidate[];
  /** Each suspected cause: confirmed by its read-only steps, refuted, or still unconfirmed. */
  causes: CauseVerdict[];
  /** Runs whose check could not tell (failed, denied, unreadable output): never "nothing found". */
  inconclusive: PostmortemRun[];
  triggerPrompt: string;
  detectionPrompts: string[];
  /** The `confirm` steps that were run: what changed the hosts. */
  resolution: PostmortemRun[];
  actionItems: ActionItem[];
  lessonPrompts: { wentWell: string; wentWrong: string; gotLucky: string };
  timeline: TimelineEntry[];
  path: { nodes: PathNode[]; edges: PathEdge[] };
  /** The whole runbook's decision graph with the path taken (docs/MAP.md). */
  map: RunbookMapModel;
  runs: PostmortemRun[];
  /** Status, key times and durations from the journal's status, impact and detection entries. */
  lifecycle: PostmortemLifecycle;
  /** Files fetched from hosts into the record's evidence folder (`fetch=`). */
  evidenceFiles: PostmortemEvidenceFile[];
  /** Prefix of evidence links: '' beside the record, else the way from the postmortem's folder to the record's. */
  evidenceLinkBase: string;
}

export interface PostmortemInput {
  runbook: Runbook;
  journal: readonly JournalEntry[];
  recordPath: string;
  now?: Date;
  /** Where the postmortem is written, when not beside the record: evidence links are made relative to it. */
  outputPath?: string;
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { critical: 3, warning: 2, info: 1 };

function collectRuns(runbook: Runbook, journal: readonly JournalEntry[], recordPath: string): PostmortemRun[] {
  const steps = new Map<string, Step>(runbook.steps.map((s) => [s.key, s]));
  const saved = new Map(runbook.steps.flatMap((s) => s.outputs.map((o) => [o.runId, o] as const)));
  const ends = new Map<string, StepEndEntry>();
  for (const e of journal) if (e.type === 'step-end') ends.set(e.runId, e);
  const starts = journal.filter((e): e is StepStartEntry => e.type === 'step-start');
  return starts.map((start, index) => {
    const end = ends.get(start.runId);
    const step = steps.get(start.step.key);
    const savedOutput = saved.get(start.runId);
    // The full output file is the whole story; the record's copy may be trimmed.
    const output = end?.outputRef ? readOutputText(recordPath, end.outputRef) : (savedOutput?.text ?? '');
    return {
      label: `E${index + 1}`,
      runId: start.runId,
      stepKey: start.step.key,
      stepTitle: start.step.title ?? step?.title ?? start.step.key,
      host: start.host,
      command: start.command,
      confirm: step?.confirm ?? start.confirmedBy !== undefined,
      confirmedBy: start.confirmedBy,
      startedAt: start.startedAt,
      durationMs: end?.durationMs,
      exitCode: end?.exitCode ?? null,
      signal: end?.signal,
      termination: end?.termination ?? 'unfinished',
      values: end?.values ?? {},
      findings: end?.findings ?? [],
      next: end?.next,
      why: end?.why,
      error: end?.error,
      evidence: end?.evidence,
      inconclusive: end?.inconclusive,
      output,
      outputTruncated: end?.truncated ?? false,
      ...(savedOutput?.comparison ? { comparison: savedOutput.comparison } : {}),
    };
  });
}

function runResult(run: PostmortemRun): string {
  const parts: string[] = [];
  if (run.termination === 'exit') parts.push(`exit ${run.exitCode}`);
  else if (run.termination === 'signal') parts.push(`killed by ${run.signal ?? 'a signal'}`);
  else parts.push(run.termination);
  if (run.error) parts.push(`${run.error.kind}: ${run.error.message}`);
  if (run.evidence === 'inconclusive') parts.push(`inconclusive: ${run.inconclusive?.reason ?? 'no readable evidence'}`);
  for (const f of run.findings) parts.push(`${f.severity}: ${f.message}`);
  if (run.next) parts.push(run.next === 'end' ? `end${run.why ? ` (${run.why})` : ''}` : `next: ${run.next}${run.why ? ` (${run.why})` : ''}`);
  return parts.join('; ');
}

function buildTimeline(journal: readonly JournalEntry[], runs: PostmortemRun[], stepTitle: (key: string) => string): TimelineEntry[] {
  const byRunId = new Map(runs.map((r) => [r.runId, r]));
  const timeline: TimelineEntry[] = [...lifecycleTimeline(journal, stepTitle)];
  for (const e of journal) {
    if (e.type === 'incident-start') timeline.push({ time: e.time, result: `incident record started by ${e.responder}` });
    else if (e.type === 'note') timeline.push({ time: e.time, host: e.host, step: e.step ? stepTitle(e.step) : undefined, result: noteResult(e) });
    else if (e.type === 'incident-end')
      timeline.push({ time: e.time, result: `incident ended${e.status ? `: ${e.status}` : ''}${e.author ? ` (${e.author})` : ''}` });
    else if (e.type === 'step-start') {
      const run = byRunId.get(e.runId)!;
      if (e.confirmedBy) timeline.push({ time: e.confirmedBy.at, host: run.host, step: run.stepTitle, result: `confirmed by ${e.confirmedBy.user}` });
      timeline.push({ time: e.startedAt, host: run.host, step: run.stepTitle, result: `${run.label}: ${runResult(run)}` });
    }
  }
  return timeline.sort((a, b) => a.time.localeCompare(b.time));
}

/** Steps in the order they were first taken; an edge each time the path moves to another step. */
function buildPath(runs: PostmortemRun[], ended: boolean): { nodes: PathNode[]; edges: PathEdge[] } {
  const nodes = new Map<string, PathNode>();
  const edges: PathEdge[] = [];
  let previous: PostmortemRun | undefined;
  for (const run of runs) {
    const node = nodes.get(run.stepKey) ?? { key: run.stepKey, title: run.stepTitle, runs: 0 };
    node.runs++;
    nodes.set(run.stepKey, node);
    if (previous && previous.stepKey !== run.stepKey) {
      const label =
        previous.next === run.stepKey
          ? (previous.why ?? `next: ${run.stepKey}`)
          : `chosen by the responder${previous.why ? ` (check said: ${previous.why})` : ''}`;
      if (!edges.some((e) => e.from === previous!.stepKey && e.to === run.stepKey && e.label === label)) {
        edges.push({ from: previous.stepKey, to: run.stepKey, label });
      }
    }
    previous = run;
  }
  if (previous && (previous.next === 'end' || ended)) {
    edges.push({ from: previous.stepKey, to: 'end', label: previous.why ?? 'incident ended' });
  }
  return { nodes: [...nodes.values()], edges };
}

/** What raised findings: each run, and after the ends of a `compare=` step their comparison (its findings are not any one end's). */
type FindingSource = Pick<PostmortemRun, 'label' | 'stepKey' | 'stepTitle' | 'host' | 'startedAt' | 'values' | 'findings'>;

function findingSources(runs: PostmortemRun[]): FindingSource[] {
  return groupsOfRuns(runs).flatMap((group): FindingSource[] => {
    const compared = comparisonOf(group);
    if (!compared) return group;
    const label = group.length > 1 ? `${group[0].label}–${group[group.length - 1].label}` : group[0].label;
    const host = [...compared.client.hosts, ...compared.server.hosts].join(', ');
    return [
      ...group,
      {
        label,
        stepKey: group[0].stepKey,
        stepTitle: group[0].stepTitle,
        host,
        startedAt: group[0].startedAt,
        values: compared.values,
        findings: compared.findings,
      },
    ];
  });
}

function buildActionItems(runs: FindingSource[]): ActionItem[] {
  const items = new Map<string, ActionItem>();
  for (const run of runs) {
    for (const f of run.findings) {
      if (!f.hint) continue;
      const item = items.get(f.hint);
      if (item) {
        if (!item.evidence.includes(run.label)) item.evidence.push(run.label);
        if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[item.severity]) item.severity = f.severity;
        continue;
      }
      items.set(f.hint, { action: f.hint, because: f.message, severity: f.severity, evidence: [run.label], owner: '', bug: '' });
    }
  }
  return [...items.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

export function buildPostmortem(input: PostmortemInput): Postmortem {
  const { runbook, journal, recordPath } = input;
  const fm = runbook.frontMatter;
  const start = journal.find((e) => e.type === 'incident-start');
  const end = [...journal].reverse().find((e) => e.type === 'incident-end');
  const meta = fm?.incident;
  const runs = collectRuns(runbook, journal, recordPath);
  const startedAt = meta?.startedAt ?? start?.time ?? runs[0]?.startedAt;
  const responder = meta?.responder ?? start?.responder;
  const confirmers = runs.flatMap((r) => (r.confirmedBy ? [r.confirmedBy.user] : []));
  const noteAuthors = journal.flatMap((e) => (e.type === 'note' ? [e.author] : []));
  const authors = [...new Set([responder, ...confirmers, ...noteAuthors].filter((a): a is string => !!a))];

  const sources = findingSources(runs);
  let mostSevere: Postmortem['summary']['mostSevere'];
  for (const run of sources) {
    for (const finding of run.findings) {
      if (!mostSevere || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[mostSevere.finding.severity]) {
        mostSevere = { finding, stepTitle: run.stepTitle, host: run.host, evidence: run.label };
      }
    }
  }

  const rootCauses: RootCauseCandidate[] = sources.flatMap((run) =>
    run.findings
      .filter((f) => f.severity === 'critical')
      .map((finding) => ({ finding, evidence: run.label, stepTitle: run.stepTitle, host: run.host, time: run.startedAt, values: run.values })),
  );

  const causes = causeVerdicts(
    [],
    sources.map((run) => ({ step: run.stepKey, findings: run.findings })),
  );
  const inconclusive = runs.filter((run) => run.evidence === 'inconclusive');
  const lifecycle = buildLifecycle(journal);
  const stepTitle = (key: string, fallback?: string) => {
    const step = runbook.steps.find((s) => s.key === key || s.id === key);
    return step?.title ?? fallback ?? key;
  };

  return {
    causes,
    inconclusive,
    title: meta?.title ?? start?.title ?? fm?.title ?? path.basename(recordPath),
    date: startedAt ? startedAt.slice(0, 10) : '',
    authors,
    status: 'Draft',
    incidentStatus: lifecycle.status === 'ongoing' && end ? `${end.status ?? 'ended'} at ${end.time}` : incidentStatusText(lifecycle),
    incidentId: meta?.id ?? start?.id,
    recordFile: path.basename(recordPath),
    template: meta?.template ?? start?.template,
    target: meta?.target ?? start?.target ?? fm?.hosts ?? [],
    parameters: meta?.parameters ?? start?.parameters ?? {},
    tags: fm?.tags ?? [],
    startedAt,
    endedAt: lifecycle.resolvedAt ?? end?.time,
    generatedAt: (input.now ?? new Date()).toISOString(),
    summary: {
      prompt: 'To fill: in two or three sentences, what happened, who was affected, how it was fixed.',
      mostSevere,
    },
    impactPrompts: [
      'Which users, services or requests were affected, and how (errors, timeouts, latency)?',
      'For how long (start and end of the user-visible impact)?',
      'How much: failed requests, error rate, revenue or SLO budget spent?',
    ],
    rootCauses,
    triggerPrompt: 'To fill: what set it off (a deploy, a traffic peak, a config change, a dependency failing)?',
    detectionPrompts: [
      'How was the incident detected: an alert (which one), a user report, by chance?',
      'How long between the start of the impact and its detection? Could an alert have caught it sooner?',
    ],
    resolution: runs.filter((r) => r.confirm),
    actionItems: buildActionItems(sources),
    lessonPrompts: {
      wentWell: 'To fill: what helped (an alert that fired, a runbook step that pointed straight at the cause)?',
      wentWrong: 'To fill: what slowed the response or made it worse?',
      gotLucky: 'To fill: what went right by chance, and would not next time?',
    },
    timeline: buildTimeline(journal, runs, stepTitle),
    path: buildPath(runs, end !== undefined || lifecycle.status === 'Resolved'),
    map: postmortemMap(runbook, runs),
    runs,
    lifecycle,
    evidenceFiles: buildEvidenceFiles(journal, stepTitle),
    evidenceLinkBase: evidenceLinkBase(input.recordPath, input.outputPath),
  };
}

/** The way from the postmortem's folder to the record's, as a link prefix ('' when they are the same folder). */
function evidenceLinkBase(recordPath: string, outputPath: string | undefined): string {
  if (!outputPath) return '';
  const way = path
    .relative(path.dirname(path.resolve(outputPath)), path.dirname(path.resolve(recordPath)))
    .split(path.sep)
    .join('/');
  return way ? `${way}/` : '';
}
