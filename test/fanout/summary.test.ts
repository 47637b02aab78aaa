// A group result at 1,000 hosts: the summary (counts per verdict, identical outputs merged, hosts to
// re-run) and the postmortem built from a 1,000-host journal stay short: the shared output once,
// with its count, and the per-host evidence folded under it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summarizeHosts, verdictCounts, type HostOutcome } from '../../src/engine/groupView';
import { formatProgress, ProgressCounter } from '../../src/engine/progress';
import { Journal, journalPathFor, readJournal } from '../../src/engine/journal';
import { renderHtml } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import { buildPostmortem } from '../../src/report/postmortem';
import { buildRunbook, recordRun, type StepSpec } from '../report/fixture';

const HOSTS = 1000;
const name = (i: number) => `web-${String(i + 1).padStart(4, '0')}`;
/** 947 hosts print the same two lines, 47 another, 3 their own, 2 are unreachable, 1 exits 2. */
function outcome(i: number): HostOutcome {
  const base = { host: name(i), findings: [], values: {} };
  if (i < 947) return { ...base, termination: 'exit', exitCode: 0, text: 'Linux 6.1.0-18-amd64\nuptime 41 days\n', values: { load: 0.2 } };
  if (i < 994) return { ...base, termination: 'exit', exitCode: 0, text: 'Linux 6.1.0-9-amd64\nuptime 3 days\n', values: { load: 0.4 } };
  if (i < 997) return { ...base, termination: 'exit', exitCode: 0, text: `Linux 6.1.0-18-amd64\nuptime ${i} days\n`, values: { load: 90 } };
  if (i < 999) return { ...base, termination: 'error', exitCode: null, text: '', errorKind: 'socket' };
  return { ...base, termination: 'exit', exitCode: 2, text: 'uname: cannot open /proc\n' };
}

describe('a group result at 1,000 hosts', () => {
  it('summarises: verdict counts that add up, identical outputs merged largest first, the hosts to re-run', () => {
    const s = summarizeHosts(Array.from({ length: HOSTS }, (_, i) => outcome(i)));
    assert.equal(s.total, HOSTS);
    assert.equal(
      s.verdicts.reduce((n, v) => n + v.hosts.length, 0),
      HOSTS,
    );
    assert.equal(verdictCounts(s), '997 nothing found, 1 inconclusive, 2 failed (socket)');
    assert.deepEqual(
      s.identical.map((g) => g.hosts.length),
      [947, 47, 2],
    );
    assert.equal(s.identical[1].text, 'Linux 6.1.0-9-amd64\nuptime 3 days\n');
    // The two unreachable hosts printed nothing alike; the own outputs are the 3 odd hosts and the one that exited 2.
    assert.deepEqual(s.unique, [name(994), name(995), name(996), name(999)]);
    assert.deepEqual(s.rerun, [name(997), name(998), name(999)]);
    assert.deepEqual(
      s.distribution.map((d) => [d.value, d.hosts, d.min, d.median, d.max]),
      [['load', 997, 0.2, 0.2, 90]],
    );
    assert.deepEqual(
      s.outliers.map((o) => o.host),
      [name(994), name(995), name(996)],
    );
  });

  it('counts progress so that done + failed + remaining = hosts, with an ETA from the rate so far', () => {
    let now = 0;
    const counter = new ProgressCounter('probe', 4, () => now);
    assert.equal(counter.current().etaMs, undefined, 'no ETA before a host ended');
    const run = (exitCode: number) =>
      ({ step: { okExit: undefined }, result: { termination: 'exit', exitCode }, outcome: undefined }) as unknown as Parameters<ProgressCounter['ended']>[0];
    now = 1000;
    const p = counter.ended(run(0));
    assert.deepEqual([p.done, p.failed, p.remaining, p.etaMs], [1, 0, 3, 3000]);
    now = 2000;
    const q = counter.ended(run(1));
    assert.deepEqual([q.done, q.failed, q.remaining, q.etaMs], [1, 1, 2, 2000]);
    assert.equal(formatProgress(q), '2/4 hosts: 1 done, 1 failed, 2 remaining, ETA 2.0 s');
  });

  it('keeps the postmortem readable: the summary with each shared output once, per-host evidence folded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-summary-'));
    try {
      const recordPath = path.join(dir, 'fleet.runbook.md');
      const step: StepSpec = { key: 'kernel', title: 'Kernel and uptime', command: 'uname -sr; uptime -p' };
      const runbook = buildRunbook([step], { title: 'Fleet' }, 'fleet.runbook.md');
      const journal = Journal.open(recordPath);
      for (let i = 0; i < HOSTS; i++) {
        const o = outcome(i);
        recordRun(journal, recordPath, {
          runId: `r-${i}`,
          step,
          host: o.host,
          startedAt: new Date(Date.UTC(2026, 11, 1, 3, 0, 0, i)).toISOString(),
          durationMs: 120,
          exitCode: o.exitCode,
          termination: o.termination as 'exit' | 'error',
          output: o.text,
          values: o.values,
        });
      }
      journal.close();
      const pm = buildPostmortem({ runbook, journal: readJournal(journalPathFor(recordPath)).entries, recordPath, now: new Date('2026-12-01T04:00:00Z') });
      const md = renderMarkdown(pm);
      const evidence = md.slice(md.indexOf('## Evidence'));
      const summary = evidence.slice(0, evidence.indexOf('<details><summary>Per-host evidence: 1000 hosts</summary>'));
      assert.ok(summary.length > 0 && evidence.includes('<details><summary>Per-host evidence: 1000 hosts</summary>'), 'per-host evidence folded');
      assert.match(summary, /### E1–E1000\. Kernel and uptime on 1000 hosts/);
      assert.match(summary, /\*\*947 hosts: identical output\*\* \(exit 0\): `web-0001`, `web-0002`/);
      assert.match(summary, /\*\*47 hosts: identical output\*\* \(exit 0\)/);
      assert.equal(summary.match(/uptime 41 days/g)?.length, 1, 'the shared output appears once in the summary');
      assert.ok(summary.split('\n').length < 60, `the summary is ${summary.split('\n').length} lines`);
      const html = renderHtml(pm);
      assert.match(html, /<strong>947 hosts: identical output<\/strong>/);
      assert.match(html, /<details><summary>Per-host evidence: 1000 hosts<\/summary>/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
