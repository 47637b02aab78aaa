// close-wait: a server that accepts and never closes (a socket leak) while its clients close:
// each connection stays in CLOSE_WAIT on the server, owned by the server's pid (incident 003, part 4).

import { closeGracefully, hold } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const connections = 40;

export const closeWait: Scenario = {
  name: 'close-wait',
  summary: 'A server that never closes its sockets while 40 clients hang up: CLOSE_WAIT on the server side, owned by its pid.',
  needsRoot: false,
  defaultPort: 47102,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('close-wait');
      teardown.add(() => dir.remove());
      const logFile = `${dir.path}/server.log`;
      const server = await startNodeServer(dir, 'close-wait server', {
        mode: 'hold',
        host: options.address,
        port: options.basePort,
        backlog: 511,
        logFile,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      const clients = await hold({ host: options.address, port: server.port, localAddress: options.clientAddress }, connections, 5000);
      teardown.add(() => clients.closeAll());
      if (clients.connected() < connections) {
        throw new Error(`lab: close-wait: only ${clients.connected()} of ${connections} connections to ${options.address}:${server.port} were made.`);
      }
      // The clients hang up; the server never answers with its own FIN.
      await closeGracefully(clients.sockets, 3000);
      options.log?.(`close-wait: server pid ${server.pid} on ${options.address}:${server.port} holds ${connections} connections its clients closed`);
      return {
        name: closeWait.name,
        summary: closeWait.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverProcess: 'node',
          serverLog: logFile,
          closeWait: connections,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
