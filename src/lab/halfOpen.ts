// half-open: incident 002 (NATS after a power cut). A server and an idle client without
// keepalive live in two network namespaces joined by a veth. The server's link goes down, the
// server loses its connections without a FIN reaching the client and comes back; the client still
// shows ESTABLISHED towards it while the server has no such connection.

import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeClient, startNodeServer } from './labServers';
import { onExit } from './exitCleanup';
import { createPair, deleteNamespace, deleteNamespaceSync, pairNames, requireNamespaces, setServerLink } from './netns';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const connections = 2;

export const halfOpen: Scenario = {
  name: 'half-open',
  summary: 'A client without keepalive keeps an ESTABLISHED connection to a server that lost it in a power cut (two network namespaces, a veth cut).',
  needsRoot: true,
  // NATS's port; it lives inside the lab's own namespaces, so it cannot clash with the machine's.
  defaultPort: 4222,
  async start(options): Promise<RunningFault> {
    await requireNamespaces('half-open');
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('half-open');
      teardown.add(() => dir.remove());
      const names = pairNames();
      const forget = onExit(() => {
        deleteNamespaceSync(names.serverNamespace);
        deleteNamespaceSync(names.clientNamespace);
      });
      teardown.add(async () => {
        await deleteNamespace(names.serverNamespace);
        await deleteNamespace(names.clientNamespace);
        forget();
      });
      const pair = await createPair(names);
      const port = options.basePort;
      const serverLog = `${dir.path}/server.log`;
      const serverConfig = { mode: 'hold' as const, host: pair.serverAddress, port, backlog: 511, logFile: serverLog, lifetimeMs: labLifetimeMs };
      const before = await startNodeServer(dir, 'half-open server', serverConfig, pair.serverNamespace);
      teardown.add(() => before.stop());
      const client = await startNodeClient(
        dir,
        'half-open client',
        {
          host: pair.serverAddress,
          port: before.port,
          localAddress: pair.clientAddress,
          connections,
          lifetimeMs: labLifetimeMs,
        },
        pair.clientNamespace,
      );
      teardown.add(() => client.stop());
      options.log?.(
        `half-open: ${connections} connections ${pair.clientAddress} -> ${pair.serverAddress}:${before.port} established; cutting the server's link`,
      );

      // The power cut: the link goes first, so the server's RSTs die on a link that is down.
      await setServerLink(pair, 'down');
      before.signal('SIGUSR2');
      await before.exited;
      // The server comes back with its network and no memory of the old connections.
      await setServerLink(pair, 'up');
      const after = await startNodeServer(dir, 'half-open server (restarted)', { ...serverConfig, port: before.port }, pair.serverNamespace);
      teardown.add(() => after.stop());
      options.log?.(`half-open: server restarted as pid ${after.pid}; the client still holds its connections`);
      return {
        name: halfOpen.name,
        summary: halfOpen.summary,
        details: {
          serverNamespace: pair.serverNamespace,
          clientNamespace: pair.clientNamespace,
          serverAddress: pair.serverAddress,
          clientAddress: pair.clientAddress,
          port: before.port,
          serverPid: after.pid,
          serverPidBeforeCut: before.pid,
          clientPid: client.pid,
          connections,
          serverLog,
          serverCommand: `ip netns exec ${pair.serverNamespace} `,
          clientCommand: `ip netns exec ${pair.clientNamespace} `,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
