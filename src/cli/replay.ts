// `runbook test [PATHS]`: replay recorded incidents and fixtures through the current runbooks and
// say, in words, where the verdict changed; `runbook test --make-fixture RECORD` freezes a recorded
// incident into a fixture. Exit 0 = every verdict as expected, 1 = a difference, 2 = bad input.

import fs from 'node:fs';
import path from 'node:path';
import { replay, verdictOfRecord, type Capture, type HostVerdict } from '../engine/replay';
import { compareVerdicts, verdictSummary } from '../engine/replayCompare';
import { FIXTURE_FILE, FixtureError, readFixture, writeFixture } from '../engine/replayFixture';
import { recordedIncident } from '../engine/replayRecord';
import { recordName } from '../engine/journal';
import { parseRunbook } from '../runbook/parse';
import type { Runbook } from '../runbook/model';

export interface TestOptions {
  makeFixture?: string;
  out?: string;
  runbook?: string;
  source?: string;
}

type Write = (text: string) => void;

interface Case {
  name: string;
  runbookPath: string;
  parameters: Record<string, string>;
  captures: Capture[];
  expect: HostVerdict[];
}

const SKIP = new Set(['node_modules', '.git', 'dist', '.cache', '.vscode-test']);

/** Fixture files and records under `start`, at most `depth` folders down. */
function findCases(start: string, depth = 8): string[] {
  const found: string[] = [];
  const walk = (dir: string, left: number) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && left > 0 && !SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(full, left - 1);
      else if (entry.isFile() && (entry.name === FIXTURE_FILE || entry.name.endsWith('.fixture.yaml'))) found.push(full);
    }
  };
  walk(start, depth);
  return found;
}

function loadRunbookFile(file: string): Runbook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new FixtureError(`${file}: cannot read the runbook: ${(error as Error).message}`);
  }
  const runbook = parseRunbook(text, file);
  const blocking = runbook.diagnostics.find((d) => d.severity === 'error' && (d.code === 'binary-content' || d.code === 'front-matter-yaml'));
  if (blocking) throw new FixtureError(`${file}:${blocking.range.start.line + 1}: ${blocking.message}`);
  return runbook;
}

/** A record replayed against its template, expecting what the record itself says happened. */
function caseOfRecord(file: string, runbookOption?: string): Case {
  const recorded = recordedIncident(file);
  const runbookPath = runbookOption ? path.resolve(runbookOption) : recorded.templatePath;
  if (!runbookPath) throw new FixtureError(`${file}: the record names no template that exists; pass --runbook FILE (the runbook to replay it through).`);
  if (recorded.captures.length === 0) throw new FixtureError(`${file}: the record has no saved output to replay.`);
  return { name: file, runbookPath, parameters: recorded.parameters, captures: recorded.captures, expect: verdictOfRecord(recorded.record, recorded.runs) };
}

function caseOf(file: string, options: TestOptions): Case {
  if (/\.ya?ml$/.test(file)) {
    const fixture = readFixture(file);
    return { name: path.dirname(file), ...fixture };
  }
  return caseOfRecord(file, options.runbook);
}

export async function testCommand(
  paths: string[],
  options: TestOptions,
  out: Write = (t) => process.stdout.write(t),
  err: Write = (t) => process.stderr.write(t),
): Promise<number> {
  if (options.makeFixture) return makeFixture(options.makeFixture, options, out, err);
  const files: string[] = [];
  for (const p of paths.length ? paths : ['.']) {
    if (!fs.existsSync(p)) {
      err(`${p}: no such file or folder.\n`);
      return 2;
    }
    files.push(...(fs.statSync(p).isDirectory() ? findCases(p) : [p]));
  }
  if (files.length === 0) {
    err(`No fixture (${FIXTURE_FILE}) under ${paths.join(', ') || '.'}. Make one with: runbook test --make-fixture RECORD\n`);
    return 2;
  }
  let failed = 0;
  let broken = 0;
  for (const file of files) {
    let test: Case;
    let differences: string[];
    let actual: HostVerdict[];
    try {
      test = caseOf(file, options);
      actual = replay({ runbook: loadRunbookFile(test.runbookPath), captures: test.captures, parameters: test.parameters });
      differences = compareVerdicts(test.expect, actual);
    } catch (error) {
      broken++;
      err(`ERROR ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    if (differences.length === 0) {
      out(`PASS ${test.name}\n${actual.map((v) => `  ${verdictSummary(v)}\n`).join('')}`);
    } else {
      failed++;
      out(
        `FAIL ${test.name} (replayed through ${path.relative(process.cwd(), test.runbookPath) || test.runbookPath})\n${differences.map((d) => `  ${d}\n`).join('')}`,
      );
    }
  }
  const passed = files.length - failed - broken;
  out(
    `\n${files.length} fixture${files.length === 1 ? '' : 's'}: ${passed} passed${failed ? `, ${failed} failed` : ''}${broken ? `, ${broken} could not be read` : ''}.\n`,
  );
  return broken ? 2 : failed ? 1 : 0;
}

async function makeFixture(record: string, options: TestOptions, out: Write, err: Write): Promise<number> {
  let test: Case;
  try {
    test = caseOfRecord(record, options.runbook);
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const dir = path.resolve(options.out ?? path.join(path.dirname(record), `${recordName(record)}.fixture`));
  const file = writeFixture({
    dir,
    runbookPath: test.runbookPath,
    parameters: test.parameters,
    captures: test.captures,
    expect: test.expect,
    source: options.source,
  });
  out(`${file}\n${test.expect.map((v) => `  ${verdictSummary(v)}\n`).join('')}`);
  // The incident's verdict is the expectation; say at once if the runbook as it is now disagrees.
  const differences = compareVerdicts(
    test.expect,
    replay({ runbook: loadRunbookFile(test.runbookPath), captures: test.captures, parameters: test.parameters }),
  );
  if (differences.length === 0) return 0;
  err(
    `The current runbook already reaches another verdict on these outputs (edit expect: in ${file} if the new one is right):\n${differences.map((d) => `  ${d}\n`).join('')}`,
  );
  return 1;
}
