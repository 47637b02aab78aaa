import assert from 'node:assert/strict';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, ss } from './observe';

const address = '127.0.0.36';
const clientAddress = '127.0.0.136';

describe('lab healthy', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('shows only established keepalive connections and a listener, nothing stuck', async () => {
    fault = await startScenario('healthy', { address, clientAddress, basePort: 0 });
    const { port, serverPid, connections } = fault.details;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let a few messages go both ways

    const server = ss(['-o']).filter((s) => s.local === `${address}:${port}` && s.state !== 'LISTEN');
    assert.deepEqual([...new Set(server.map((s) => s.state))], ['ESTAB'], 'only ESTAB on the server address');
    assert.equal(server.length, connections);
    for (const socket of server) {
      assert.match(socket.extra, /timer:\(keepalive,/, 'keepalive is on (ss -tano)');
      assert.equal(socket.recvQ, 0, 'nothing waits unread');
    }

    await fault.stop();
    assert.ok(await gone(Number(serverPid)), `server pid ${serverPid} still runs after stop`);
  });
});
