import assert from 'node:assert/strict';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, isRoot, namespaces, ss } from './observe';

describe('lab half-open', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  if (!isRoot()) {
    it('refuses to start without root, saying so', async () => {
      await assert.rejects(startScenario('half-open'), /needs root: /);
    });
    return;
  }

  it('leaves the client ESTABLISHED towards a server that has no such connection', async () => {
    fault = await startScenario('half-open', { basePort: 0 });
    const d = fault.details;
    const server = `${d.serverAddress}:${d.port}`;

    const client = ss(['-p'], String(d.clientNamespace)).filter((s) => s.peer === server);
    assert.equal(client.length, d.connections, 'the client still has its connections');
    for (const socket of client) {
      assert.equal(socket.state, 'ESTAB');
      assert.match(socket.extra, new RegExp(`pid=${d.clientPid},`));
    }
    const serverSide = ss(['-p'], String(d.serverNamespace)).filter((s) => s.local === server);
    assert.deepEqual(
      serverSide.map((s) => s.state),
      ['LISTEN'],
      'the server only listens: it knows no connection',
    );
    assert.match(serverSide[0].extra, new RegExp(`pid=${d.serverPid},`), 'the listener is the restarted server');
    assert.notEqual(d.serverPid, d.serverPidBeforeCut);
    // No keepalive on the client: nothing will ever tell it (ss -o shows no timer).
    assert.ok(
      ss(['-o'], String(d.clientNamespace))
        .filter((s) => s.peer === server)
        .every((s) => !/keepalive/.test(s.extra)),
    );

    await fault.stop();
    for (const pid of [d.serverPid, d.clientPid]) assert.ok(await gone(Number(pid)), `pid ${pid} still runs after stop`);
    const left = namespaces();
    assert.ok(!left.includes(String(d.serverNamespace)) && !left.includes(String(d.clientNamespace)), `namespaces left: ${left.join(', ')}`);
  });
});
