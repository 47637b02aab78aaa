// The journal keeps every finished entry across a crash and gives back the runs of a record.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, journalPathFor, outputPathFor, readJournal, restoreOutputs, writeOutput, type JournalEntry } from '../../src/engine/journal';
import { buildRunbook } from '../report/fixture';

describe('journal', function () {
  let dir: string;
  let record: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    record = path.join(dir, '2026-11-23-connection-timeouts.runbook.md');
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (runId: string, key: string): JournalEntry => ({
    type: 'step-start',
    runId,
    step: { key, id: key, title: key },
    host: 'web-1',
    command: 'ss -s',
    startedAt: '2026-11-23T08:15:00.000Z',
  });

  it('puts the journal and outputs next to the record', function () {
    assert.equal(journalPathFor(record), path.join(dir, '2026-11-23-connection-timeouts.journal.jsonl'));
    assert.equal(outputPathFor(record, 'r1'), path.join(dir, '2026-11-23-connection-timeouts.outputs', 'r1.txt'));
    assert.throws(() => outputPathFor(record, '../../etc/passwd'), /cannot name a file/);
  });

  it('appends one line per entry and reads them back in order', function () {
    const journal = Journal.open(record);
    journal.append(start('r1', 'conntrack'));
    journal.append({ type: 'note', text: 'line one\nline two', time: '2026-11-23T08:16:00.000Z', author: 'mei' });
    journal.close();
    const again = Journal.open(record);
    again.append({ type: 'incident-end', time: '2026-11-23T09:00:00.000Z', status: 'resolved' });
    again.close();
    const text = fs.readFileSync(journalPathFor(record), 'utf8');
    assert.equal(text.split('\n').length, 4, 'three lines and a final line break');
    const { entries, problems } = readJournal(journalPathFor(record));
    assert.deepEqual(problems, []);
    assert.deepEqual(
      entries.map((e) => e.type),
      ['step-start', 'note', 'incident-end'],
    );
    assert.equal((entries[1] as { text: string }).text, 'line one\nline two');
    assert.throws(() => again.append(start('r2', 'x')), /closed/);
  });

  it('redacts every string of an entry before it is written', function () {
    const journal = Journal.open(record, { redact: (t) => t.replaceAll('hunter22', '[REDACTED:secret]') });
    journal.append({ ...start('r1', 'login'), command: 'mysql -phunter22 -e "show status"' } as JournalEntry);
    journal.close();
    const text = fs.readFileSync(journalPathFor(record), 'utf8');
    assert.equal(text.includes('hunter22'), false);
    assert.match(text, /-p\[REDACTED:secret\]/);
  });

  it('keeps every entry appended before a crash, and reports the line cut short', async function () {
    // A child process appends entries, then dies (SIGKILL) while writing half a line by hand.
    const script = path.join(dir, 'crash.cjs');
    fs.writeFileSync(
      script,
      `require(${JSON.stringify(require.resolve('tsx/cjs'))});
       const { Journal, journalPathFor } = require(${JSON.stringify(path.resolve('src/engine/journal.ts'))});
       const fs = require('node:fs');
       const j = Journal.open(process.argv[2]);
       for (let i = 0; i < 5; i++) j.append({ type: 'note', text: 'entry ' + i, time: new Date().toISOString(), author: 'mei' });
       fs.appendFileSync(journalPathFor(process.argv[2]), '{"type":"step-start","runId":"r9","ste');
       process.kill(process.pid, 'SIGKILL');`,
    );
    const child = fork(script, [record], { stdio: 'ignore', cwd: process.cwd() });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL');
    const { entries, problems } = readJournal(journalPathFor(record));
    assert.equal(entries.length, 5);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /journal\.jsonl:6: the last entry was cut short/);

    // Reopening starts the next entry on a fresh line; the cut line stays reported, the new one is read.
    const journal = Journal.open(record);
    journal.append({ type: 'note', text: 'after the crash', time: '2026-11-23T08:20:00.000Z', author: 'mei' });
    journal.close();
    const after = readJournal(journalPathFor(record));
    assert.equal(after.entries.length, 6);
    assert.match(after.problems[0], /:6: not a JSON journal entry/);
  });

  it('restores runs missing from the record from the journal and the output files', function () {
    const runbook = buildRunbook([
      { key: 'conntrack', command: 'sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max' },
      { key: 'nofile', command: 'ulimit -n' },
    ]);
    runbook.steps[0].outputs.push({
      step: 'conntrack',
      host: 'web-1',
      startedAt: '2026-11-23T08:15:00.000Z',
      durationMs: 40,
      exitCode: 0,
      termination: 'exit',
      text: 'saved text',
      truncated: false,
      values: {},
      findings: [],
      runId: 'r1',
    });
    const ref = writeOutput(record, 'r2', 'open files (-n) 1024\n');
    assert.equal(ref, '2026-11-23-connection-timeouts.outputs/r2.txt');
    const entries: JournalEntry[] = [
      start('r1', 'conntrack'),
      {
        type: 'step-end',
        runId: 'r1',
        endedAt: 'x',
        durationMs: 40,
        exitCode: 0,
        signal: null,
        termination: 'exit',
        outputBytes: 10,
        truncated: false,
        values: {},
        findings: [],
      },
      { ...start('r2', 'nofile'), startedAt: '2026-11-23T08:16:00.000Z' } as JournalEntry,
      {
        type: 'step-end',
        runId: 'r2',
        endedAt: 'x',
        durationMs: 12,
        exitCode: 0,
        signal: null,
        termination: 'exit',
        outputRef: ref,
        outputBytes: 21,
        truncated: false,
        values: { limit: 1024 },
        findings: [],
        next: 'end',
        why: 'no finding',
      },
      { ...start('r3', 'nofile'), startedAt: '2026-11-23T08:17:00.000Z' } as JournalEntry,
    ];
    const restored = restoreOutputs(runbook, entries, record);
    assert.deepEqual(
      restored.get('conntrack')!.map((o) => o.text),
      ['saved text'],
    );
    const nofile = restored.get('nofile')!;
    assert.deepEqual(
      nofile.map((o) => o.runId),
      ['r2', 'r3'],
    );
    assert.equal(nofile[0].text, 'open files (-n) 1024\n');
    assert.deepEqual(nofile[0].values, { limit: 1024 });
    assert.equal(nofile[1].termination, 'connection-lost', 'a run with no end is shown as interrupted');
    assert.match(nofile[1].why!, /did not finish/);
  });
});
