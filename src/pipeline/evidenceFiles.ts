// Evidence files: a step's `fetch=/tmp/cap.pcap` brings files from the host into the record's
// evidence folder after the step ran, over the same connection (ssh/fetch.ts). Text files are
// redacted before they are written; binaries are kept as fetched and only listed. Size and sha256 go
// into the journal. A `{{value}}` in the path is substituted as plain text, never through a shell.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RunbookError, isRunbookError } from '../base/failure';
import { Journal, recordName, type EvidenceFileEntry } from '../engine/journal';
import type { HostRun } from '../engine/runStep';
import type { Executors } from '../engine/executors';
import type { Redactor } from '../redact/redactor';
import type { Runbook, SavedFetchedFile, SavedOutput, Step } from '../runbook/model';
import { validateVariable, type VariableRule, type VariableType } from '../ssh/script';

/** Default cap per fetched file: enough for a short capture or a log slice. */
export const DEFAULT_FETCH_MAX = 50 * 1024 * 1024;

/** The paths of a step's `fetch=` (comma-separated), as written. */
export function fetchPaths(step: Step): string[] {
  const value = step.attributes.find((a) => a.name === 'fetch')?.value ?? '';
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** `fetch-max=10MB` (B, KB, MB, GB; KiB, MiB, GiB) in bytes; the default without one. */
export function fetchCap(step: Step, fileName: string): number {
  const attribute = step.attributes.find((a) => a.name === 'fetch-max');
  if (!attribute) return DEFAULT_FETCH_MAX;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i.exec(attribute.value.trim());
  if (!m) {
    throw new RunbookError(
      'config',
      `${fileName}:${attribute.range.start.line + 1}: fetch-max "${attribute.value}" is not a size.`,
      'Write e.g. fetch-max=10MB (B, KB, MB, GB).',
    );
  }
  const unit = (m[2] ?? 'B').toLowerCase();
  const factor = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[unit]!;
  return Math.floor(Number(m[1]) * factor);
}

/**
 * The path with its `{{names}}` filled in as text. A value must pass its declared type and may not
 * bring a `/`, `..`, a line break or a NUL, so it cannot move the path elsewhere; the result is absolute.
 */
export function substitutePath(template: string, variables: Record<string, string>, declared: Record<string, VariableRule>): string {
  const filled = template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g, (_m, name: string) => {
    const value = variables[name];
    if (value === undefined)
      throw new RunbookError('config', `fetch=${template}: no value for {{${name}}}.`, `Give ${name} a value, or run the step that captures it first.`);
    validateVariable(name, value, declared[name]);
    if (/[/\0\n\r]/.test(value) || value === '..' || value === '.' || value === '')
      throw new RunbookError(
        'config',
        `fetch=${template}: the value of {{${name}}} (${JSON.stringify(value)}) would change the path's folders: not fetched.`,
        'Values in fetch= paths may not hold "/", ".." or line breaks.',
      );
    return value;
  });
  if (!filled.startsWith('/') || filled.split('/').includes('..'))
    throw new RunbookError(
      'config',
      `fetch=${template}: "${filled}" is not an absolute path without "..".`,
      'Write the full path on the host, e.g. fetch=/tmp/capture.pcap.',
    );
  return filled;
}

/** `<record-dir>/<record-name>.evidence/<runId>/<file name>`, relative to the record, with `/`. */
export function evidenceRefFor(recordPath: string, runId: string, remotePath: string): string {
  const base =
    path.posix
      .basename(remotePath)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_') || 'file';
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`Run id ${JSON.stringify(runId)} cannot name a folder.`);
  return `${recordName(recordPath)}.evidence/${runId}/${base}`;
}

/** NUL bytes or bytes that are not UTF-8: a binary, listed and never inlined. */
export function isBinary(data: Buffer): boolean {
  if (data.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return false;
  } catch {
    return true;
  }
}

export interface EvidenceRequest {
  recordPath: string;
  runbook: Runbook;
  runs: HostRun[];
  executors: Pick<Executors, 'executorFor'>;
  /** Parameters and earlier steps' values, as for `{{names}}` in commands. */
  variables: Record<string, string>;
  redactor: Redactor;
}

