// The postmortem of a conn-cap incident as triage records it: a suspected cause confirmed by its
// capture, a step that could not read its evidence (inconclusive), notes (typed, a finding marked
// important, a Markdown cell) at their times with step and host, status with impact and detection,
// and a fetched capture. Golden Markdown and HTML; the Verdict and Inconclusive sections say what they must.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, journalPathFor, readJournal, writeOutput, type JournalEntry } from '../../src/engine/journal';
import { createRedactor } from '../../src/redact/redactor';
import { exportPostmortem } from '../../src/report/export';
import { buildPostmortem } from '../../src/report/postmortem';
import { buildRunbook, type StepSpec } from './fixture';
import { golden } from './golden';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const HOST = 'api-1.prod';

const STEPS: Record<string, StepSpec> = {
  perClient: { key: 'client-cap', title: 'Per client: held connections and new TIME_WAIT (3 s)', command: 'ss -Htan state time-wait "( sport = :8080 )"' },
  limits: { key: 'process-open-files', title: 'Open files of the server process', command: 'cat /proc/{{pid}}/limits' },
  capture: {
    key: 'capture',
    title: 'tcpdump: does the server hang up right after the handshake?',
    command: 'timeout 8 tcpdump -nn -i any -w /tmp/cap.pcap port 8080',
  },
};

function run(
  journal: Journal,
  record: string,
  step: StepSpec,
  runId: string,
  at: string,
  end: Partial<Extract<JournalEntry, { type: 'step-end' }>>,
  output: string,
): void {
  journal.append({ type: 'step-start', runId, step: { key: step.key, id: step.key, title: step.title }, host: HOST, command: step.command, startedAt: at });
  journal.append({
    type: 'step-end',
    runId,
    endedAt: new Date(Date.parse(at) + 3000).toISOString(),
    durationMs: 3000,
    exitCode: 0,
    signal: null,
    termination: 'exit',
    outputRef: writeOutput(record, runId, output),
    outputBytes: Buffer.byteLength(output),
    truncated: false,
    values: {},
    findings: [],
    ...end,
  });
}

