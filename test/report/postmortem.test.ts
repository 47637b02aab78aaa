// The postmortem export of a recorded incident: golden Markdown and HTML files, and what a reader
// relies on (sections, root cause, resolution, timeline, path). Regenerate goldens with UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPostmortem, redactPostmortem } from '../../src/report/export';
import { renderHtml } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import { validateMermaid, mermaidFlowchart } from '../../src/report/mermaid';
import { buildPostmortem } from '../../src/report/postmortem';
import { createRedactor } from '../../src/redact/redactor';
import { recordIncident } from './fixture';

const GOLDEN = path.join(__dirname, 'golden');
const NOW = new Date('2026-11-23T10:00:00.000Z');

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npx mocha test/report/postmortem.test.ts`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept the new output)`);
}

describe('postmortem export of a recorded incident', function () {
  let dir: string;
  let recordPath: string;
  let input: ReturnType<typeof recordIncident>;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-'));
    recordPath = path.join(dir, '2026-11-23-api-gateway-connection-timeouts.runbook.md');
    input = recordIncident(recordPath);
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const build = () => buildPostmortem({ runbook: input.runbook, journal: input.entries, recordPath, now: NOW });

  it('matches the golden Markdown and HTML', async function () {
    const redactor = createRedactor();
    golden(
      'connection-timeouts.md',
      await exportPostmortem({ runbook: input.runbook, journal: input.entries, recordPath, now: NOW, redactor, format: 'markdown' }),
    );
    golden(
      'connection-timeouts.html',
      await exportPostmortem({ runbook: input.runbook, journal: input.entries, recordPath, now: NOW, redactor, format: 'html' }),
    );
  });

  it('prefills summary, root cause, resolution and action items from the findings', function () {
    const pm = build();
    assert.equal(pm.title, 'API gateway connection timeouts');
    assert.deepEqual(pm.authors, ['mei.lin', 'arjun.k']);
    assert.equal(pm.summary.mostSevere?.finding.severity, 'critical');
    assert.equal(pm.rootCauses.length, 1);
    assert.deepEqual(pm.rootCauses[0].values, { count: 65536, max: 65536, drops: 40 });
    assert.equal(pm.rootCauses[0].evidence, 'E1');
    assert.deepEqual(
      pm.resolution.map((r) => [r.stepKey, r.confirmedBy?.user]),
      [['raise-conntrack', 'mei.lin']],
    );
    assert.deepEqual(
      pm.actionItems.map((a) => a.severity),
      ['critical', 'warning'],
    );
    assert.match(pm.actionItems[0].action, /nf_conntrack_max/);
    assert.match(pm.incidentStatus, /^Resolved at 2026-11-23T08:31/);
  });

  it('builds the timeline from the journal in time order, with the confirmation and notes', function () {
    const pm = build();
    const results = pm.timeline.map((t) => t.result);
    assert.match(results[0], /incident record started by mei\.lin/);
    assert.ok(results.some((r) => r === 'confirmed by mei.lin'));
    assert.ok(results.some((r) => r.startsWith('note by arjun.k')));
    assert.match(results.at(-1)!, /incident ended: resolved/);
    const times = pm.timeline.map((t) => t.time);
    assert.deepEqual(times, [...times].sort());
    const e1 = pm.timeline.find((t) => t.result.startsWith('E1'))!;
    assert.match(e1.result, /exit 0; critical: conntrack table full.*; next: raise-conntrack \(count >= max \* 0\.9/);
  });

  it('draws the path taken as a valid Mermaid flowchart with decision labels', function () {
    const pm = build();
    assert.deepEqual(
      pm.path.nodes.map((n) => n.key),
      ['conntrack-full', 'open-files', 'raise-conntrack', 'verify'],
    );
    assert.match(pm.path.edges[0].label, /chosen by the responder/, 'the check said raise-conntrack, the responder went to open-files');
    assert.equal(pm.path.edges.at(-1)!.to, 'end');
    const source = mermaidFlowchart(pm.path);
    assert.deepEqual(validateMermaid(source), []);
    assert.equal(source.split('\n').filter((l) => l.includes('-->')).length, 4);
  });

  it('trims long outputs in Evidence and keeps the full text, without ANSI, in the appendix', function () {
    const md = renderMarkdown(build());
    const evidence = md.slice(md.indexOf('## Evidence'), md.indexOf('## Appendix'));
    const appendix = md.slice(md.indexOf('## Appendix'));
    assert.match(evidence, /… 19 lines omitted \(full output in the appendix\) …/);
    assert.equal((appendix.match(/table full, dropping packet/g) ?? []).length, 40);
    assert.equal(md.includes('\u001b'), false);
  });

  it('redacts the model before rendering: secrets in outputs and commands never reach the report', async function () {
    const pm = build();
    const token = 'tok_' + 'Zq8Lm2Xv9Rt4Wp7Ks3Nd6Hf1';
    pm.runs[0].output += `curl -H "Authorization: Bearer ${token}" http://127.0.0.1:8080/status\nroot password was Hunter22!x\n`;
    pm.runs[2].command += ' # mysql -pHunter22!x';
    const redacted = await redactPostmortem(pm, createRedactor({ secrets: ['Hunter22!x'], anonymize: true }));
    for (const text of [renderMarkdown(redacted), renderHtml(redacted)]) {
      assert.equal(text.includes(token), false);
      assert.equal(text.includes('Hunter22'), false);
      assert.equal(text.includes('gw-1.prod'), false, 'host names anonymised');
      assert.match(text, /host-1/);
      assert.match(text, /\[REDACTED:secret\]/);
    }
    assert.deepEqual(validateMermaid(mermaidFlowchart(redacted.path)), []);
    assert.equal(redacted.path.edges.length, pm.path.edges.length);
  });
});
