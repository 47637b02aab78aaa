// `runbook map` as a user runs it: SVG that parses as XML, Mermaid that passes the project's
// validator, DOT; with a real incident record (test/replay/records/) the path taken is marked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { validateMermaid } from '../../src/report/mermaid';

const ROOT = path.resolve(__dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
const RECORDS = path.join(ROOT, 'test/replay/records/triage-close-wait');
const RECORD = path.join(
  RECORDS,
  fs.readdirSync(RECORDS).find((f) => f.endsWith('.runbook.md'))!,
);

function runbook(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('runbook map', function () {
  this.timeout(60_000);

  it('--format svg: well-formed SVG with the path the record took', function () {
    const run = runbook(['map', 'runbooks/triage.runbook.md', '--record', RECORD, '--format', 'svg']);
    assert.equal(run.status, 0, run.stderr);
    const doc = new JSDOM(run.stdout, { contentType: 'image/svg+xml' }).window.document;
    assert.equal(doc.documentElement.tagName, 'svg');
    assert.equal(doc.querySelectorAll('g.node.step').length, 13);
    assert.deepEqual(
      [...doc.querySelectorAll('g.node.taken')].map((n) => n.getAttribute('data-step')),
      ['conntrack-usage', 'kernel-log', 'server-sockets', 'close-wait-owner'],
    );
  });

  it('--format mermaid: passes the Mermaid validation; a record on its own shows its own path', function () {
    const run = runbook(['map', RECORD, '--format', 'mermaid']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(validateMermaid(run.stdout.trimEnd()), []);
    assert.match(run.stdout, /s3_server_sockets -->\|"warning: close-wait-leak · taken"\| s10_close_wait_owner/);
  });

  it('--format dot: one statement per node and edge', function () {
    const run = runbook(['map', 'runbooks/conntrack.runbook.md', '--format', 'dot']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^digraph runbook \{/);
    assert.match(run.stdout, /"raise-conntrack-max" \[label="Raise nf_conntrack_max now · ⚠ changes the host", peripheries=2/);
  });

  it('exits 2 with the file named when it cannot read it', function () {
    const run = runbook(['map', 'runbooks/no-such.runbook.md']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /runbooks\/no-such\.runbook\.md: cannot read/);
  });
});
