// Replay fixtures: a small YAML file naming the runbook, the parameters, the captured outputs (text
// files next to it, or an incident record) and the verdict expected per host. Read with errors that
// name the file and line; written by `runbook test --make-fixture` from a recorded incident.

import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, parseDocument, stringify } from 'yaml';
import type { FindingSeverity } from '../checks/spec';
import type { Capture, HostVerdict, RootCause, StopReason, VerdictFinding } from './replay';
import { recordedIncident } from './replayRecord';

export const FIXTURE_FILE = 'fixture.yaml';

export interface Fixture {
  file: string;
  /** Absolute path of the runbook to replay through. */
  runbookPath: string;
  parameters: Record<string, string>;
  captures: Capture[];
  expect: HostVerdict[];
  source?: string;
}

/** A fixture that cannot be read: the message names file, line and what to do. */
export class FixtureError extends Error {}

const SEVERITIES = new Set<FindingSeverity>(['critical', 'warning', 'info']);
const STOPS = new Set<StopReason>(['end', 'critical', 'inconclusive', 'confirm', 'not-run', 'cycle', 'broken-next']);

export function readFixture(file: string): Fixture {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new FixtureError(`${file}: cannot read: ${(error as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (at: (string | number)[], message: string): never => {
    const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    throw new FixtureError(`${file}:${line}: ${message}`);
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new FixtureError(`${file}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') fail([], 'a fixture is a YAML map with runbook, runs (or record) and expect');
  const dir = path.dirname(file);
  const str = (value: unknown, at: (string | number)[], what: string): string =>
    typeof value === 'string' && value !== '' ? value : fail(at, `${what} must be a non-empty string`);

  if (typeof data!.runbook !== 'string') fail(['runbook'], 'runbook: the runbook to replay through, relative to this file (e.g. ../../triage.runbook.md)');
  const runbookPath = path.resolve(dir, data!.runbook as string);
  const parameters: Record<string, string> = {};
  if (data!.parameters !== undefined) {
    if (!isMap(doc.get('parameters'))) fail(['parameters'], 'parameters must be a map of name: value');
    for (const [k, v] of Object.entries(data!.parameters as Record<string, unknown>)) parameters[k] = String(v ?? '');
  }

  let captures: Capture[];
  if (data!.record !== undefined) {
    const recordPath = path.resolve(dir, str(data!.record, ['record'], 'record'));
    const recorded = recordedIncident(recordPath);
    captures = recorded.captures;
    for (const [k, v] of Object.entries(recorded.parameters)) if (!(k in parameters)) parameters[k] = v;
  } else {
    if (!Array.isArray(data!.runs) || data!.runs.length === 0)
      fail(['runs'], 'runs: list the captured outputs ({ step, host, output: FILE, exit: 0 }), or give record: FILE');
    captures = (data!.runs as Record<string, unknown>[]).map((run, i) => {
      const at = ['runs', i];
      if (!run || typeof run !== 'object') fail(at, 'each run is a map: { step, host, output: FILE }');
      const outputFile = path.resolve(dir, str(run.output, [...at, 'output'], 'output (the file with the captured text)'));
      let captured: string;
      try {
        captured = fs.readFileSync(outputFile, 'utf8');
      } catch {
        return fail([...at, 'output'], `output file ${String(run.output)} is missing (it is read relative to this file)`);
      }
      const exit = run.exit === undefined || run.exit === null ? (run.termination && run.termination !== 'exit' ? null : 0) : Number(run.exit);
      if (exit !== null && !Number.isInteger(exit)) fail([...at, 'exit'], 'exit must be a whole number');
      return {
        step: str(run.step, [...at, 'step'], 'step'),
        host: str(run.host, [...at, 'host'], 'host'),
        text: captured,
        exitCode: exit,
        termination: typeof run.termination === 'string' ? run.termination : 'exit',
      };
    });
  }

  if (!isMap(doc.get('expect'))) fail(['expect'], 'expect: the verdict per host (path, findings, root-cause, inconclusive, stopped)');
  const expect = Object.entries(data!.expect as Record<string, Record<string, unknown>>).map(([host, v]) =>
    readVerdict(host, v, (at, m) => fail(['expect', host, ...at], m)),
  );
  return { file, runbookPath, parameters, captures, expect, source: typeof data!.source === 'string' ? data!.source : undefined };
}

function readVerdict(host: string, v: Record<string, unknown>, fail: (at: (string | number)[], message: string) => never): HostVerdict {
  if (!v || typeof v !== 'object') return fail([], `expect.${host} must be a map with path, findings, stopped`);
  if (!Array.isArray(v.path) || v.path.some((s) => typeof s !== 'string'))
    fail(['path'], 'path: the step ids in the order they ran, e.g. [conntrack-usage, kernel-log]');
  const findings: Record<string, VerdictFinding[]> = {};
  for (const [step, list] of Object.entries((v.findings ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(list)) fail(['findings', step], `findings.${step} must be a list of "- severity: message"`);
    findings[step] = (list as Record<string, unknown>[]).map((item, i) => {
      const severity = Object.keys(item ?? {}).find((k) => SEVERITIES.has(k as FindingSeverity)) as FindingSeverity | undefined;
      if (!severity || typeof item[severity] !== 'string')
        return fail(['findings', step, i], 'write a finding as "- critical: message" (or warning, info), optionally with cause: NAME');
      const finding: VerdictFinding = { severity, message: item[severity] };
      if (typeof item.cause === 'string') finding.cause = item.cause;
      return finding;
    });
  }
  let rootCause: RootCause | undefined;
  if (v['root-cause'] !== undefined && v['root-cause'] !== null) {
    const rc = v['root-cause'] as Record<string, unknown>;
    if (typeof rc.step !== 'string' || typeof rc.message !== 'string')
      fail(['root-cause'], 'root-cause needs step and message (or write root-cause: null for none)');
    const status = rc.status ?? 'unconfirmed';
    if (status !== 'confirmed' && status !== 'unconfirmed') fail(['root-cause', 'status'], 'status is confirmed or unconfirmed');
    rootCause = { step: rc.step as string, message: rc.message as string, status: status as RootCause['status'] };
    if (typeof rc.cause === 'string') rootCause.cause = rc.cause;
  }
  const inconclusive = ((v.inconclusive ?? []) as Record<string, unknown>[]).map((item, i) =>
    typeof item?.step === 'string' ? { step: item.step, reason: String(item.reason ?? '') } : fail(['inconclusive', i], 'write - { step: ID, reason: TEXT }'),
  );
  const stopped = /^([a-z-]+)(?: at (\S+))?$/.exec(String(v.stopped ?? ''));
  if (!stopped || !STOPS.has(stopped[1] as StopReason))
    fail(['stopped'], `stopped is one of ${[...STOPS].join(', ')}, then "at STEP" (e.g. "critical at churn")`);
  return {
    host,
    path: v.path as string[],
    findings,
    rootCause,
    refuted: Array.isArray(v.refuted) ? v.refuted.map(String) : [],
    inconclusive,
    stopped: stopped![2] ? { reason: stopped![1] as StopReason, step: stopped![2] } : { reason: stopped![1] as StopReason },
  };
}

function verdictYaml(v: HostVerdict): Record<string, unknown> {
  const out: Record<string, unknown> = { path: v.path };
  const findings = Object.fromEntries(
    Object.entries(v.findings).map(([step, list]) => [
      step,
      list.map((f) => (f.cause ? { [f.severity]: f.message, cause: f.cause } : { [f.severity]: f.message })),
    ]),
  );
  if (Object.keys(findings).length) out.findings = findings;
  out['root-cause'] = v.rootCause ?? null;
  if (v.refuted.length) out.refuted = v.refuted;
  out.inconclusive = v.inconclusive;
  out.stopped = v.stopped.step ? `${v.stopped.reason} at ${v.stopped.step}` : v.stopped.reason;
  return out;
}

export interface NewFixture {
  dir: string;
  runbookPath: string;
  parameters: Record<string, string>;
  captures: Capture[];
  expect: HostVerdict[];
  source?: string;
}

/** Writes `dir/fixture.yaml` and one text file per captured run (`HOST/NN-STEP.txt`); returns the fixture's path. */
export function writeFixture(fixture: NewFixture): string {
  fs.mkdirSync(fixture.dir, { recursive: true });
  const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const runs = fixture.captures.map((capture, i) => {
    const rel = `${safe(capture.host)}/${String(i + 1).padStart(2, '0')}-${safe(capture.step)}.txt`;
    fs.mkdirSync(path.join(fixture.dir, safe(capture.host)), { recursive: true });
    fs.writeFileSync(path.join(fixture.dir, rel), capture.text);
    const run: Record<string, unknown> = { step: capture.step, host: capture.host, output: rel, exit: capture.exitCode };
    if (capture.termination !== 'exit') run.termination = capture.termination;
    return run;
  });
  const body: Record<string, unknown> = {
    runbook: path.relative(fixture.dir, fixture.runbookPath).split(path.sep).join('/'),
  };
  if (fixture.source) body.source = fixture.source;
  body.parameters = fixture.parameters;
  body.runs = runs;
  body.expect = Object.fromEntries(fixture.expect.map((v) => [v.host, verdictYaml(v)]));
  const header = [
    '# Replay fixture for `runbook test`: outputs captured in an incident, replayed through the',
    "# runbook's current checks and decisions; `expect` is the verdict they must still reach.",
    '# Made with `runbook test --make-fixture RECORD`; see docs/REPLAY.md to re-make it.',
    '',
  ].join('\n');
  const file = path.join(fixture.dir, FIXTURE_FILE);
  fs.writeFileSync(file, header + stringify(body, { lineWidth: 0 }));
  return file;
}
