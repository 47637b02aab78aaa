// Regression replay: captured outputs through the current runbook's checks and decisions, without
// connecting. Real captures: the shipped fixtures (runbooks/fixtures/) and the incident records in
// test/replay/records/, both recorded over SSH against the lab's faults (test/replay/recordFixtures.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replay, verdictOfRecord, type Capture, type HostVerdict } from '../../src/engine/replay';
import { compareVerdicts } from '../../src/engine/replayCompare';
import { FixtureError, readFixture } from '../../src/engine/replayFixture';
import { recordedIncident } from '../../src/engine/replayRecord';
import { parseRunbook } from '../../src/runbook/parse';
import type { SavedOutput } from '../../src/runbook/model';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'runbooks/fixtures');
const read = (file: string) => parseRunbook(fs.readFileSync(file, 'utf8'), file);
const recordFile = (name: string) => {
  const dir = path.join(ROOT, 'test/replay/records', name);
  return path.join(
    dir,
    fs.readdirSync(dir).find((f) => f.endsWith('.runbook.md'))!,
  );
};
const fixtures = fs
  .readdirSync(FIXTURES)
  .flatMap((runbook) => fs.readdirSync(path.join(FIXTURES, runbook)).map((c) => path.join(FIXTURES, runbook, c, 'fixture.yaml')));

/** A small runbook: numbers in, a warning that branches, a confirm step after. */
const SMALL = `---
title: Small
---

\`\`\`sh {id=count}
echo 95 100
\`\`\`

\`\`\`check
parse: numbers
options: { names: [used, limit] }
findings:
  - when: used >= limit * 0.9
    severity: warning
    message: "{{used}} of {{limit}}"
    next: detail
  - when: used >= limit
    severity: critical
    message: "full: {{used}}/{{limit}}"
\`\`\`

\`\`\`sh {id=detail}
echo 3
\`\`\`

\`\`\`check
parse: numbers
options: { names: [n] }
next: fix
\`\`\`

\`\`\`sh {id=fix confirm}
echo change
\`\`\`
`;
const small = parseRunbook(SMALL, 'small.runbook.md');
const capture = (step: string, text: string, extra: Partial<Capture> = {}): Capture => ({ step, host: 'h', text, exitCode: 0, termination: 'exit', ...extra });

