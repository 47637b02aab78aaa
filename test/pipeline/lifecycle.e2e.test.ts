// Issue 16's acceptance over the real sshd, through the CLI commands in-process: start, run a step that
// fetches a capture and a log, note, mitigated, resolved, export. The postmortem says Resolved, shows
// the notes at their times, the time to mitigate and to resolve, and lists the fetched files with their
// sha256, present on disk (0600 in 0700). Golden files; only times, run ids and the user's pid vary.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportCommand } from '../../src/cli/export';
import { noteCommand } from '../../src/cli/note';
import { runCommand } from '../../src/cli/run';
import { statusCommand } from '../../src/cli/status';
import { startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal, type EvidenceFileEntry } from '../../src/engine/journal';
import { utc } from '../../src/report/text';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { golden } from '../report/golden';

const RUNBOOK = `---
title: Capture on the service host
params:
  capture: { type: identifier, prompt: File name of the capture under /tmp }
---

# Capture, then look

\`\`\`sh {id=capture title="Capture the handshake" fetch=/tmp/{{capture}},/tmp/{{capture}}.log fetch-max=1MB}
printf '\\324\\303\\262\\241\\002\\000\\004\\000\\000\\000\\000\\000\\377\\377\\000\\000' > /tmp/{{capture}}
printf 'GET /health 503\\npassword=Hunter22secret\\nGET /health 200\\n' > /tmp/{{capture}}.log
chmod 644 /tmp/{{capture}} /tmp/{{capture}}.log
echo "captured 2 files"
\`\`\`
`;

/** Runs a CLI command in-process, keeping what it prints. */
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

/** What truly varies between runs: wall-clock times, run ids, durations of the step, the test's pid. */
export function normalise(text: string, capture: string): string {
  return text
    .split(capture.replace(/\.pcap$/, ''))
    .join('rb-lc-PID')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<run-id>')
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?( UTC)?/g, '<time>')
    .replace(/\d{4}-\d{2}-\d{2}/g, '<date>')
    .replace(/took \d+(\.\d+)? (ms|s)/g, 'took <d>');
}

