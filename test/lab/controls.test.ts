// The look-alike controls: conditions a runbook must not mistake for a fault. Each is looked at with
// the real tools (ss, tcpdump, /proc/net/netstat), then stopped, leaving nothing behind.

import assert from 'node:assert/strict';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, listeners, ss, tcpExt } from './observe';

describe('lab controls', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('busy-server: answers every request and closes first, TIME_WAIT towards the busy client, one idle client held', async () => {
    fault = await startScenario('busy-server', { address: '127.0.0.41', clientAddress: '127.0.0.141', otherClientAddress: '127.0.0.241', basePort: 0 });
    const { port, serverPid, serverLog } = fault.details;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const server = ss(['-o']).filter((s) => s.local === `127.0.0.41:${port}`);
    const timeWait = server.filter((s) => s.state === 'TIME-WAIT');
    assert.ok(timeWait.length >= 40, `server-side TIME_WAIT: ${timeWait.length}`);
    assert.ok(
      timeWait.every((s) => s.peer.startsWith('127.0.0.141:')),
      'TIME_WAIT only towards the busy client',
    );
    // A modest rate: at most ~20 a second closed in the last 3 s (timer above 57 s).
    const young = timeWait.filter((s) => /timewait,(5[7-9]|60)sec/.test(s.extra));
    assert.ok(young.length > 0 && young.length <= 90, `${young.length} closed in the last 3 s`);
    const held = server.filter((s) => s.state === 'ESTAB');
    assert.deepEqual(
      held.map((s) => s.peer.split(':')[0]),
      ['127.0.0.241'],
      'only the idle client holds a connection',
    );
    assert.equal(String(serverLog).length > 0, true);
    await fault.stop();
    assert.ok(await gone(Number(serverPid)));
    assert.equal(listeners().filter((s) => s.local === `127.0.0.41:${port}`).length, 0);
  });

  it('idle-client: one idle connection without keepalive that the server still holds', async () => {
    fault = await startScenario('idle-client', { address: '127.0.0.42', clientAddress: '127.0.0.142', basePort: 0 });
    const { port, serverPid } = fault.details;
    const client = ss(['-o']).filter((s) => s.peer === `127.0.0.42:${port}` && s.state === 'ESTAB');
    assert.equal(client.length, 1);
    assert.doesNotMatch(client[0].extra, /keepalive/, 'no keepalive timer on the client side');
    const server = ss().filter((s) => s.local === `127.0.0.42:${port}` && s.state === 'ESTAB');
    assert.deepEqual(
      server.map((s) => s.peer),
      [client[0].local],
      'the server holds the same connection',
    );
    await fault.stop();
    assert.ok(await gone(Number(serverPid)));
  });

  it('old-overflows: the counter rose once, then stays still while a healthy server listens on the port', async () => {
    fault = await startScenario('old-overflows', { address: '127.0.0.43', clientAddress: '127.0.0.143', basePort: 0 });
    const { port, serverPid, listenOverflowsBefore, listenOverflowsAfter } = fault.details;
    assert.ok(Number(listenOverflowsAfter) > Number(listenOverflowsBefore), `${listenOverflowsBefore} -> ${listenOverflowsAfter}`);
    const [listener] = listeners().filter((s) => s.local === `127.0.0.43:${port}` && s.state === 'LISTEN');
    assert.ok(listener, 'the service listens');
    assert.equal(listener.recvQ, 0, 'its accept queue is empty');
    assert.equal(ss().filter((s) => s.local === `127.0.0.43:${port}` && s.state === 'ESTAB').length, 2);
    // The counter is global to the machine and other tests may add to it; ours adds nothing more.
    assert.ok(tcpExt('ListenOverflows') >= Number(listenOverflowsAfter));
    await fault.stop();
    assert.ok(await gone(Number(serverPid)));
  });

  it('conn-cap-served: the capped client is held at the cap and refused, the other client is served', async () => {
    fault = await startScenario('conn-cap-served', { address: '127.0.0.44', clientAddress: '127.0.0.144', otherClientAddress: '127.0.0.244', basePort: 0 });
    const { port, cap, servedConnections } = fault.details;
    const server = ss().filter((s) => s.local === `127.0.0.44:${port}`);
    const from = (address: string, state: string) => server.filter((s) => s.state === state && s.peer.startsWith(`${address}:`)).length;
    assert.equal(from('127.0.0.144', 'ESTAB'), cap);
    assert.ok(from('127.0.0.144', 'TIME-WAIT') >= 100);
    assert.equal(from('127.0.0.244', 'ESTAB'), servedConnections);
    assert.equal(from('127.0.0.244', 'TIME-WAIT'), 0, 'the served client is never refused');
  });

  it('refuses a second client address equal to the first', async () => {
    await assert.rejects(
      startScenario('busy-server', { address: '127.0.0.45', clientAddress: '127.0.0.145', otherClientAddress: '127.0.0.145' }),
      /otherClientAddress must differ from clientAddress/,
    );
  });
});
