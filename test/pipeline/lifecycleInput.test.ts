// What a tired responder types wrong into the lifecycle, and what they get back: a date not on the
// calendar, the journal or a folder given for the record, an impact that ends before it starts (nothing
// written), a status set twice or out of order (warned), a note on a step the record lacks (refused),
// on a host nothing ran on, or hours before the incident (a local time read for UTC).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal } from '../../src/engine/journal';
import { parseWhen, recordEntries, setStatus } from '../../src/pipeline/lifecycle';
import { checkNoteTarget } from '../../src/pipeline/lifecycleChecks';
import { readRunbookFile } from '../../src/pipeline/load';

const NOW = new Date('2026-11-23T08:30:00.000Z');
type Hinted = Error & { hint?: string };

describe('pipeline: lifecycle input a responder gets wrong', function () {
  let dir: string;
  let record: string;
  const entries = () => readJournal(journalPathFor(record)).entries;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-lci-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 't.runbook.md'), '---\ntitle: T\n---\n\n```sh {id=a}\necho a\n```\n\n```sh\necho b\n```\n');
    record = startIncident(path.join(dir, 'runbooks', 't.runbook.md'), {
      now: new Date('2026-11-23T08:00:00.000Z'),
      responder: 'mei.lin',
      target: ['web-1'],
    }).recordPath;
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a date that is not on the calendar instead of rolling it into the next month', function () {
    assert.throws(() => parseWhen('2026-02-30T03:12Z', NOW), /"2026-02-30T03:12Z": not a valid date and time/);
    assert.throws(() => parseWhen('2026-11-23T24:00Z', NOW), /not a valid date and time/);
    assert.throws(() => parseWhen('2026-13-01T03:12Z', NOW), /not a valid date and time/);
    assert.equal(parseWhen('2024-02-29T03:12Z', NOW).toISOString(), '2024-02-29T03:12:00.000Z');
  });

  it('names the file to give instead of a folder, the journal, or a runbook that is no record', function () {
    assert.throws(
      () => recordEntries(path.dirname(record)),
      (e: Hinted) => e.message.endsWith(': is a folder.') && /\*\.runbook\.md/.test(e.hint ?? ''),
    );
    assert.throws(
      () => recordEntries(journalPathFor(record)),
      (e: Hinted) => /is the record's journal, not the record/.test(e.message) && e.hint === `Give the record: ${record}`,
    );
    const runbook = path.join(dir, 'runbooks', 't.runbook.md');
    assert.throws(
      () => recordEntries(runbook),
      (e: Hinted) => (e.hint ?? '').includes(`runbook start ${runbook}`),
    );
  });

  it('an impact that ends before it starts writes nothing, not even the status', async function () {
    const before = entries().length;
    await assert.rejects(
      setStatus(record, { status: 'mitigated', impactStart: new Date('2026-11-23T08:20:00Z'), impactEnd: new Date('2026-11-23T08:10:00Z'), now: NOW }),
      /impact would end \(2026-11-23T08:10:00.000Z\) before it starts \(2026-11-23T08:20:00.000Z\); nothing was written/,
    );
    assert.equal(entries().length, before);
    // Against the start recorded earlier too.
    await setStatus(record, { status: 'declared', impactStart: new Date('2026-11-23T08:20:00Z'), now: NOW });
    await assert.rejects(setStatus(record, { status: 'mitigated', impactEnd: new Date('2026-11-23T08:05:00Z'), now: NOW }), /nothing was written/);
    assert.equal(entries().filter((e) => e.type === 'status' && e.status === 'mitigated').length, 0);
  });

  it('warns when a status is set again (its time moves) or declared after the mitigation', async function () {
    const first = await setStatus(record, { status: 'mitigated', at: new Date('2026-11-23T08:10:00Z'), now: NOW });
    assert.deepEqual(first.warnings, []);
    const again = await setStatus(record, { status: 'mitigated', at: new Date('2026-11-23T08:20:00Z'), now: NOW });
    assert.deepEqual(again.warnings, [
      'it was already mitigated at 2026-11-23T08:10:00.000Z; the mitigated time is now 2026-11-23T08:20:00.000Z (the earlier entry stays in the timeline).',
    ]);
    const late = await setStatus(record, { status: 'declared', at: new Date('2026-11-23T08:25:00Z'), now: NOW });
    assert.match(late.warnings.join('\n'), /declared at 2026-11-23T08:25:00.000Z, after it was mitigated \(2026-11-23T08:20:00.000Z\)/);
  });

  it('a note on a step the record lacks is refused with its steps; a host nothing ran on and a time long before are warned', function () {
    const runbook = readRunbookFile(record);
    const at = new Date('2026-11-23T08:10:00Z');
    assert.throws(
      () => checkNoteTarget(record, runbook, entries(), { step: 'b', at }),
      (e: Hinted) => e.message === `${record}: no step "b" in this record.` && /Its steps are: a, step-2\./.test(e.hint ?? ''),
    );
    assert.deepEqual(checkNoteTarget(record, runbook, entries(), { step: 'step-2', host: 'web-1', at }), []);
    assert.match(checkNoteTarget(record, runbook, entries(), { host: 'web-l', at }).join(), /no step ran on "web-l" in this record \(.*web-1\)/);
    const early = checkNoteTarget(record, runbook, entries(), { at: new Date('2026-11-23T03:12:00Z'), atText: '2026-11-23T03:12Z' });
    assert.match(early.join(), /the note is at 2026-11-23T03:12:00.000Z, 4 h 48 min before the incident started \(2026-11-23T08:00:00.000Z\); check --at/);
    assert.deepEqual(checkNoteTarget(record, runbook, entries(), { at: new Date('2026-11-23T07:30:00Z') }), [], 'half an hour before is normal');
  });
});
