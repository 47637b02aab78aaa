// time-wait: a server that closes every connection right after accept (the active close is the
// server's, so TIME_WAIT piles up on the server's address), hit by a bounded burst of short
// connections, then kept busy at a steady high rate until stop() (bounded), so a runbook that
// measures new TIME_WAIT per second sees churn, not a pile left by a burst that is over.
// Reproduces the TIME-WAIT 59157 of incident 001 and the 4500 of incident 003.

import { attempt, backgroundLoop, burst } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const connections = 3000;
const concurrency = 64;
const burstDeadlineMs = 10_000;
// The churn after the burst: 8 workers, 20 ms apart = at most 400 connections a second, for at
// most 90 s or 30,000 connections. Several hundred a second is incident 001's order (59157 in 60 s).
const churn = { workers: 8, pauseMs: 20, maxConnections: 30_000, maxMs: 90_000 };

export const timeWait: Scenario = {
  name: 'time-wait',
  summary:
    'A server that closes each connection right after accept, hit by 3,000 short connections and then a few hundred a second: TIME_WAIT churn on the server address.',
  needsRoot: false,
  defaultPort: 47101,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('time-wait');
      teardown.add(() => dir.remove());
      const logFile = `${dir.path}/server.log`;
      const server = await startNodeServer(dir, 'time-wait server', {
        mode: 'close',
        host: options.address,
        port: options.basePort,
        backlog: 511,
        logFile,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      options.log?.(`time-wait: server pid ${server.pid} on ${options.address}:${server.port}; ${connections} connections from ${options.clientAddress}`);
      const result = await burst({ host: options.address, port: server.port, localAddress: options.clientAddress }, connections, concurrency, burstDeadlineMs);
      options.log?.(`time-wait: ${result.closedByServer} of ${result.attempts} connections closed by the server in ${result.elapsedMs} ms`);
      if (result.closedByServer === 0) {
        throw new Error(`lab: time-wait: none of ${result.attempts} connections to ${options.address}:${server.port} completed; is the address usable?`);
      }
      const target = { host: options.address, port: server.port, localAddress: options.clientAddress };
      const loop = backgroundLoop(churn, () => attempt(target, 2000));
      teardown.add(() => loop.stop());
      return {
        name: timeWait.name,
        summary: timeWait.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverLog: logFile,
          connections: result.attempts,
          closedByServer: result.closedByServer,
          burstMs: result.elapsedMs,
          churnPerSecondMax: (churn.workers * 1000) / churn.pauseMs,
          churnForSeconds: churn.maxMs / 1000,
          // TIME_WAIT lasts 60 s on Linux, whether or not the fault is stopped.
          timeWaitSeconds: 60,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
