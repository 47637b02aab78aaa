// idle-client (a control): this host holds one idle connection without keepalive to a server
// that still has it. Not half-open: both ends agree. A runbook may note the missing keepalive,
// but must not call it a fault, and can prove it by looking at the server's side.

import { hold } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

export const idleClient: Scenario = {
  name: 'idle-client',
  summary: 'Control: one idle client connection without keepalive to a server on this host that still holds it (both ends agree).',
  needsRoot: false,
  defaultPort: 47108,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('idle-client');
      teardown.add(() => dir.remove());
      const serverLog = `${dir.path}/server.log`;
      // keepAliveMs 0: neither end probes, as with the NATS client of incident 002, yet nothing is lost.
      const server = await startNodeServer(dir, 'idle-client server', {
        mode: 'echo',
        keepAliveMs: 0,
        host: options.address,
        port: options.basePort,
        backlog: 511,
        logFile: serverLog,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      const client = await hold({ host: options.address, port: server.port, localAddress: options.clientAddress }, 1, 5000);
      teardown.add(() => client.closeAll());
      if (client.connected() < 1) throw new Error(`lab: idle-client: could not connect to ${options.address}:${server.port}.`);
      options.log?.(`idle-client: ${options.clientAddress} holds an idle connection to ${options.address}:${server.port} (server pid ${server.pid})`);
      return {
        name: idleClient.name,
        summary: idleClient.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverLog,
          connections: 1,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
