// The postmortem shows a step's values as the notebook and the CLI do (src/checks/display.ts):
// counts with their top entries and socket rows summarised by peer and state, never JSON.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, journalPathFor, readJournal } from '../../src/engine/journal';
import { renderHtml } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import { buildPostmortem } from '../../src/report/postmortem';
import { buildRunbook, recordRun } from './fixture';

describe('postmortem values: the shared formatter, never JSON', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-values-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows ss-tan values (states, peers, socket rows) as words and counts in Markdown and HTML', () => {
    const recordPath = path.join(dir, 'values.runbook.md');
    const step = { key: 'sockets', title: 'Sockets on the port', command: 'ss -tan' };
    const runbook = buildRunbook([step], { title: 'Values', incident: { id: 'v', title: 'Values', startedAt: '2026-12-01T08:00:00.000Z', responder: 'test' } });
    const journal = Journal.open(recordPath);
    // Socket rows as the ss-tan parser keeps them (ss -tan on a server with 300 sockets in CLOSE-WAIT from one peer).
    const row = (i: number) => ({
      state: 'CLOSE-WAIT',
      recvQ: 1,
      sendQ: 0,
      localAddress: '10.0.0.1',
      localPort: '8080',
      peerAddress: '10.0.0.5',
      peerPort: String(40000 + i),
    });
    recordRun(journal, recordPath, {
      runId: 'r1',
      step,
      host: 'web-1',
      startedAt: '2026-12-01T08:01:00.000Z',
      durationMs: 30,
      output: 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n',
      values: {
        total: 300,
        states: { CLOSE_WAIT: 300, ESTABLISHED: 0 },
        maxPeer: { address: '10.0.0.5', count: 300 },
        rows: Array.from({ length: 300 }, (_, i) => row(i)),
      },
    });
    journal.close();
    const pm = buildPostmortem({ runbook, journal: readJournal(journalPathFor(recordPath)).entries, recordPath, now: new Date('2026-12-01T09:00:00.000Z') });
    const md = renderMarkdown(pm);
    const html = renderHtml(pm);
    for (const text of [md, html]) {
      assert.match(text, /CLOSE_WAIT 300 \(1 others 0\)/);
      assert.match(text, /address 10\.0\.0\.5, count 300/);
      assert.match(text, /300 sockets; 10\.0\.0\.5 CLOSE_WAIT 300/);
      assert.doesNotMatch(text, /peerAddress|\{"|&quot;state&quot;/, 'no JSON');
    }
  });
});
