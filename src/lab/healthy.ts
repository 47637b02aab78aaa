// healthy: a normal echo server with a few established keepalive connections that exchange a
// message every second; what a runbook should find nothing critical about.

import { hold } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const connections = 4;
const keepAliveMs = 10_000;
const pingEveryMs = 1000;

export const healthy: Scenario = {
  name: 'healthy',
  summary: `A normal server with ${connections} established keepalive connections exchanging a message every second.`,
  needsRoot: false,
  defaultPort: 47106,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('healthy');
      teardown.add(() => dir.remove());
      const logFile = `${dir.path}/server.log`;
      const server = await startNodeServer(dir, 'healthy server', {
        mode: 'echo',
        keepAliveMs,
        host: options.address,
        port: options.basePort,
        backlog: 511,
        logFile,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      const clients = await hold({ host: options.address, port: server.port, localAddress: options.clientAddress }, connections, 5000, keepAliveMs);
      teardown.add(() => clients.closeAll());
      if (clients.connected() < connections) {
        throw new Error(`lab: healthy: only ${clients.connected()} of ${connections} connections to ${options.address}:${server.port} were made.`);
      }
      for (const socket of clients.sockets) socket.resume();
      const ping = setInterval(() => {
        for (const socket of clients.sockets) socket.write('ping\n');
      }, pingEveryMs);
      teardown.add(() => clearInterval(ping));
      options.log?.(`healthy: server pid ${server.pid} on ${options.address}:${server.port} with ${connections} keepalive connections`);
      return {
        name: healthy.name,
        summary: healthy.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverLog: logFile,
          connections,
          keepAliveSeconds: keepAliveMs / 1000,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
