import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { startScenario, type RunningFault } from '../../src/lab';
import { gone, listeners, ss, tcpExt } from './observe';

const address = '127.0.0.33';
const clientAddress = '127.0.0.133';

describe('lab open-files', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('runs a server out of descriptors: EMFILE in its log, a full listen queue, overflow counters rising', async () => {
    const overflowsBefore = tcpExt('ListenOverflows');
    fault = await startScenario('open-files', { address, clientAddress, basePort: 0 });
    const { port, serverPid, serverLog, openFilesLimit, backlog } = fault.details;

    const limits = readFileSync(`/proc/${serverPid}/limits`, 'utf8');
    assert.match(limits, new RegExp(`^Max open files\\s+${openFilesLimit}\\s+${openFilesLimit}\\s+files`, 'm'));
    // What `ls /proc/PID/fd | wc -l` in a runbook counts.
    assert.equal(readdirSync(`/proc/${serverPid}/fd`).length, openFilesLimit, 'every descriptor the limit allows is in use');

    assert.match(readFileSync(String(serverLog), 'utf8'), /accept: Too many open files/);

    const [listener] = listeners().filter((s) => s.local === `${address}:${port}`);
    assert.ok(listener, 'ss -ltn shows the listener');
    assert.equal(listener.sendQ, backlog, 'Send-Q of a listener is its backlog');
    assert.ok(listener.recvQ >= listener.sendQ, `listen queue Recv-Q ${listener.recvQ} should be full (backlog ${listener.sendQ})`);

    assert.ok(tcpExt('ListenOverflows') > overflowsBefore, 'TcpExtListenOverflows rose');
    const waiting = ss(['state', 'syn-sent']).filter((s) => s.peer === `${address}:${port}`);
    assert.ok(waiting.length > 0, 'clients beyond the full queue are left in SYN-SENT');

    await fault.stop();
    assert.ok(await gone(Number(serverPid)), `server pid ${serverPid} still runs after stop`);
    // Closing sockets may linger in FIN-WAIT/TIME-WAIT; none may still be open or connecting.
    const left = ss().filter((s) => s.peer === `${address}:${port}` && ['ESTAB', 'SYN-SENT'].includes(s.state));
    assert.deepEqual(
      left.map((s) => s.state),
      [],
      'no client connection is left open',
    );
  });
});
