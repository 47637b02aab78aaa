// `fetch=` on this machine (`--host local`, as lab runs do) through the CLI in-process, and the rules a
// path follows: a value may not move it (no "/", "..", line breaks), it must be absolute, the cap is
// read as written; a file that is not there is journaled with its reason, and the run goes on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/cli/run';
import { startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal, type EvidenceFileEntry } from '../../src/engine/journal';
import { fetchCap, isBinary, substitutePath } from '../../src/pipeline/evidenceFiles';
import { parseRunbook } from '../../src/runbook/parse';
import { createExecutors } from '../../src/engine/executors';
import { toGroupResultView } from '../../src/engine/groupView';
import type { StepRun } from '../../src/engine/runStep';
import { savedResultView, savedRuns } from '../../src/engine/savedResultView';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import { fileRecordWriter, readRunbookFile } from '../../src/pipeline/load';
import type { StepResultView } from '../../src/protocol/renderer';
import { createRedactor } from '../../src/redact/redactor';
import type { SavedOutput } from '../../src/runbook/model';

async function quietly(work: () => Promise<number>): Promise<{ code: number; out: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  process.stdout.write = process.stderr.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
  try {
    return { code: await work(), out };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

describe('pipeline: evidence files (fetch=)', function () {
  this.timeout(30000);

  it('substitutes values as text and refuses one that would move the path', function () {
    assert.equal(substitutePath('/tmp/cap-{{port}}.pcap', { port: '8080' }, { port: { type: 'port' } }), '/tmp/cap-8080.pcap');
    for (const value of ['../etc/shadow', 'a/b', '..', 'x\ny'])
      assert.throws(() => substitutePath('/tmp/{{name}}', { name: value }, {}), /would change the path's folders|is not/, JSON.stringify(value));
    assert.throws(() => substitutePath('/tmp/{{port}}', { port: '80; rm' }, { port: { type: 'port' } }), /is not a port number/);
    assert.throws(() => substitutePath('cap.pcap', {}, {}), /not an absolute path/);
    assert.throws(() => substitutePath('/tmp/../etc/passwd', {}, {}), /without "\.\."/);
    assert.throws(() => substitutePath('/tmp/{{missing}}', {}, {}), /no value for \{\{missing\}\}/);
  });

  it('reads fetch-max as written, and tells text from binary', function () {
    const step = (attrs: string) => parseRunbook(`\`\`\`sh {id=a ${attrs}}\ntrue\n\`\`\`\n`, 'r.runbook.md').steps[0];
    assert.deepEqual(
      [fetchCap(step('fetch=/x'), 'r'), fetchCap(step('fetch=/x fetch-max=10MB'), 'r'), fetchCap(step('fetch=/x fetch-max=2KiB'), 'r')],
      [50 * 1024 * 1024, 10_000_000, 2048],
    );
    const bad = parseRunbook('```sh {id=a fetch=/x fetch-max=lots}\ntrue\n```\n', 'r.runbook.md');
    assert.ok(bad.diagnostics.some((d) => d.code === 'bad-attribute' && /fetch-max "lots" is not a size/.test(d.message)));
    assert.equal(bad.steps[0].confirm, true, 'a step whose attributes do not read cleanly is treated as a host change');
    assert.deepEqual(
      [isBinary(Buffer.from('GET / 200\n')), isBinary(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0, 0])), isBinary(Buffer.from([0xff, 0xfe, 0x41]))],
      [false, true, true],
    );
  });

  it('on --host local: the file is copied into the evidence folder; a missing one is journaled with its reason', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fetch-local-'));
    try {
      fs.mkdirSync(path.join(dir, 'runbooks'));
      const source = path.join(dir, 'slice.log');
      fs.writeFileSync(
        path.join(dir, 'runbooks', 'local.runbook.md'),
        `---\ntitle: Local\nhosts: [local]\n---\n\n\`\`\`sh {id=slice fetch=${source},${path.join(dir, 'gone.log')}}\nprintf 'accept4: Too many open files\\ntoken=ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}\\n' > ${source}\n\`\`\`\n`,
      );
      const record = startIncident(path.join(dir, 'runbooks', 'local.runbook.md'), { responder: 'mei.lin' }).recordPath;
      const run = await quietly(() => runCommand(record, { host: 'local', step: ['slice'] }));
      assert.equal(run.code, 0, run.out);
      assert.match(run.out, /not fetched local:.*gone\.log: .*no such file/);
      const files = readJournal(journalPathFor(record)).entries.filter((e): e is EvidenceFileEntry => e.type === 'evidence-file');
      assert.equal(files.length, 2);
      const [slice, gone] = files;
      assert.deepEqual([slice.kind, slice.redacted, gone.file, /no such file/.test(gone.error ?? '')], ['text', true, undefined, true]);
      const kept = fs.readFileSync(path.join(path.dirname(record), slice.file!), 'utf8');
      assert.match(kept, /^accept4: Too many open files\n/);
      assert.equal(kept.includes('ghp_A1b2'), false, 'the token in the log slice is redacted');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the step result says which files were fetched, live and reopened from the record', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fetch-view-'));
    try {
      fs.mkdirSync(path.join(dir, 'runbooks'));
      const source = path.join(dir, 'limits.txt');
      const gone = path.join(dir, 'gone.log');
      fs.writeFileSync(
        path.join(dir, 'runbooks', 'local.runbook.md'),
        `---\ntitle: Local\nhosts: [local]\n---\n\n\`\`\`sh {id=limits fetch=${source},${gone}}\nprintf 'Max open files 1024 1024 files\\n' > ${source}\n\`\`\`\n`,
      );
      const recordPath = startIncident(path.join(dir, 'runbooks', 'local.runbook.md'), { responder: 'mei.lin' }).recordPath;
      const prompter = { askSecret: async () => undefined, confirm: async () => false };
      const executors = createExecutors({ prompter });
      let ended: { run: StepRun; saved: SavedOutput[] } | undefined;
      const run = await openIncidentRun({
        runbook: readRunbookFile(recordPath),
        recordPath,
        targetNames: ['local'],
        targetOptions: {},
        given: {},
        prompter: prompter as never,
        executors,
        redactor: createRedactor(),
        listener: { stepEnded: (r, saved) => void (ended = { run: r, saved }) },
        writeRecord: fileRecordWriter(recordPath),
      });
      try {
        await run.step(run.runbook.steps[0]);
      } finally {
        run.close();
        await executors.closeAll();
      }
      const live = JSON.parse(JSON.stringify(toGroupResultView(ended!.run, ended!.saved))) as StepResultView;
      const [kept, missing] = live.hosts[0].fetched ?? [];
      const entry = readJournal(journalPathFor(recordPath)).entries.find((e): e is EvidenceFileEntry => e.type === 'evidence-file' && !e.error)!;
      assert.deepEqual(kept, { remotePath: source, file: entry.file, bytes: entry.bytes, sha256: entry.sha256, kind: 'text' });
      assert.equal(fs.readFileSync(path.join(path.dirname(recordPath), kept.file!), 'utf8'), 'Max open files 1024 1024 files\n');
      assert.equal(missing.remotePath, gone);
      assert.match(missing.error ?? '', /no such file/);

      const record = readRunbookFile(recordPath);
      const step = record.steps[0];
      const again = JSON.parse(JSON.stringify(savedResultView(record, step, savedRuns(step.outputs)[0]))) as StepResultView;
      delete again.savedAt;
      assert.deepEqual(again, live);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
