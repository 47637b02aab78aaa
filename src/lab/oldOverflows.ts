// old-overflows (a control): a long-running host whose since-boot listen-overflow counter is high
// from an old event and no longer growing. The lab makes the old event itself (a listener that
// never accepts, backlog 1, knocked on by a few clients), ends it, then runs a healthy service on
// the same port. A runbook must not raise a finding on the counter's total alone.

import { readFileSync } from 'node:fs';
import { hold, type Target } from './connections';
import { makeLabDir } from './labDir';
import { labLifetimeMs, startNodeServer } from './labServers';
import { startLabProcess } from './labProcess';
import { Teardown } from './teardown';
import type { RunningFault, Scenario } from './types';

const knocks = 12;
const knockForMs = 1500;

// Listens with backlog 1 and never accepts: the third connection finds the accept queue full.
const stuckListener = String.raw`use strict; use Socket;
my ($host, $port) = @ARGV;
socket(my $s, PF_INET, SOCK_STREAM, getprotobyname('tcp')) or die "socket: $!\n";
setsockopt($s, SOL_SOCKET, SO_REUSEADDR, pack('l', 1));
bind($s, sockaddr_in($port, inet_aton($host))) or die "bind $host:$port: $!\n";
listen($s, 1) or die "listen: $!\n";
$| = 1; my ($bound) = sockaddr_in(getsockname($s)); print "ready $bound\n";
while (sysread(STDIN, my $b, 512)) {}
`;

/** TcpExtListenOverflows for this network namespace (what `nstat -az TcpExtListenOverflows` prints). */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? NaN);
}

export const oldOverflows: Scenario = {
  name: 'old-overflows',
  summary: 'Control: a healthy service on a host whose since-boot listen-overflow counter is high from an old, finished event and no longer grows.',
  needsRoot: false,
  defaultPort: 47109,
  async start(options): Promise<RunningFault> {
    const teardown = new Teardown();
    return teardown.guard(async () => {
      const dir = makeLabDir('old-overflows');
      teardown.add(() => dir.remove());
      const before = listenOverflows();
      // The old event: a stuck listener and clients knocking on its full queue, then all gone.
      const script = dir.write('stuck.pl', stuckListener);
      const stuck = await startLabProcess({ label: 'stuck listener', command: 'perl', args: [script, options.address, String(options.basePort)] });
      teardown.add(() => stuck.stop());
      const target: Target = { host: options.address, port: stuck.port, localAddress: options.clientAddress };
      const knocking = await hold(target, knocks, knockForMs);
      knocking.closeAll();
      await stuck.stop();
      const after = listenOverflows();
      if (!(after > before)) throw new Error(`lab: old-overflows: the listen-overflow counter did not rise (${before} -> ${after}).`);
      // The host today: the service back, healthy, on the same port.
      const serverLog = `${dir.path}/server.log`;
      const server = await startNodeServer(dir, 'old-overflows server', {
        mode: 'echo',
        keepAliveMs: 10_000,
        host: options.address,
        port: stuck.port,
        backlog: 511,
        logFile: serverLog,
        lifetimeMs: labLifetimeMs,
      });
      teardown.add(() => server.stop());
      const clients = await hold({ ...target, port: server.port }, 2, 5000, 10_000);
      teardown.add(() => clients.closeAll());
      options.log?.(
        `old-overflows: listen overflows ${before} -> ${after} (the old event, over); healthy server pid ${server.pid} on ${options.address}:${server.port}`,
      );
      return {
        name: oldOverflows.name,
        summary: oldOverflows.summary,
        details: {
          address: options.address,
          port: server.port,
          clientAddress: options.clientAddress,
          serverPid: server.pid,
          serverLog,
          listenOverflowsBefore: before,
          listenOverflowsAfter: after,
          connections: 2,
        },
        stop: () => teardown.run(),
      };
    });
  },
};