function recordConnCap(record: string): JournalEntry[] {
  const journal = Journal.open(record);
  journal.append({
    type: 'incident-start',
    id: 'conn-cap',
    title: 'API clients capped',
    responder: 'mei.lin',
    target: [HOST],
    parameters: { port: '8080' },
    time: '2026-11-23T08:00:00.000Z',
  });
  journal.append({ type: 'impact', start: '2026-11-23T07:41:00.000Z', time: '2026-11-23T08:01:00.000Z', author: 'mei.lin' });
  journal.append({
    type: 'detection',
    at: '2026-11-23T07:52:00.000Z',
    how: 'alert',
    alert: 'ApiConnectErrors > 5%',
    time: '2026-11-23T08:01:00.000Z',
    author: 'mei.lin',
  });
  run(
    journal,
    record,
    STEPS.perClient,
    'r1',
    '2026-11-23T08:03:00.000Z',
    {
      values: { top_client: '10.0.4.17', held: 4, served_clients: 3 },
      findings: [
        {
          severity: 'critical',
          message: 'client 10.0.4.17 is held at 4 connections while 3 other clients are served',
          rule: 0,
          when: 'held <= 8 && served_clients > 0',
          cause: 'conn-cap',
          verify: ['capture'],
          hint: 'Raise the per-client cap (maxconn per source) on the server',
        },
      ],
      next: 'capture',
      why: 'a suspected cause names its confirming step',
      evidence: 'findings',
    },
    'ESTAB 0 0 10.0.4.2:8080 10.0.4.17:51234\n',
  );
  run(
    journal,
    record,
    STEPS.limits,
    'r2',
    '2026-11-23T08:04:00.000Z',
    {
      exitCode: 1,
      evidence: 'inconclusive',
      inconclusive: {
        reason: 'cat exited 1: /proc/1234/limits is not readable as runbook-test',
        hint: 'run the step with sudo, or pass pid= of a process you own',
      },
      next: 'capture',
    },
    'cat: /proc/1234/limits: Permission denied\n',
  );
  journal.append({
    type: 'note',
    text: 'The cap matches the LB change deployed at 07:40.',
    time: '2026-11-23T08:05:00.000Z',
    author: 'arjun.k',
    step: 'client-cap',
    host: HOST,
    source: 'finding',
  });
  run(
    journal,
    record,
    STEPS.capture,
    'r3',
    '2026-11-23T08:06:00.000Z',
    {
      values: { fin_after_accept: 12, capped_client: '10.0.4.17' },
      findings: [
        {
          severity: 'critical',
          message: 'the server sent FIN right after the handshake to 10.0.4.17 12 times, before any data',
          rule: 0,
          when: 'fin_after_accept > 0',
          confirms: 'conn-cap',
        },
      ],
      next: 'end',
      why: 'the cause is confirmed',
      evidence: 'findings',
    },
    '12 packets captured\n',
  );
  journal.append({
    type: 'evidence-file',
    runId: 'r3',
    step: { key: 'capture', id: 'capture', title: STEPS.capture.title },
    host: HOST,
    remotePath: '/tmp/cap.pcap',
    time: '2026-11-23T08:06:09.000Z',
    file: 'conn-cap.evidence/r3/cap.pcap',
    bytes: 2048,
    sha256: 'b'.repeat(64),
    remoteBytes: 2048,
    kind: 'binary',
  });
  journal.append({
    type: 'note',
    text: 'Rolled back the LB config (maxconn per source 4 -> 64).',
    time: '2026-11-23T08:12:00.000Z',
    author: 'mei.lin',
    source: 'markdown-cell',
  });
  journal.append({ type: 'status', status: 'mitigated', at: '2026-11-23T08:14:00.000Z', time: '2026-11-23T08:20:00.000Z', author: 'mei.lin' });
  journal.append({ type: 'impact', end: '2026-11-23T08:14:00.000Z', time: '2026-11-23T08:20:00.000Z', author: 'mei.lin' });
  journal.append({ type: 'status', status: 'resolved', at: '2026-11-23T08:40:00.000Z', time: '2026-11-23T08:41:00.000Z', author: 'mei.lin' });
  journal.close();
  return readJournal(journalPathFor(record)).entries;
}

