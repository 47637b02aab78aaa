// What a person is shown of a step's values: each value once, durations readable.
import assert from 'node:assert/strict';
import { displayValues, durationText, socketTable, summarizeValue, valuesToShow } from '../../src/checks/display';
import { evaluateSamples } from '../../src/checks/samples';
import { evaluateCheck } from '../../src/checks/evaluate';
import { readCheckSpec } from '../../src/checks/readSpec';
import { fixture } from './fixtures';
import { parse } from './parse';

describe('checks/display', () => {
  it('drops a map that only repeats top-level values (the kv parser exposes both)', () => {
    const values = { kv: { a: 1, b: 'x' }, a: 1, b: 'x', states: { TIME_WAIT: 5 } };
    assert.deepEqual(
      valuesToShow(values).map(([k]) => k),
      ['a', 'b', 'states'],
    );
  });
  it('keeps a map that holds anything the top level does not', () => {
    const values = { kv: { a: 1, 'odd.key': 2 }, a: 1 };
    assert.deepEqual(
      valuesToShow(values).map(([k]) => k),
      ['kv', 'a'],
    );
  });
  it('formats durations for people', () => {
    assert.equal(durationText(78.75691899999993), '79 ms');
    assert.equal(durationText(1234), '1.23 s');
    assert.equal(durationText(187_000), '3 min 7 s');
  });
  it('shows ss values as counts and top entries, and the rows as a (peer, state, count) table', () => {
    const { values } = parse('ss-tan', fixture('ss-tan', 'ss-tan-loopback.txt'));
    const lines = displayValues(values);
    const text = Object.fromEntries(lines.map((l) => [l.name, l.text]));
    assert.equal(text.states, 'TIME_WAIT 150, ESTABLISHED 35, SYN_SENT 15, FIN_WAIT2 8, CLOSE_WAIT 8 (1 more, 5 others 0)');
    assert.equal(text.maxPeer, 'address 127.0.0.1, count 199');
    assert.equal(text.listenOverflow, 'count 1, sockets (local 127.0.0.1:18082, recvQ 5, backlog 4, line 3)');
    assert.equal('otherStates' in text, false, 'empty maps say nothing during an incident');
    const rows = lines.find((l) => l.name === 'rows')!;
    assert.deepEqual(rows.table, {
      columns: ['peer', 'state', 'count'],
      rows: [
        ['127.0.0.1', 'TIME_WAIT', '150'],
        ['127.0.0.1', 'ESTABLISHED', '18'],
        ['127.0.0.1', 'SYN_SENT', '15'],
        ['203.0.113.80', 'ESTABLISHED', '15'],
        ['127.0.0.1', 'CLOSE_WAIT', '8'],
      ],
      more: 3,
    });
    assert.match(rows.text, /^220 sockets; 127.0.0.1 TIME_WAIT 150, /);
    for (const l of lines) assert.doesNotMatch(l.text, /[{}"]|\[object|\{\{/, `${l.name}: ${l.text}`);
  });

  it('shows rates with /s and deltas nested like the values', () => {
    const outcome = evaluateSamples(
      { parse: 'ss-tan', findings: [], spans: {} },
      [
        { text: fixture('ss-tan', 'ss-tan-server-closes-first-1.txt'), at: new Date('2026-12-01T08:39:45.517Z') },
        { text: fixture('ss-tan', 'ss-tan-server-closes-first-2.txt'), at: new Date('2026-12-01T08:39:47.557Z') },
      ],
      {},
    );
    const text = Object.fromEntries(displayValues(outcome.values, { maxLines: 100 }).map((l) => [l.name, l.text]));
    assert.equal(text['rate.states'], 'TIME_WAIT 24.51/s (10 others 0)');
    assert.equal(text['delta.states'], 'TIME_WAIT 50 (10 others 0)');
    assert.equal(text.sampleSeconds, '2.04');
    assert.equal(text.rows, '63 sockets; 127.0.0.1 TIME_WAIT 62, (listening) LISTEN 1');
  });

  it('keeps host text from driving the terminal, and never prints JSON for odd values', () => {
    assert.equal(summarizeValue('evil\u001b[8mhidden\r'), 'evil\u241b[8mhidden\u240d');
    assert.equal(summarizeValue(undefined), 'unknown');
    assert.equal(summarizeValue(null), 'none');
    assert.equal(summarizeValue([{ a: 1, b: 'x' }, { a: 2 }]), 'a 1, b x; a 2');
    assert.equal(summarizeValue(Array.from({ length: 8 }, (_, i) => i)), '8 in all: 0, 1, 2, 3, 4, …');
    assert.equal(socketTable([{ state: 'weird', peerAddress: 'x' }]).rows[0][1], 'weird');
  });
});

describe('why shows values in words', () => {
  it('explains a rule over a map without JSON', () => {
    const spec = readCheckSpec('parse: ss-tan\nfindings:\n  - when: states == 0\n    severity: info\n    message: m\n').spec!;
    const outcome = evaluateCheck(spec, fixture('ss-tan', 'ss-tan-loopback.txt'), {});
    assert.match(outcome.why, /^no finding raised: states == 0 \(\(TIME_WAIT 150, ESTABLISHED 35, SYN_SENT 15 \(3 more, 5 others 0\)\) == 0\)/);
    assert.doesNotMatch(outcome.why, /[{}"]/);
  });
});

describe('messages over parsed socket values', () => {
  it('the full accept queue reads as the socket, not JSON (as in the bundled runbooks)', () => {
    const spec = readCheckSpec(
      'parse: ss-tan\nfindings:\n  - when: listenOverflow.count > 0\n    severity: critical\n    message: "the accept queue of port {{port}} is full ({{listenOverflow.sockets}})"\n',
    ).spec!;
    const outcome = evaluateCheck(spec, fixture('ss-tan', 'ss-ltn-listen-overflow.txt'), { port: 18082 });
    assert.equal(outcome.findings.length, 1);
    assert.doesNotMatch(outcome.findings[0].message, /[{}"]|\(\(/);
    assert.match(outcome.findings[0].message, /^the accept queue of port 18082 is full \(local 127\.0\.0\.1:18082, recvQ \d+, backlog \d+, line \d+\)$/);
  });
});
