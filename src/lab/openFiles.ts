// open-files: a server process whose own RLIMIT_NOFILE is 64 holds every connection until
// accept() fails with EMFILE ("accept: Too many open files" in its log); its small listen queue
// then fills and overflows (ss -ltn Recv-Q > Send-Q, TcpExtListenOverflows rises). Incident 000's
// "open files (-n) 1024" with 1237 connections, made small.

import { readFile } from 'node:fs/promises';
import { hold, type HeldConnections } from './connections';
import { makeLabDir } from './labDir';
import { startFdServer } from './labServers';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const openFilesLimit = 64;
const backlog = 8;
const batchSize = 4;
// Enough to use up every descriptor, then fill the queue and keep knocking on a full queue.
const overflowConnections = backlog + 40;
const connections = openFilesLimit + overflowConnections;
const lifetimeSeconds = 15 * 60;
const emfileWaitMs = 8000;

export const openFiles: Scenario = {
  name: 'open-files',
  summary: `A server limited to ${openFilesLimit} open files holding every connection: accept fails with EMFILE and its listen queue (backlog ${backlog}) overflows.`,
  needsRoot: false,
  defaultPort: 47103,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('open-files');
      teardown.add(() => dir.remove());
      const logFile = `${dir.path}/server.log`;
      const server = await startFdServer(
        dir,
        'open-files server',
        {
          host: options.address,
          port: options.basePort,
          backlog,
          logFile,
          lifetimeSeconds,
        },
        openFilesLimit,
      );
      teardown.add(() => server.stop());
      const target = { host: options.address, port: server.port, localAddress: options.clientAddress };
      const batches: HeldConnections[] = [];
      teardown.add(() => batches.forEach((batch) => batch.closeAll()));
      // A few at a time until the server runs out of descriptors: a burst would overflow the
      // queue too early and leave the clients waiting out SYN retransmits (1 s, 3 s, 7 s...).
      for (let opened = 0; opened < openFilesLimit; opened += batchSize) {
        batches.push(await hold(target, batchSize, 2000));
      }
      await waitForLine(logFile, 'accept: Too many open files', emfileWaitMs);
      // Then the rush that fills the listen queue and keeps knocking on it.
      batches.push(await hold(target, overflowConnections, 1500));
      const completed = batches.reduce((sum, batch) => sum + batch.connected(), 0);
      options.log?.(
        `open-files: server pid ${server.pid} on ${options.address}:${server.port} is out of descriptors; ${completed} of ${connections} clients got through the handshake`,
      );
      return {
        name: openFiles.name,
        summary: openFiles.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverProcess: 'perl',
          serverLog: logFile,
          openFilesLimit,
          backlog,
          connections,
          handshakesCompleted: completed,
        },
        stop: () => teardown.run(),
      };
    });
  },
};

async function waitForLine(file: string, text: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const log = await readFile(file, 'utf8').catch(() => '');
    if (log.includes(text)) return;
    if (Date.now() > deadline) {
      throw new Error(`lab: open-files: the server never logged "${text}" within ${waitMs} ms; its log ${file} says:\n${log.slice(-1000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
