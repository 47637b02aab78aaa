// `runbook note`, `runbook status` and a run in a resolved record, as a user types them (the built
// command line, in a child process without a terminal): the record refuses to run unless --reopen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal } from '../../src/engine/journal';
import { runCli } from '../runbooks/cli';

describe('cli: note, status, and a resolved record', function () {
  this.timeout(120000);
  let dir: string;
  let record: string;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-cli-lc-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'r.runbook.md'), '---\ntitle: R\nhosts: [local]\n---\n\n```sh {id=hello}\necho hello-from-step\n```\n');
    record = startIncident(path.join(dir, 'runbooks', 'r.runbook.md'), { responder: 'mei.lin' }).recordPath;
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('notes and status changes go into the journal; a bad time is refused with the forms to type', async function () {
    const note = await runCli(['note', record, 'Paged by the on-call bot', '--at', '1 min ago', '--host', 'local']);
    assert.equal(note.status, 0, note.stderr);
    assert.match(note.stdout, /^Note at \S+ by \S+ \(local\): Paged by the on-call bot$/m);
    const bad = await runCli(['status', record, 'mitigated', '--at', '3:12pm']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /: --at "3:12pm": not a time this can read\. Nothing was written\.\nGive HH:MM \(today, local time\)/);
    const unknown = await runCli(['status', record, 'fixed']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /"fixed" is not a status: use one of declared, mitigated, resolved, reopened/);
    const resolved = await runCli(['status', record, 'resolved', '--at', 'now']);
    assert.equal(resolved.status, 0, resolved.stderr);
    assert.match(resolved.stdout, /^Status: resolved$/m);
    const shown = await runCli(['status', record]);
    assert.match(shown.stdout, /^Status: resolved\nDeclared: .*\nResolved: /m);
  });

  it('a typo is refused with the record named and the note shown again; "Mitigated" reads as mitigated', async function () {
    const record = startIncident(path.join(dir, 'runbooks', 'r.runbook.md'), { responder: 'mei.lin', title: 'typos' }).recordPath;
    const typo = await runCli(['note', record, 'restarted the pool', '--step', 'helo']);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /: no step "helo" in this record\.\nIts steps are: hello\. .*\nThe note was not added: "restarted the pool"\n$/);
    const badAt = await runCli(['note', record, 'paged', '--at', '3:12pm']);
    assert.match(badAt.stderr, /typos\.runbook\.md: --at "3:12pm": not a time this can read\.[\s\S]*The note was not added: "paged"/);
    const badImpact = await runCli(['status', record, 'mitigated', '--impact-start', '25:00']);
    assert.equal(badImpact.status, 2);
    assert.match(badImpact.stderr, /: --impact-start "25:00": not a time of day\. Nothing was written\./);
    const unknown = await runCli(['status', record, 'fixed']);
    assert.match(unknown.stderr, /typos\.runbook\.md: "fixed" is not a status: use one of declared, mitigated, resolved, reopened\. Nothing was written\./);
    const noRecord = await runCli(['status', path.join(dir, 'nope.runbook.md'), 'fixed']);
    assert.match(noRecord.stderr, /nope\.runbook\.md: no such file\./);
    const capital = await runCli(['status', record, 'Mitigated']);
    assert.equal(capital.status, 0, capital.stderr);
    assert.match(capital.stdout, /^Status: mitigated$/m);
    const twice = await runCli(['status', record, 'mitigated']);
    assert.match(twice.stderr, /^warning: it was already mitigated at .*; the mitigated time is now /m);
  });

  it('without a terminal, a run in the resolved record refuses; with --reopen it runs and the reopen is journaled', async function () {
    const refused = await runCli(['run', record, '--host', 'local']);
    assert.equal(refused.status, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /This incident was resolved at .*Reopen it to run a step\?/);
    assert.match(refused.stderr, /the incident was resolved at .*; nothing was run\.\nReopen it first \(runbook status .* reopened, or run with --reopen\)/);
    const entries = () => readJournal(journalPathFor(record)).entries;
    assert.equal(entries().filter((e) => e.type === 'step-start').length, 0, 'nothing ran');
    const reopened = await runCli(['run', record, '--host', 'local', '--reopen']);
    assert.equal(reopened.status, 0, reopened.stderr);
    assert.match(reopened.stdout, /hello-from-step/);
    assert.deepEqual(
      entries().flatMap((e) => (e.type === 'status' ? [e.status] : [])),
      ['resolved', 'reopened'],
    );
  });
});