describe('regression replay', function () {
  this.timeout(20_000);
  it(`replays the ${fixtures.length} shipped fixtures to the verdict each expects`, function () {
    assert.ok(fixtures.length >= 15, `only ${fixtures.length} fixtures`);
    for (const file of fixtures) {
      const fixture = readFixture(file);
      const actual = replay({ runbook: read(fixture.runbookPath), captures: fixture.captures, parameters: fixture.parameters });
      assert.deepEqual(compareVerdicts(fixture.expect, actual), [], file);
    }
  });

  it('reaches the verdict the recorded incident reached (close-wait on the lab, recorded over SSH)', function () {
    const incident = recordedIncident(recordFile('triage-close-wait'));
    assert.ok(incident.templatePath?.endsWith('runbooks/triage.runbook.md'));
    const [expected] = verdictOfRecord(incident.record, incident.runs);
    // What the incident reached: the CLOSE_WAIT suspected at server-sockets, found stuck by close-wait-owner.
    assert.deepEqual(expected.path, ['conntrack-usage', 'kernel-log', 'server-sockets', 'close-wait-owner']);
    assert.equal(expected.rootCause?.step, 'close-wait-owner');
    assert.match(expected.rootCause!.message, /^40 connections on port \d+ stayed in CLOSE_WAIT for 3 s/);
    assert.deepEqual(expected.stopped, { reason: 'critical', step: 'close-wait-owner' });
    // close-wait-owner's critical finding confirms the leak server-sockets suspected.
    assert.equal(expected.rootCause!.status, 'confirmed');
    assert.equal(expected.rootCause!.cause, 'close-wait-leak');
    const [actual] = replay({ runbook: read(incident.templatePath!), captures: incident.captures, parameters: incident.parameters });
    assert.deepEqual(actual, expected);
  });

  it('replays runs that are only in the journal and its .outputs files (the record was never saved)', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-journal-'));
    try {
      const source = path.dirname(recordFile('triage-healthy-group'));
      fs.cpSync(source, dir, { recursive: true });
      const file = path.join(dir, path.basename(recordFile('triage-healthy-group')));
      const full = read(file);
      // The record as it was before any output was saved into it: every output block removed.
      fs.writeFileSync(
        file,
        full.parts
          .filter((p) => p.kind !== 'output')
          .map((p) => p.raw)
          .join(''),
      );
      const journalOnly = recordedIncident(file);
      assert.equal(journalOnly.record.steps.flatMap((s) => s.outputs).length, 0);
      const withRecord = recordedIncident(recordFile('triage-healthy-group'));
      assert.equal(journalOnly.captures.length, withRecord.captures.length);
      assert.deepEqual(
        journalOnly.captures.map((c) => c.text),
        withRecord.captures.map((c) => c.text),
      );
      const verdicts = replay({ runbook: read(withRecord.templatePath!), captures: journalOnly.captures, parameters: journalOnly.parameters });
      assert.deepEqual(
        verdicts.map((v) => v.host),
        ['lab', 'lab-b'],
      );
      assert.deepEqual(compareVerdicts(verdictOfRecord(withRecord.record, withRecord.runs), verdicts), []);
      // A journal path works as well as the record's.
      assert.equal(recordedIncident(file.replace(/\.runbook\.md$/, '.journal.jsonl')).captures.length, withRecord.captures.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes like --auto: follows a finding, stops before a confirm step, at a critical finding, and where no output was captured', function () {
    const toConfirm = replay({ runbook: small, captures: [capture('count', '95 100\n'), capture('detail', '3\n')], parameters: {} })[0];
    assert.deepEqual(toConfirm.path, ['count', 'detail']);
    assert.deepEqual(toConfirm.findings, { count: [{ severity: 'warning', message: '95 of 100' }] });
    assert.deepEqual(toConfirm.stopped, { reason: 'confirm', step: 'fix' });
    const critical = replay({ runbook: small, captures: [capture('count', '100 100\n'), capture('detail', '3\n')], parameters: {} })[0];
    assert.deepEqual(critical.path, ['count']);
    assert.deepEqual(critical.rootCause, { step: 'count', message: 'full: 100/100', status: 'unconfirmed' });
    const missing = replay({ runbook: small, captures: [capture('count', '95 100\n')], parameters: {} })[0];
    assert.deepEqual(missing.stopped, { reason: 'not-run', step: 'detail' });
  });

  it('calls a run that failed or exited non-zero inconclusive, and stops there', function () {
    const timedOut = replay({ runbook: small, captures: [capture('count', '', { exitCode: null, termination: 'timeout' })], parameters: {} })[0];
    assert.deepEqual(timedOut.inconclusive, [{ step: 'count', reason: 'the step did not finish (timeout)' }]);
    assert.deepEqual(timedOut.stopped, { reason: 'inconclusive', step: 'count' });
    const exit1 = replay({ runbook: small, captures: [capture('count', '95 100\n', { exitCode: 1 })], parameters: {} })[0];
    assert.deepEqual(exit1.inconclusive, [{ step: 'count', reason: 'exit code 1' }]);
    assert.deepEqual(exit1.findings, {}, 'an inconclusive run raises nothing');
  });

  it('reads confirmed and refuted causes from a record (CONTRACT.md keys on findings)', function () {
    const run = (step: string, at: number, findings: SavedOutput['findings'] & object[]): SavedOutput => ({
      step,
      host: 'h',
      startedAt: `2026-12-01T08:00:0${at}.000Z`,
      durationMs: 1,
      exitCode: 0,
      termination: 'exit',
      text: '',
      truncated: false,
      values: {},
      findings,
      runId: `r${at}`,
    });
    const suspect = { severity: 'critical' as const, message: 'full: 100/100', rule: 1, when: 'used >= limit', cause: 'cap', verify: ['detail'] };
    const confirmed = verdictOfRecord(small, [
      run('count', 1, [suspect]),
      run('detail', 2, [{ severity: 'info', message: 'seen', rule: 0, when: 'n > 0', confirms: 'cap' } as never]),
    ]);
    assert.deepEqual(confirmed[0].rootCause, { step: 'count', message: 'full: 100/100', cause: 'cap', status: 'confirmed' });
    const refuted = verdictOfRecord(small, [
      run('count', 1, [suspect]),
      run('detail', 2, [{ severity: 'info', message: 'no', rule: 0, when: 'n == 0', refutes: 'cap' } as never]),
    ]);
    assert.equal(refuted[0].rootCause, undefined);
    assert.deepEqual(refuted[0].refuted, ['cap']);
  });

  it('says what changed in words', function () {
    const expected: HostVerdict = {
      host: 'lab',
      path: ['a', 'b', 'c'],
      findings: { b: [{ severity: 'warning', message: 'many TIME_WAIT' }], c: [{ severity: 'critical', message: 'closes first' }] },
      rootCause: { step: 'c', message: 'closes first', status: 'unconfirmed' },
      refuted: [],
      inconclusive: [],
      stopped: { reason: 'critical', step: 'c' },
    };
    const actual: HostVerdict = { ...expected, path: ['a', 'b', 'd'], findings: {}, rootCause: undefined, stopped: { reason: 'end' } };
    assert.deepEqual(compareVerdicts([expected], [actual]), [
      'lab: finding warning "many TIME_WAIT" no longer raised at step b',
      'lab: after b the path now goes to d (was c): a → b → d',
      'lab: step c is no longer reached (it raised critical "closes first")',
      'lab: root cause is now none (was "closes first" at c (unconfirmed))',
      'lab: it runs to the end of the runbook (it used to be: stops at the critical finding of c)',
    ]);
  });

  it('names the file and line of a fixture it cannot read', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-bad-'));
    try {
      const file = path.join(dir, 'fixture.yaml');
      const cases: [string, RegExp][] = [
        ['runbook: x.runbook.md\nruns: [\n', /fixture\.yaml:\d+: not valid YAML/],
        ['runs: []\n', /fixture\.yaml:1: runbook: the runbook to replay through/],
        ['runbook: x.runbook.md\nruns:\n  - { step: a, host: h, output: gone.txt }\nexpect: {}\n', /fixture\.yaml:3: output file gone\.txt is missing/],
        [
          'runbook: x.runbook.md\nruns:\n  - { step: a, host: h, output: a.txt }\nexpect:\n  h:\n    path: [a]\n    stopped: sideways\n',
          /fixture\.yaml:7: stopped is one of end, critical/,
        ],
      ];
      fs.writeFileSync(path.join(dir, 'a.txt'), '1\n');
      for (const [text, message] of cases) {
        fs.writeFileSync(file, text);
        assert.throws(
          () => readFixture(file),
          (error: unknown) => error instanceof FixtureError && message.test(error.message),
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
