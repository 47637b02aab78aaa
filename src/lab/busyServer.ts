// busy-server (a control, not a fault): an HTTP/1.0-style server that answers each request and
// then closes first, with no connection cap. TIME_WAIT piles up on the server towards the busy
// client at a modest rate, and one idle client from another address stays connected. This is
// what the old triage called a "per-client connection cap"; a runbook must find no fault here.

import { backgroundLoop, hold, request, type Target } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

// One worker, 50 ms apart: about 20 requests a second, for at most 120 s or 2,400 requests.
// That keeps ~1,200 TIME_WAIT on the server after a minute: many, but a normal rate.
const requests = { workers: 1, pauseMs: 50, maxConnections: 2400, maxMs: 120_000 };
const firstRequests = 40;

export const busyServer: Scenario = {
  name: 'busy-server',
  summary:
    'Control: a server with no cap that answers each request and closes first (~20 requests a second: TIME_WAIT piles up on the server), with one idle client from another address.',
  needsRoot: false,
  defaultPort: 47107,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('busy-server');
      teardown.add(() => dir.remove());
      const serverLog = `${dir.path}/server.log`;
      const server = await startNodeServer(dir, 'busy server', {
        mode: 'respond',
        host: options.address,
        port: options.basePort,
        backlog: 511,
        logFile: serverLog,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      const idle = await hold({ host: options.address, port: server.port, localAddress: options.otherClientAddress }, 1, 5000);
      teardown.add(() => idle.closeAll());
      if (idle.connected() < 1) throw new Error(`lab: busy-server: the idle client could not connect to ${options.address}:${server.port}.`);
      const busy: Target = { host: options.address, port: server.port, localAddress: options.clientAddress };
      let answered = 0;
      for (let i = 0; i < firstRequests; i++) if ((await request(busy, 2000)).answered) answered++;
      if (answered < firstRequests) throw new Error(`lab: busy-server: only ${answered} of ${firstRequests} requests were answered.`);
      const loop = backgroundLoop(requests, () => request(busy, 2000));
      teardown.add(() => loop.stop());
      options.log?.(
        `busy-server: server pid ${server.pid} on ${options.address}:${server.port} answers ${options.clientAddress} and closes first; idle client ${options.otherClientAddress}`,
      );
      return {
        name: busyServer.name,
        summary: busyServer.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          idleClientAddress: options.otherClientAddress,
          serverPid: server.pid,
          serverLog,
          requestsPerSecondMax: 1000 / requests.pauseMs,
          firstRequests,
          idleConnections: 1,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
