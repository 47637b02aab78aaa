import assert from 'node:assert/strict';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, ss } from './observe';

const address = '127.0.0.32';
const clientAddress = '127.0.0.132';

describe('lab close-wait', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('leaves CLOSE_WAIT sockets owned by the server pid, towards the client, until stopped', async () => {
    fault = await startScenario('close-wait', { address, clientAddress, basePort: 0 });
    const { port, serverPid, closeWait } = fault.details;

    const stuck = ss(['-p', 'state', 'close-wait']).filter((s) => s.local === `${address}:${port}`);
    assert.equal(stuck.length, closeWait);
    assert.ok(stuck.length >= 40);
    for (const socket of stuck) {
      assert.match(socket.extra, new RegExp(`users:\\(\\("node",pid=${serverPid},`), 'ss -tanp names the server process');
      assert.ok(socket.peer.startsWith(`${clientAddress}:`), `peer ${socket.peer} is the client`);
    }

    await fault.stop();
    assert.ok(await gone(Number(serverPid)), `server pid ${serverPid} still runs after stop`);
    const left = ss(['state', 'close-wait']).filter((s) => s.local === `${address}:${port}`);
    assert.equal(left.length, 0, 'stopping the leaking server ends its CLOSE_WAIT sockets');
  });
});