function declaredRules(runbook: Runbook): Record<string, VariableRule> {
  return Object.fromEntries((runbook.frontMatter?.parameters ?? []).map((p) => [p.name, { type: p.type as VariableType | undefined, pattern: p.pattern }]));
}

/** Fetches every `fetch=` file of each host's run, stores it and journals it; failures are journaled with their reason. */
export async function fetchEvidence(request: EvidenceRequest): Promise<EvidenceFileEntry[]> {
  const entries: EvidenceFileEntry[] = [];
  for (const run of request.runs) {
    const templates = fetchPaths(run.step);
    if (templates.length === 0) continue;
    for (const template of templates) entries.push(await fetchOne(request, run, template));
  }
  if (entries.length === 0) return entries;
  const journal = Journal.open(request.recordPath, { redact: (t) => request.redactor.redactFields(t) });
  try {
    for (const entry of entries) journal.append(entry);
  } finally {
    journal.close();
  }
  return entries;
}

async function fetchOne(request: EvidenceRequest, run: HostRun, template: string): Promise<EvidenceFileEntry> {
  const base = {
    type: 'evidence-file' as const,
    runId: run.runId,
    step: { key: run.step.key, id: run.step.id, title: run.step.title },
    host: run.host.name,
    remotePath: template,
  };
  const failed = (error: unknown): EvidenceFileEntry => {
    if (!isRunbookError(error)) throw error;
    return { ...base, time: new Date().toISOString(), error: `${error.message}${error.hint ? ` ${error.hint}` : ''}` };
  };
  let remotePath: string;
  try {
    remotePath = substitutePath(template, request.variables, declaredRules(request.runbook));
  } catch (error) {
    return failed(error);
  }
  const at = { ...base, remotePath };
  if (run.result.termination !== 'exit' && run.result.termination !== 'signal')
    return { ...at, time: new Date().toISOString(), error: `not fetched: the step did not finish (${run.result.termination}).` };
  const executor = request.executors.executorFor(run.host);
  if (!executor.fetchFile)
    return { ...at, time: new Date().toISOString(), error: 'not fetched: this engine cannot fetch files (use the ssh2 engine, the default).' };
  try {
    const fetched = await executor.fetchFile({ remotePath, maxBytes: fetchCap(run.step, request.runbook.fileName) });
    const binary = isBinary(fetched.data);
    let data = fetched.data;
    let redacted = false;
    if (!binary) {
      const text = fetched.data.toString('utf8');
      const clean = await request.redactor.redact(text);
      redacted = clean !== text;
      data = Buffer.from(clean, 'utf8');
    }
    const ref = evidenceRefFor(request.recordPath, run.runId, remotePath);
    writePrivate(path.join(path.dirname(request.recordPath), ...ref.split('/')), data);
    return {
      ...at,
      time: new Date().toISOString(),
      file: ref,
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      remoteBytes: fetched.remoteBytes,
      kind: binary ? 'binary' : 'text',
      ...(redacted ? { redacted } : {}),
    };
  } catch (error) {
    return { ...failed(error), remotePath };
  }
}

/** What a host's saved output says of its fetched files (redacted, as the journal has them), so the notebook shows them live and reopened. */
export function fetchedFields(files: readonly EvidenceFileEntry[], runId: string, redact: (text: string) => string): Pick<SavedOutput, 'fetched'> {
  const own = files.filter((f) => f.runId === runId);
  if (own.length === 0) return {};
  const fetched = own.map((f): SavedFetchedFile => ({
    remotePath: redact(f.remotePath),
    ...(f.file ? { file: f.file } : {}),
    ...(f.bytes !== undefined ? { bytes: f.bytes } : {}),
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.redacted ? { redacted: true } : {}),
    ...(f.error !== undefined ? { error: redact(f.error) } : {}),
  }));
  return { fetched };
}

/** Like the record's other files: 0600 in 0700 folders, fsynced. */
function writePrivate(file: string, data: Buffer): void {
  const evidenceRoot = path.dirname(path.dirname(file));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(evidenceRoot, 0o700);
  fs.chmodSync(path.dirname(file), 0o700);
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
