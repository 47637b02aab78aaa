import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startScenario, type RunningFault } from '../../src/lab';
import { execFileSync } from 'node:child_process';
import { connectOnce, gone, ss, tcpdump } from './observe';

const address = '127.0.0.34';
const clientAddress = '127.0.0.134';
const otherClient = '127.0.0.234';

describe('lab conn-cap', function () {
  this.timeout(30_000);
  let fault: RunningFault | undefined;
  afterEach(async () => fault?.stop());

  it('closes a capped client right after connect, holds the first N, and keeps serving other clients', async () => {
    fault = await startScenario('conn-cap', { address, clientAddress, basePort: 0 });
    const { port, serverPid, cap, serverLog, clientLog, reconnects } = fault.details;
    const port_ = Number(port);

    // What telnet from the capped host sees: connected, then closed by the server at once.
    const capped = await connectOnce(address, port_, clientAddress, 3000);
    assert.equal(capped.connected, true);
    assert.equal(capped.endedBy, 'server');
    assert.ok(capped.afterMs < 1000, `closed after ${capped.afterMs} ms`);
    // Another host is under its own cap, as in incident 003 where only one host was refused.
    const other = await connectOnce(address, port_, otherClient, 500);
    assert.equal(other.endedBy, 'nobody', 'a connection from another address stays open');

    const server = ss().filter((s) => s.local === `${address}:${port}`);
    const held = server.filter((s) => s.state === 'ESTAB' && s.peer.startsWith(`${clientAddress}:`));
    assert.equal(held.length, cap, 'the server holds exactly its cap from the capped client');
    const timeWait = server.filter((s) => s.state === 'TIME-WAIT' && s.peer.startsWith(`${clientAddress}:`));
    assert.ok(timeWait.length >= 100, `server-side TIME_WAIT towards the client: ${timeWait.length}`);

    assert.match(readFileSync(String(serverLog), 'utf8'), new RegExp(`Too many connections from /${clientAddress.replace(/\./g, '\\.')} - max is ${cap}`));
    // The client keeps reconnecting in the background while the fault runs.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const attempts = readFileSync(String(clientLog), 'utf8').trim().split('\n');
    assert.ok(attempts.length > Number(reconnects), `client log has ${attempts.length} attempts, more than the first ${reconnects}`);
    assert.match(attempts[attempts.length - 1], /closed by the server \d+ ms after connect \(EOF\)/);

    if (hasTcpdump()) {
      // tcpdump shows the server's FIN right after the handshake: the server hung up, not the client.
      const packets = await tcpdump(`tcp and host ${clientAddress} and port ${port}`, 12, 5000, () => connectOnce(address, port_, clientAddress, 1000));
      assert.ok(serverFinRightAfterHandshake(packets, `${address}.${port}`), `no FIN right after a handshake in:\n${packets.join('\n')}`);
    }

    await fault.stop();
    assert.ok(await gone(Number(serverPid)), `server pid ${serverPid} still runs after stop`);
    const open = ss().filter((s) => s.local === `${address}:${port}` && s.state === 'ESTAB');
    assert.equal(open.length, 0, 'no held connection is left');
  });
});

function hasTcpdump(): boolean {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when some connection went SYN, SYN-ACK, ACK, then a FIN from the server as its next packet. */
function serverFinRightAfterHandshake(packets: string[], server: string): boolean {
  const flows = new Map<string, string[]>();
  for (const line of packets) {
    const match = /IP (\S+) > (\S+): Flags \[([^\]]+)\]/.exec(line);
    if (!match) continue;
    const [, from, to, flags] = match;
    const client = from === server ? to.replace(/:$/, '') : from;
    const steps = flows.get(client) ?? [];
    steps.push(`${from === server ? 'server' : 'client'} ${flags}`);
    flows.set(client, steps);
  }
  return [...flows.values()].some((steps) => steps.slice(0, 4).join(',') === 'client S,server S.,client .,server F.');
}
