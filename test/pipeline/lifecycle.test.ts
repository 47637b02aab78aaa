// The lifecycle in the pipeline, without a host: times as responders type them (and the ambiguous ones
// refused), status changes that must follow each other, notes redacted, and the guard that asks to
// reopen a resolved record before a step runs (no = nothing runs; the reopen is journaled).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Prompter } from '../../src/base/prompter';
import { startIncident } from '../../src/engine/incident';
import { Journal, journalPathFor, readJournal } from '../../src/engine/journal';
import { durationsOf, lifecycleOf, spanText } from '../../src/engine/lifecycle';
import { addNote, guardResolvedRecord, parseWhen, recordLifecycle, setStatus } from '../../src/pipeline/lifecycle';
import { createRedactor } from '../../src/redact/redactor';

const NOW = new Date('2026-11-23T08:30:00.000Z');

function prompter(answer: boolean): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    askSecret: async () => undefined,
    confirm: async (question) => {
      asked.push(question);
      return answer;
    },
  };
}

describe('pipeline: incident lifecycle', function () {
  let dir: string;
  let record: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-lc-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 't.runbook.md'), '---\ntitle: T\n---\n\n```sh {id=a}\necho a\n```\n');
    record = startIncident(path.join(dir, 'runbooks', 't.runbook.md'), { now: new Date('2026-11-23T08:00:00.000Z'), responder: 'mei.lin' }).recordPath;
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('times', function () {
    it('reads HH:MM today (local), HH:MMZ, ISO 8601, "now" and "N min ago"', function () {
      // 18 minutes before NOW on the local clock, whatever this machine's time zone.
      const earlier = new Date(NOW.getTime() - 18 * 60_000);
      const clock = `${String(earlier.getHours()).padStart(2, '0')}:${String(earlier.getMinutes()).padStart(2, '0')}`;
      assert.equal(parseWhen(clock, NOW).toISOString(), earlier.toISOString());
      assert.equal(parseWhen('08:12Z', NOW).toISOString(), '2026-11-23T08:12:00.000Z');
      assert.equal(parseWhen('08:12:30 UTC', NOW).toISOString(), '2026-11-23T08:12:30.000Z');
      assert.equal(parseWhen('2026-11-23T03:12:00Z', NOW).toISOString(), '2026-11-23T03:12:00.000Z');
      assert.equal(parseWhen('2026-11-23T04:12+01:00', NOW).toISOString(), '2026-11-23T03:12:00.000Z');
      assert.equal(parseWhen('now', NOW).toISOString(), NOW.toISOString());
      assert.equal(parseWhen('10 min ago', NOW).toISOString(), '2026-11-23T08:20:00.000Z');
      assert.equal(parseWhen('2h ago', NOW).toISOString(), '2026-11-23T06:30:00.000Z');
    });

    it('refuses a time of day later than now (it may mean yesterday), the future, and what it cannot read', function () {
      assert.throws(() => parseWhen('09:45Z', NOW), /later than now \(08:30Z\), so it may mean yesterday; give the date too, e.g. 2026-11-22T09:45Z/);
      assert.throws(() => parseWhen('2026-11-24T00:00:00Z', NOW), /in the future/);
      for (const bad of ['3:12pm', '25:00', 'yesterday', '12/01 03:12', ''])
        assert.throws(
          () => parseWhen(bad, NOW),
          (err: Error & { hint?: string }) =>
            err.message.startsWith(`"${bad}": not a`) && /^Give HH:MM \(today, local time\), HH:MMZ \(UTC\), an ISO 8601 time/.test(err.hint ?? ''),
          bad,
        );
    });

    it('spans read as people write them', function () {
      assert.deepEqual([spanText(45_000), spanText(302_000), spanText(18 * 60_000), spanText(3_840_000)], ['45 s', '5 min 2 s', '18 min', '1 h 4 min']);
    });
  });

  describe('status', function () {
    it('mitigated then resolved with impact and detection: the durations count from the impact start', async function () {
      await setStatus(record, {
        status: 'mitigated',
        at: new Date('2026-11-23T08:20:00Z'),
        impactStart: new Date('2026-11-23T07:50:00Z'),
        detection: { at: new Date('2026-11-23T07:58:00Z'), how: 'alert', alert: 'HighConnectTimeouts' },
        author: 'mei.lin',
        now: NOW,
      });
      const { lifecycle } = await setStatus(record, {
        status: 'resolved',
        at: new Date('2026-11-23T08:29:00Z'),
        impactEnd: new Date('2026-11-23T08:19:00Z'),
        now: NOW,
      });
      assert.equal(lifecycle.status, 'resolved');
      assert.deepEqual(durationsOf(lifecycle), {
        from: 'impact start',
        toDetectMs: 8 * 60_000,
        toMitigateMs: 30 * 60_000,
        toResolveMs: 39 * 60_000,
        impactMs: 29 * 60_000,
      });
    });

    it('refuses a change that does not follow: resolved twice, mitigated after resolved, reopening what is open', async function () {
      await assert.rejects(setStatus(record, { status: 'reopened', now: NOW }), /not resolved, so there is nothing to reopen/);
      await setStatus(record, { status: 'resolved', at: new Date('2026-11-23T08:10:00Z'), now: NOW });
      await assert.rejects(setStatus(record, { status: 'resolved', now: NOW }), /was resolved at 2026-11-23T08:10:00.000Z; it cannot be resolved now[\s\S]*/);
      await assert.rejects(setStatus(record, { status: 'mitigated', now: NOW }), (err: Error & { hint?: string }) =>
        /runbook status .* reopened/.test(err.hint ?? ''),
      );
      const { lifecycle } = await setStatus(record, { status: 'reopened', now: NOW });
      assert.equal(lifecycle.status, 'ongoing');
      assert.equal(lifecycle.resolvedAt, undefined);
    });

    it('a file that is not an incident record is refused with what to do', async function () {
      await assert.rejects(
        setStatus(path.join(dir, 'runbooks', 't.runbook.md'), { status: 'resolved' }),
        (err: Error & { hint?: string }) => /not an incident record/.test(err.message) && /runbook start/.test(err.hint ?? ''),
      );
    });

    it("an older record's incident-end entry reads as its status", function () {
      const journal = Journal.open(record);
      journal.append({ type: 'incident-end', time: '2026-11-23T08:25:00.000Z', author: 'mei.lin', status: 'resolved' });
      journal.close();
      const lc = lifecycleOf(readJournal(journalPathFor(record)).entries);
      assert.deepEqual([lc.status, lc.resolvedAt, lc.declaredAt], ['resolved', '2026-11-23T08:25:00.000Z', '2026-11-23T08:00:00.000Z']);
    });
  });

  describe('notes', function () {
    it('keeps the time it happened, when it was written, the step and host; a pasted secret is redacted', async function () {
      const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
      const entry = await addNote(record, {
        text: `restarted nginx; used ${token}`,
        at: new Date('2026-11-23T08:12:00Z'),
        step: 'a',
        host: 'web-1',
        author: 'arjun.k',
        now: NOW,
        redactor: createRedactor(),
      });
      assert.deepEqual([entry.time, entry.recordedAt, entry.step, entry.host], ['2026-11-23T08:12:00.000Z', NOW.toISOString(), 'a', 'web-1']);
      const journal = fs.readFileSync(journalPathFor(record), 'utf8');
      assert.equal(journal.includes(token), false);
      assert.match(journal, /restarted nginx; used \[REDACTED/);
      await assert.rejects(addNote(record, { text: '   ' }), /The note is empty/);
    });
  });

  describe('a resolved record before a step runs', function () {
    beforeEach(async function () {
      await setStatus(record, { status: 'resolved', at: new Date('2026-11-23T08:10:00Z'), now: NOW });
    });

    it('asks; no = nothing runs, with the way out', async function () {
      const no = prompter(false);
      await assert.rejects(guardResolvedRecord(record, no), (err: Error & { hint?: string }) => {
        assert.match(err.message, /the incident was resolved at 2026-11-23T08:10:00.000Z; nothing was run/);
        assert.match(err.hint ?? '', /runbook status .* reopened, or run with --reopen/);
        return true;
      });
      assert.match(no.asked[0], /This incident was resolved at .*Reopen it to run a step\?/);
      assert.equal(recordLifecycle(record).status, 'resolved');
    });

    it('yes (or --reopen) reopens it and says so in the journal', async function () {
      await guardResolvedRecord(record, prompter(true));
      assert.equal(recordLifecycle(record).status, 'ongoing');
      await setStatus(record, { status: 'resolved', now: NOW });
      const silent = prompter(false);
      await guardResolvedRecord(record, silent, { reopen: true });
      assert.deepEqual(silent.asked, [], '--reopen does not ask');
      const statuses = readJournal(journalPathFor(record)).entries.flatMap((e) => (e.type === 'status' ? [e.status] : []));
      assert.deepEqual(statuses, ['resolved', 'reopened', 'resolved', 'reopened']);
    });
  });
});
