// What a person is shown of a step's values: each value once, durations readable.
import assert from 'node:assert/strict';
import { durationText, valuesToShow } from '../../src/checks/display';

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
});
