// A `compare=` step's comparison survives in the record: the two ends run over a real sshd through
// the pipeline both fronts use, the record is written as the CLI writes it and read back, and the
// view rebuilt from the file (a reopened notebook) equals the live view, comparison box included.
// Old records (ends without a saved comparison) still open. The postmortem shows the same comparison.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExecutors } from '../../src/engine/executors';
import { toGroupResultView } from '../../src/engine/groupView';
import { startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal } from '../../src/engine/journal';
import { savedResultView, savedRuns } from '../../src/engine/savedResultView';
import type { StepRun } from '../../src/engine/runStep';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import { fileRecordWriter, readRunbookFile } from '../../src/pipeline/load';
import type { StepResultView } from '../../src/protocol/renderer';
import { createRedactor } from '../../src/redact/redactor';
import { buildPostmortem } from '../../src/report/postmortem';
import { renderHtml } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import type { SavedOutput } from '../../src/runbook/model';
import { OUTPUT_OPEN_PATTERN, readSavedOutput, renderSavedOutput } from '../../src/runbook/savedOutput';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { FRONTS_ADDRESSES, frontsInventory, frontsRunbook } from '../fronts/cases';

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as StepResultView;

describe('pipeline: a compare= step reopened from its record shows the live comparison', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let dir: string;
  let recordPath: string;
  let live: StepResultView;
  let saved: SavedOutput[];

  before(async function () {
    sshd = await startTestSshd({ addresses: FRONTS_ADDRESSES, firstAddress: 165 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-compare-saved-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    const template = path.join(dir, 'runbooks', 'fronts.runbook.md');
    fs.writeFileSync(template, frontsRunbook(sshd));
    fs.writeFileSync(path.join(dir, 'runbook-inventory.yaml'), frontsInventory(sshd.users.test));
    recordPath = startIncident(template, { folder: path.join(dir, 'incidents'), title: 'pairs' }).recordPath;

    const prompter = { askSecret: async () => undefined, confirm: async () => false };
    const executors = createExecutors({ prompter });
    let ended: { run: StepRun; saved: SavedOutput[] } | undefined;
    const run = await openIncidentRun({
      runbook: readRunbookFile(recordPath),
      recordPath,
      targetNames: ['pair'],
      targetOptions: { inventoryPath: path.join(dir, 'runbook-inventory.yaml'), sshConfigPath: sshd.sshConfigPath, trustConfig: true },
      given: {},
      prompter: prompter as never,
      executors,
      redactor: createRedactor(),
      listener: { stepEnded: (r, s) => void (ended = { run: r, saved: s }) },
      writeRecord: fileRecordWriter(recordPath),
    });
    try {
      await run.step(run.runbook.steps.find((s) => s.id === 'pairs')!);
    } finally {
      run.close();
      await executors.closeAll();
    }
    assert.ok(ended, 'the step ended');
    // What the notebook shows live (extension/cellOutputs.ts): the run with its saved outputs.
    live = json(toGroupResultView(ended.run, ended.saved));
    saved = ended.saved;
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the rebuilt view equals the live one, comparison, routes and per-host results included', () => {
    assert.equal((live.comparison?.values.halfOpen as { count: number }).count, 1, JSON.stringify(live.comparison));
    assert.deepEqual(
      live.comparison?.findings.map((f) => f.message),
      ['1 connections ESTABLISHED on the client are unknown to the server'],
    );
    const record = readRunbookFile(recordPath);
    const step = record.steps.find((s) => s.id === 'pairs')!;
    const runs = savedRuns(step.outputs);
    assert.equal(runs.length, 1);
    const again = json(savedResultView(record, step, runs[0]));
    assert.ok(again.savedAt);
    delete again.savedAt;
    assert.deepEqual(again, live);
    assert.deepEqual(again.routes, [{ next: live.routes![0].next, hosts: ['cli', 'srv'], severity: 'critical' }]);
    assert.equal(again.routes?.[0].next?.key, 'keepalive');
    // The group's summary counts the comparison's finding on both ends, as the fronts table has it.
    assert.deepEqual(again.summary?.verdicts, [{ verdict: 'critical', hosts: ['cli', 'srv'] }]);
  });

  it('the comparison is written with each end and read back exactly; one that does not read as a comparison is left out', () => {
    const [end] = saved;
    const block = renderSavedOutput(end, '\n');
    assert.match(block, /Compared client \(cli\) with server \(srv\) \(established-pairs\)\./, 'the record says it on GitHub too');
    const meta = OUTPUT_OPEN_PATTERN.exec(block.split('\n')[0])![1];
    const fenced = /````text\n([\s\S]*?)````/.exec(block)![1];
    const back = readSavedOutput(meta, fenced) as SavedOutput;
    assert.deepEqual(back.comparison, end.comparison);
    const damaged = JSON.parse(meta) as Record<string, unknown>;
    damaged.comparison = { ...(damaged.comparison as object), client: 'cli' };
    const read = readSavedOutput(JSON.stringify(damaged), fenced) as SavedOutput;
    assert.equal(read.comparison, undefined);
    assert.equal(read.findings.length, 1, 'the end keeps the findings it was saved with');
  });

  it('an old record (ends without the saved comparison) still opens, with the comparison findings on both ends', () => {
    const record = readRunbookFile(recordPath);
    const step = record.steps.find((s) => s.id === 'pairs')!;
    const old = step.outputs.map(({ comparison: _c, ...o }) => o);
    const view = savedResultView(record, step, old);
    assert.equal(view.comparison, undefined);
    assert.deepEqual(
      view.hosts.map((h) => h.findings.length),
      [1, 1],
    );
    assert.equal(view.routes?.[0].next?.key, 'keepalive');
  });

  it('an end that did not finish: nothing compared, no route, the reason kept', () => {
    const record = readRunbookFile(recordPath);
    const step = record.steps.find((s) => s.id === 'pairs')!;
    const why = 'the comparison needs both ends, and srv did not finish';
    const ends = saved.map((o) => ({
      ...o,
      ...(o.host === 'srv' ? { termination: 'timeout' as const, exitCode: null } : {}),
      findings: [],
      next: undefined,
      why,
      comparison: { ...o.comparison!, values: {}, findings: [], warnings: [why], why, compared: false },
    }));
    const view = savedResultView(record, step, ends);
    assert.deepEqual(view.routes, []);
    assert.deepEqual(view.comparison?.warnings, [why]);
  });

  it('the postmortem shows the comparison of the two ends', () => {
    const record = readRunbookFile(recordPath);
    const postmortem = buildPostmortem({ runbook: record, journal: readJournal(journalPathFor(recordPath)).entries, recordPath });
    const markdown = renderMarkdown(postmortem);
    assert.match(markdown, /\*\*Compared client \\\(cli\\\) with server \\\(srv\\\)\*\* \(`established-pairs`\)/);
    assert.match(markdown, /Compared values: `halfOpen` = `count 1, connections 1 entries`/);
    assert.match(markdown, /- \*\*critical\*\*: 1 connections ESTABLISHED on the client are unknown to the server \(because `halfOpen\.count > 0`\)/);
    // The comparison's finding is a root cause candidate once, from both ends' evidence.
    assert.deepEqual(
      postmortem.rootCauses.map((rc) => [rc.finding.message, rc.evidence, rc.host]),
      [['1 connections ESTABLISHED on the client are unknown to the server', 'E1–E2', 'cli, srv']],
    );
    assert.match(markdown, /Verdicts: 2 critical/);
    assert.match(renderHtml(postmortem), /<strong>Compared client \(cli\) with server \(srv\)<\/strong>/);
  });
});
