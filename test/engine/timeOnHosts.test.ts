// The notebook's cell timer shows the time a step spent on its hosts, not the wait before it.
import assert from 'node:assert/strict';
import { timeOnHostsMs } from '../../src/engine/timeOnHosts';

const run = (...spans: [number, number][]) => ({
  hostRuns: spans.map(([start, durationMs]) => ({ result: { startedAt: new Date(start), durationMs } })) as never,
});

describe('engine: time on hosts', () => {
  it('one host: its duration', () => {
    assert.equal(timeOnHostsMs(run([10_000, 40])), 40);
  });
  it('a group: from the first start to the last end, overlaps counted once', () => {
    assert.equal(timeOnHostsMs(run([1_000, 500], [1_200, 100], [1_400, 900])), 1_300);
  });
  it('no host: unknown, not zero', () => {
    assert.equal(timeOnHostsMs(run()), undefined);
  });
});
