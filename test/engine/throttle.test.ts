// Live output for the notebook: 100,000 lines must reach the editor as a few capped appends, and
// nothing typed after the step ended may appear.
import assert from 'node:assert/strict';
import { OutputThrottle, type Timers } from '../../src/engine/throttle';

/** A clock the test advances by hand: timers fire only when it says so. */
function manualTimers() {
  let now = 0;
  const pending: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 0;
  const timers: Timers = {
    setTimeout(callback, ms) {
      const id = ++nextId;
      pending.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimeout(handle) {
      const i = pending.findIndex((p) => p.id === handle);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const due of pending.filter((p) => p.at <= now)) {
      pending.splice(pending.indexOf(due), 1);
      due.callback();
    }
  };
  return { timers, advance };
}

describe('engine/throttle: live output batching and cap', () => {
  it('batches chunks into one flush per interval', () => {
    const { timers, advance } = manualTimers();
    const flushed: string[] = [];
    const throttle = new OutputThrottle({ flush: (t) => flushed.push(t), intervalMs: 150, timers });
    throttle.push('a\n');
    throttle.push('b\n');
    assert.deepEqual(flushed, [], 'nothing before the interval');
    advance(150);
    assert.deepEqual(flushed, ['a\nb\n']);
    throttle.push('c\n');
    throttle.end();
    assert.deepEqual(flushed, ['a\nb\n', 'c\n'], 'end flushes what is pending');
    throttle.push('late\n');
    advance(1000);
    assert.equal(flushed.length, 2, 'nothing after end');
  });

  it('turns 100,000 lines arriving over 10 s into at most ~70 appends of at most the cap', () => {
    const { timers, advance } = manualTimers();
    const flushed: string[] = [];
    const throttle = new OutputThrottle({ flush: (t) => flushed.push(t), intervalMs: 150, capChars: 50_000, timers });
    for (let i = 0; i < 100_000; i++) {
      throttle.push(`line ${i} ${'x'.repeat(40)}\n`);
      if (i % 1000 === 999) advance(100); // 10 s in total
    }
    throttle.end();
    const shown = flushed.join('');
    assert.ok(flushed.length <= 70, `${flushed.length} appends`);
    assert.ok(shown.length < 50_000 + 200, `${shown.length} characters shown`);
    assert.ok(shown.startsWith('line 0 '));
    assert.match(shown, /live view stops here \(50,000 characters\); the full output is shown when the step ends/);
    assert.equal(shown.match(/live view stops here/g)?.length, 1, 'the notice is given once');
    assert.ok(throttle.hiddenChars > 4_000_000);
  });

  it('flushes with real timers within the interval', async () => {
    const flushed: string[] = [];
    const throttle = new OutputThrottle({ flush: (t) => flushed.push(t), intervalMs: 50 });
    throttle.push('hello\n');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(flushed, ['hello\n']);
    throttle.end();
  });
});
