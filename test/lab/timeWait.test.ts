import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, listeners, ss } from './observe';

// Addresses of this test only: TIME_WAIT outlives stop() by 60 s, so other tests must not share them.
const address = '127.0.0.31';
const clientAddress = '127.0.0.131';

describe('lab time-wait', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('piles up at least 1000 TIME_WAIT sockets on the server address, then stops its server', async () => {
    fault = await startScenario('time-wait', { address, clientAddress, basePort: 0 });
    const { port, serverPid, burstMs } = fault.details;
    assert.ok(Number(burstMs) <= 10_500, `the burst took ${burstMs} ms`);

    const timeWait = ss(['state', 'time-wait']).filter((s) => s.local === `${address}:${port}`);
    assert.ok(timeWait.length >= 1000, `ss -tan state time-wait shows ${timeWait.length} on ${address}:${port}`);
    assert.ok(
      timeWait.every((s) => s.peer.startsWith(`${clientAddress}:`)),
      'every TIME_WAIT is towards the client address',
    );

    // It keeps churning after the burst: hundreds closed in the last 3 s (timer above 57 s).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const young = ss(['-o', 'state', 'time-wait']).filter((s) => s.local === `${address}:${port}` && /timewait,(5[7-9]|60)sec/.test(s.extra));
    assert.ok(young.length >= 300, `${young.length} TIME_WAIT closed in the last 3 s`);

    const labDir = String(fault.details.serverLog).replace(/\/server\.log$/, '');
    await fault.stop();
    assert.ok(await gone(Number(serverPid)), `server pid ${serverPid} still runs after stop`);
    assert.equal(listeners().filter((s) => s.local === `${address}:${port}`).length, 0, 'nothing listens any more');
    assert.equal(existsSync(labDir), false, 'the lab folder is removed');
  });
});
