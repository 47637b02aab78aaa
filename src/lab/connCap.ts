// conn-cap: a server with its own connection cap per client address (ZooKeeper's maxClientCnxns in
// incident 003, the relay framework's 128 in incident 004). It holds the first 8 connections from
// a client and closes every further one right after the handshake; the client keeps reconnecting
// (bounded), so the client sees EOF at once and the server piles up TIME_WAIT towards that client.
// conn-cap-served: the same, while another client (another address) holds connections the server
// serves: the port's total is no guide, only the capped client's own counts are.

import { appendFile } from 'node:fs/promises';
import { attempt, hold, type Target } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const cap = 8;
/** Reconnects made before start() returns, so the condition is there when the runbook looks. */
const firstAttempts = 200;
/** Then one reconnect every 100 ms, up to these bounds, until stop(). */
const maxAttempts = 1200;
const reconnectForMs = 120_000;
const reconnectEveryMs = 100;

const servedConnections = 3;

export const connCap = capScenario('conn-cap', 47104, 0);
export const connCapServed = capScenario('conn-cap-served', 47105, servedConnections);

function capScenario(name: string, defaultPort: number, served: number): Scenario {
  const scenario: Scenario = {
    name,
    summary:
      `A server capped at ${cap} connections per client address: further connections are closed right after accept while the client keeps reconnecting` +
      (served ? `; another client's ${served} connections are served.` : '.'),
    needsRoot: false,
    defaultPort,
    async start(options): Promise<RunningFault> {
      const teardown = new Teardown();
      return teardown.guard(async () => {
        const dir = makeLabDir('conn-cap');
        teardown.add(() => dir.remove());
        const serverLog = `${dir.path}/server.log`;
        const clientLog = `${dir.path}/client.log`;
        const server = await startNodeServer(dir, 'conn-cap server', {
          mode: 'cap',
          cap,
          host: options.address,
          port: options.basePort,
          backlog: 511,
          logFile: serverLog,
          lifetimeMs: labLifetimeMs,
        });
        teardown.add(() => server.stop());
        const target: Target = { host: options.address, port: server.port, localAddress: options.clientAddress };
        const held = await hold(target, cap, 5000);
        teardown.add(() => held.closeAll());
        if (held.connected() < cap) {
          throw new Error(`lab: ${name}: only ${held.connected()} of ${cap} connections to ${options.address}:${server.port} were made.`);
        }
        if (served > 0) {
          const other = await hold({ ...target, localAddress: options.otherClientAddress }, served, 5000);
          teardown.add(() => other.closeAll());
          if (other.connected() < served) throw new Error(`lab: ${name}: only ${other.connected()} of ${served} served connections were made.`);
        }
        const client = new ReconnectingClient(target, clientLog);
        let closedByServer = 0;
        for (let i = 0; i < firstAttempts; i++) {
          if ((await client.reconnect()) === 'closed-by-server') closedByServer++;
        }
        const background = client.keepReconnecting();
        teardown.add(() => client.stop(background));
        options.log?.(
          `${name}: server pid ${server.pid} on ${options.address}:${server.port} holds ${cap} connections from ${options.clientAddress} and closed ${closedByServer} of ${firstAttempts} reconnects`,
        );
        return {
          name,
          summary: scenario.summary,
          details: {
            address: options.address,
            port: server.port,
            clientAddress: options.clientAddress,
            serverPid: server.pid,
            serverLog,
            clientLog,
            cap,
            heldConnections: cap,
            reconnects: firstAttempts,
            closedByServer,
            ...(served ? { servedClientAddress: options.otherClientAddress, servedConnections: served } : {}),
          },
          stop: () => teardown.run(),
        };
      });
    },
  };
  return scenario;
}

/** The capped-out client: reconnects, logs what happened, and stops at its bounds or on stop(). */
class ReconnectingClient {
  private attempts = 0;
  private stopped = false;
  private readonly started = Date.now();

  constructor(
    private readonly target: Target,
    private readonly logFile: string,
  ) {}

  async reconnect(): Promise<string> {
    this.attempts++;
    const result = await attempt(this.target, 2000);
    const what = result.outcome === 'closed-by-server' ? `closed by the server ${result.afterMs} ms after connect (EOF)` : result.outcome;
    await appendFile(
      this.logFile,
      `${new Date().toISOString()} connection ${this.attempts} from ${this.target.localAddress} to ${this.target.host}:${this.target.port}: ${what}; reconnecting\n`,
    );
    return result.outcome;
  }

  async keepReconnecting(): Promise<void> {
    while (!this.stopped && this.attempts < maxAttempts && Date.now() - this.started < reconnectForMs) {
      await this.reconnect();
      await new Promise((resolve) => setTimeout(resolve, reconnectEveryMs));
    }
  }

  async stop(loop: Promise<void>): Promise<void> {
    this.stopped = true;
    await loop;
  }
}