describe('pipeline: an incident from first step to resolved, over SSH', function () {
  this.timeout(120000);
  let sshd: TestSshd;
  let dir: string;
  let record: string;
  const capture = `rb-lc-${process.pid}.pcap`;
  let base: Date;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 141, extraConfig: ['Subsystem sftp internal-sftp'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-lifecycle-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'capture.runbook.md'), RUNBOOK);
    record = startIncident(path.join(dir, 'runbooks', 'capture.runbook.md'), {
      title: 'Connect timeouts on the API',
      responder: 'mei.lin',
      target: ['testbed-1'],
      parameters: { capture },
    }).recordPath;
    const run = await quietly(() => runCommand(record, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['capture'] }));
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /fetched testbed-1:\/tmp\/rb-lc-\d+\.pcap -> .*\.evidence\/.*\(16 bytes, binary, sha256 [0-9a-f]{64}\)/);
    const note = await quietly(() =>
      noteCommand(record, 'Capture shows the server sends FIN right after accept', { step: 'capture', host: 'testbed-1', author: 'mei.lin' }),
    );
    assert.equal(note.code, 0, note.out);
    // The lifecycle times come after every real event and up to a minute ahead is allowed: the durations are exact.
    base = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
    const iso = (offsetMs: number) => new Date(base.getTime() + offsetMs).toISOString();
    const paged = await quietly(() => noteCommand(record, 'Paged by HighConnectTimeouts', { at: iso(-10 * 60_000), author: 'arjun.k' }));
    assert.equal(paged.code, 0, paged.out);
    const mitigated = await quietly(() =>
      statusCommand(record, 'mitigated', {
        at: iso(0),
        impactStart: iso(-5 * 60_000),
        detectedAt: iso(-3 * 60_000),
        detectedBy: 'alert',
        alert: 'HighConnectTimeouts',
        author: 'mei.lin',
      }),
    );
    assert.equal(mitigated.code, 0, mitigated.out);
    assert.match(mitigated.out, /Status: mitigated\n[\s\S]*Time to mitigate: 5 min \(from the impact start\)/);
    const resolved = await quietly(() => statusCommand(record, 'resolved', { at: iso(2000), impactEnd: iso(0), author: 'mei.lin' }));
    assert.equal(resolved.code, 0, resolved.out);
  });

  after(async function () {
    await sshd?.stop();
    for (const f of [capture, `${capture}.log`]) fs.rmSync(path.join('/tmp', f), { force: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const exported = async (format: 'md' | 'html') => {
    const output = path.join(dir, 'incidents', `postmortem.${format}`);
    const r = await quietly(() => exportCommand(record, { format, output }));
    assert.equal(r.code, 0, r.out);
    return fs.readFileSync(output, 'utf8');
  };

  it('the fetched files are in the evidence folder (0600 in 0700), text redacted, with their sha256 in the journal', function () {
    const files = readJournal(journalPathFor(record)).entries.filter((e): e is EvidenceFileEntry => e.type === 'evidence-file');
    assert.deepEqual(
      files.map((f) => [path.posix.basename(f.remotePath), f.kind, f.bytes]),
      [
        [capture, 'binary', 16],
        [`${capture}.log`, 'text', fs.readFileSync(path.join(path.dirname(record), files[1].file!)).length],
      ],
    );
    for (const f of files) {
      const onDisk = path.join(path.dirname(record), f.file!);
      const data = fs.readFileSync(onDisk);
      assert.equal(createHash('sha256').update(data).digest('hex'), f.sha256);
      assert.equal(fs.statSync(onDisk).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(onDisk)).mode & 0o777, 0o700);
      assert.equal(fs.statSync(path.dirname(path.dirname(onDisk))).mode & 0o777, 0o700);
    }
    assert.deepEqual(fs.readFileSync(path.join(path.dirname(record), files[0].file!)), fs.readFileSync(path.join('/tmp', capture)), 'the binary as fetched');
    const log = fs.readFileSync(path.join(path.dirname(record), files[1].file!), 'utf8');
    assert.equal(log.includes('Hunter22secret'), false, 'the password in the log is redacted');
    assert.match(log, /GET \/health 503/);
    assert.equal(files[1].redacted, true);
  });

  it('the postmortem says Resolved, shows the notes at their times, the durations and the files (Markdown golden)', async function () {
    const md = await exported('md');
    golden('lifecycle-e2e.md', normalise(md, capture));
    assert.match(md, /\| \*\*Status\*\* \| Draft; incident Resolved at /);
    assert.match(md, /\| \*\*Time to mitigate\*\* \| 5 min \\\(from the impact start\\\) \|/);
    assert.match(md, /\| \*\*Time to resolve\*\* \| 5 min 2 s \\\(from the impact start\\\) \|/);
    assert.match(md, /\| \*\*Time to detect\*\* \| 2 min/);
    const pagedAt = utc(new Date(base.getTime() - 10 * 60_000).toISOString()).replace(/ UTC$/, '');
    assert.match(md, new RegExp(`\\| ${pagedAt} \\| +\\| +\\| note by arjun\\.k: Paged by HighConnectTimeouts \\|`));
    assert.match(md, /\| `testbed-1` \| Capture the handshake \| note by mei\.lin: Capture shows the server sends FIN right after accept \|/);
    const files = readJournal(journalPathFor(record)).entries.filter((e): e is EvidenceFileEntry => e.type === 'evidence-file');
    for (const f of files)
      assert.ok(md.includes(`[/tmp/${path.posix.basename(f.remotePath)}](${f.file})`) && md.includes(f.sha256!), `${f.remotePath} listed with link and sha256`);
    assert.equal(md.includes('\u0000') || md.includes('Hunter22secret'), false, 'no binary inlined, no secret');
  });

  it('the same in HTML (golden)', async function () {
    const html = await exported('html');
    assert.match(html, /<th scope="row">Status<\/th><td>Draft; incident Resolved at /);
    assert.doesNotMatch(html, /<th scope="row">Status<\/th><td>Resolved<\/td>/, 'the status is said once, in the header');
    assert.match(html, /<th scope="row">Time to resolve<\/th><td>5 min 2 s \(from the impact start\)<\/td>/);
    assert.match(html, /<a href="[^"]+\.evidence\/[^"]+\/rb-lc-\d+\.pcap"><code>\/tmp\/rb-lc-\d+\.pcap<\/code><\/a>/);
    golden('lifecycle-e2e.html', normalise(html, capture));
  });

  it('a step in the resolved record runs only after a reopen, which goes into the timeline', async function () {
    const again = await quietly(() => runCommand(record, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['capture'], reopen: true }));
    assert.equal(again.code, 0, again.out);
    const statuses = readJournal(journalPathFor(record))
      .entries.filter((e) => e.type === 'status')
      .map((e) => (e.type === 'status' ? e.status : ''));
    assert.deepEqual(statuses, ['mitigated', 'resolved', 'reopened']);
    const md = await exported('md');
    assert.match(md, /\| \*\*Status\*\* \| Draft; incident Mitigated at /);
    assert.match(md, /\| \*\*Reopened\*\* \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \|/);
    assert.match(md, /status: reopened \\\(set by [a-z.]+\\\): reopened to run a step/);
  });
});
