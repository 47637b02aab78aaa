// `runbook test` as a user runs it: the shipped fixtures of the bundled runbooks pass; a threshold
// changed in a copy of a bundled runbook makes the matching fixture fail with the difference in
// words; `--make-fixture` turns a recorded incident (test/replay/records/) into a fixture that passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
// Some runs start in a temp folder: load tsx by its path, not by package name.
const CLI = ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'src/cli/main.ts')];

function runbook(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of triage.runbook.md and one of its fixtures, laid out as in runbooks/, with `edit` applied to the runbook. */
function editedCopy(dir: string, name: string, edit: (text: string) => string): string {
  const fixture = path.join(dir, 'runbooks/fixtures/triage', name);
  fs.cpSync(path.join(ROOT, 'runbooks/fixtures/triage', name), fixture, { recursive: true });
  const original = fs.readFileSync(path.join(ROOT, 'runbooks/triage.runbook.md'), 'utf8');
  const edited = edit(original);
  assert.notEqual(edited, original, 'the edit changed the runbook');
  fs.writeFileSync(path.join(dir, 'runbooks/triage.runbook.md'), edited);
  return fixture;
}

describe('runbook test', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-test-cli-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes on the fixtures shipped with the bundled runbooks', function () {
    const run = runbook(['test', 'runbooks/fixtures']);
    const count = fs.readdirSync(path.join(ROOT, 'runbooks/fixtures')).flatMap((r) => fs.readdirSync(path.join(ROOT, 'runbooks/fixtures', r))).length;
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`\\n${count} fixtures: ${count} passed\\.\\n$`));
    assert.match(
      run.stdout,
      /PASS runbooks\/fixtures\/triage\/time-wait\n {2}lab: conntrack-usage → kernel-log → server-sockets → client-cap → time-wait-rate → time-wait-side; root cause \(confirmed\): this server closes first, about \d+ connections a second/,
    );
  });

  // Field incident 000's own outputs (conntrack 67549/65535, "table full" in the kernel log): the
  // fixture whose replay does not depend on sampled steps.
  it('fails with a readable difference when a threshold of the runbook changes', function () {
    const rule = 'when: conntrack_loaded == "yes" and conntrack_count >= conntrack_max * 0.9\n';
    const fixture = editedCopy(dir, 'conntrack-field-incident-000', (text) => text.replace(rule, rule.replace('* 0.9', '* 1.5')));
    const expect = parse(fs.readFileSync(path.join(fixture, 'fixture.yaml'), 'utf8')).expect['incident-000'];
    const table: string = expect.findings['conntrack-usage'][0].critical;
    const kernel: string = expect.findings['kernel-log'][0].critical;
    assert.equal(expect['root-cause'].status, 'confirmed', 'the kernel log confirmed the full table');
    const run = runbook(['test', 'runbooks/fixtures'], dir);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    // Without the table's finding the kernel log's drops are the root cause, still confirmed (`confirms: conntrack-full`).
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'FAIL runbooks/fixtures/triage/conntrack-field-incident-000 (replayed through runbooks/triage.runbook.md)');
    assert.ok(lines.includes(`  incident-000: finding critical "${table}" no longer raised at step conntrack-usage`), run.stdout);
    assert.ok(
      lines.includes(
        `  incident-000: root cause is now "${kernel}" at kernel-log (cause conntrack-full, confirmed) (was "${table}" at conntrack-usage (cause conntrack-full, confirmed))`,
      ),
      run.stdout,
    );
    assert.ok(
      lines.includes('  incident-000: it stops at the critical finding of kernel-log (it used to be: stops at the critical finding of conntrack-usage)'),
      run.stdout,
    );
    assert.match(run.stdout, /1 fixture: 0 passed, 1 failed\.\n$/);
  });

  it('names a confirming finding that is no longer raised when its own threshold moves', function () {
    const fixture = editedCopy(dir, 'conntrack-field-incident-000', (text) =>
      text.replace('when: conntrackFull.count > 0\n', 'when: conntrackFull.count > 1000\n'),
    );
    const expect = parse(fs.readFileSync(path.join(fixture, 'fixture.yaml'), 'utf8')).expect['incident-000'];
    const kernel: string = expect.findings['kernel-log'][0].critical;
    const table: string = expect.findings['conntrack-usage'][0].critical;
    const run = runbook(['test', fixture], dir);
    assert.equal(run.status, 1);
    assert.ok(run.stdout.includes(`  incident-000: finding critical "${kernel}" no longer raised at step kernel-log\n`), run.stdout);
    // The suspicion still stands, but nothing confirms it any more.
    assert.ok(
      run.stdout.includes(
        `  incident-000: root cause is now "${table}" at conntrack-usage (cause conntrack-full, unconfirmed) (was "${table}" at conntrack-usage (cause conntrack-full, confirmed))\n`,
      ),
      run.stdout,
    );
  });

  it('turns a recorded incident into a fixture that passes, and replays the record itself', function () {
    const records = path.join(ROOT, 'test/replay/records/triage-close-wait');
    const record = path.join(
      records,
      fs.readdirSync(records).find((f) => f.endsWith('.runbook.md'))!,
    );
    const out = path.join(dir, 'close-wait');
    const made = runbook(['test', '--make-fixture', record, '--out', out, '--source', 'test']);
    assert.match(
      made.stdout,
      /fixture\.yaml\n {2}lab: conntrack-usage → kernel-log → server-sockets → close-wait-owner; root cause \(confirmed\): 40 connections on port \d+ stayed in CLOSE_WAIT/,
    );
    const fixture = parse(fs.readFileSync(path.join(out, 'fixture.yaml'), 'utf8'));
    assert.equal(path.resolve(out, fixture.runbook), path.join(ROOT, 'runbooks/triage.runbook.md'));
    assert.equal(fixture.runs.length, 4);
    const lines = (run: number) => fs.readFileSync(path.join(out, fixture.runs[run].output), 'utf8').split('\n');
    assert.equal(lines(2).filter((l: string) => l.startsWith('CLOSE-WAIT')).length, 40, 'server-sockets: the ss table');
    // close-wait-owner ran with samples=2: both samples are kept, each under its own heading.
    assert.equal(lines(3).filter((l: string) => /^── sample \d of 2 at /.test(l)).length, 2);
    assert.deepEqual(
      lines(3).filter((l: string) => l.startsWith('close_wait=')),
      ['close_wait=40', 'close_wait=40'],
    );
    // Exit 0: today's replay reaches the verdict the incident reached (1 would say how it differs).
    assert.equal(made.status, 0, made.stdout + made.stderr);
    const again = runbook(['test', out]);
    assert.equal(again.status, 0, again.stdout);
    const self = runbook(['test', record]);
    assert.equal(self.status, 0, self.stdout + self.stderr);
    assert.match(self.stdout, /^PASS .*triage-close-wait\.runbook\.md\n/);
  });

  it('exits 2 on what it cannot read, saying what', function () {
    const missing = runbook(['test', path.join(dir, 'nothing-here')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nothing-here: no such file or folder/);
    const empty = runbook(['test', dir]);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /No fixture \(fixture\.yaml\) under .*runbook test --make-fixture RECORD/);
  });
});