describe('postmortem: verdict, inconclusive steps and the lifecycle', function () {
  let dir: string;
  let record: string;
  let entries: JournalEntry[];
  const runbook = buildRunbook(Object.values(STEPS), { title: 'Connection cap', hosts: [HOST] }, 'conn-cap.runbook.md');
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-lc-'));
    record = path.join(dir, 'conn-cap.runbook.md');
    entries = recordConnCap(record);
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('matches the golden Markdown and HTML', async function () {
    for (const format of ['markdown', 'html'] as const) {
      const text = await exportPostmortem({ runbook, journal: entries, recordPath: record, now: NOW, redactor: createRedactor(), format });
      golden(`conn-cap-lifecycle.${format === 'html' ? 'html' : 'md'}`, text);
    }
  });

  it('marks the confirmed cause confirmed and lists the inconclusive step as such, with its way out', async function () {
    const md = await exportPostmortem({ runbook, journal: entries, recordPath: record, now: NOW, redactor: createRedactor(), format: 'markdown' });
    const verdict = md.slice(md.indexOf('## Verdict'), md.indexOf('## Inconclusive steps'));
    assert.match(verdict, /^- Root cause \\\(confirmed\\\): the server sent FIN right after the handshake to 10\.0\.4\.17 12 times/m);
    assert.doesNotMatch(verdict, /unconfirmed/);
    const inconclusive = md.slice(md.indexOf('## Inconclusive steps'), md.indexOf('## Root cause candidates'));
    assert.match(inconclusive, /they rule nothing out/);
    assert.match(inconclusive, /- Open files of the server process on `api-1\.prod` \(evidence E2\): cat exited 1: .* — what to do: run the step with sudo/);
    assert.equal((inconclusive.match(/^- /gm) ?? []).length, 1, 'only the step that could not tell');
  });

  it('evidence links still open the files when the postmortem is written to another folder (-o)', async function () {
    const elsewhere = path.join(path.dirname(record), 'shared', 'postmortems', 'pm.html');
    for (const format of ['markdown', 'html'] as const) {
      const text = await exportPostmortem({
        runbook,
        journal: entries,
        recordPath: record,
        outputPath: elsewhere,
        now: NOW,
        redactor: createRedactor(),
        format,
      });
      const links = [...text.matchAll(format === 'html' ? /href="([^"]+)"/g : /\]\(([^)]+)\)/g)].map((m) => m[1]!).filter((l) => l.includes('.evidence/'));
      assert.ok(links.length > 0, `${format}: no evidence link`);
      const file = path.join(path.dirname(record), 'conn-cap.evidence', 'r3', 'cap.pcap');
      assert.deepEqual(
        links.map((link) => path.resolve(path.dirname(elsewhere), link)),
        [file],
        `${format}: ${links.join(' ')}`,
      );
    }
  });

  it('status, key times and durations from the journal; notes in the timeline at their times', function () {
    const pm = buildPostmortem({ runbook, journal: entries, recordPath: record, now: NOW });
    assert.equal(pm.incidentStatus, 'Resolved at 2026-11-23T08:40:00.000Z');
    assert.deepEqual(
      [pm.lifecycle.toDetect, pm.lifecycle.toMitigate, pm.lifecycle.toResolve, pm.lifecycle.impact, pm.lifecycle.from],
      ['11 min', '33 min', '59 min', '33 min', 'impact start'],
    );
    const at = (time: string) => pm.timeline.find((t) => t.time === time)?.result;
    assert.equal(at('2026-11-23T08:05:00.000Z'), 'marked important by arjun.k: The cap matches the LB change deployed at 07:40.');
    assert.equal(at('2026-11-23T08:12:00.000Z'), 'Markdown cell by mei.lin: Rolled back the LB config (maxconn per source 4 -> 64).');
    assert.equal(pm.timeline.find((t) => t.time === '2026-11-23T08:05:00.000Z')?.step, STEPS.perClient.title);
    assert.deepEqual(
      pm.evidenceFiles.map((f) => [f.file, f.kind, f.sha256]),
      [['conn-cap.evidence/r3/cap.pcap', 'binary', 'b'.repeat(64)]],
    );
  });

  it('a mitigated time given again: the timeline says which one holds', function () {
    const base = { type: 'status' as const, time: '2026-11-23T08:50:00.000Z', author: 'mei.lin' };
    const again: JournalEntry[] = [
      ...entries,
      { ...base, status: 'declared', at: '2026-11-23T07:55:00.000Z' },
      { ...base, status: 'mitigated', at: '2026-11-23T08:30:00.000Z' },
    ];
    const pm = buildPostmortem({ runbook, journal: again, recordPath: record, now: NOW });
    const rows = pm.timeline.filter((t) => /^status: (mitigated|declared)/.test(t.result)).map((t) => `${t.time} ${t.result}`);
    assert.deepEqual(rows.filter((r) => /replaced by/.test(r)).length, rows.length - 2, rows.join('\n'));
    assert.ok(
      rows.some((r) => r.startsWith('2026-11-23T08:30:00.000Z status: mitigated (set by mei.lin)') && !/replaced/.test(r)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((r) => /status: mitigated .*; replaced by mitigated at 2026-11-23 08:30:00 UTC$/.test(r)),
      rows.join('\n'),
    );
    assert.equal(pm.lifecycle.mitigatedAt, '2026-11-23T08:30:00.000Z');
  });
});
