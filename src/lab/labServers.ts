// Starts the lab's child processes from their scripts: the Node server, the Perl open-files
// server (under a low open-files limit) and the idle Node client, optionally inside a namespace.

import type { LabDir } from './labDir';
import { startLabProcess, type LabProcess } from './labProcess';
import { nodeServerArgs, nodeServerScript, type NodeServerConfig } from './nodeServerScript';
import { nodeClientArgs, nodeClientScript, type NodeClientConfig } from './nodeClientScript';
import { fdServerArgs, fdServerScript, type FdServerConfig } from './perlServerScript';

/** Every lab process ends by itself after this long, even if nobody stops it. */
export const labLifetimeMs = 15 * 60 * 1000;

/** `ip netns exec NAME` in front of a command, or nothing. */
function inNamespace(namespace: string | undefined, command: string, args: string[]): { command: string; args: string[] } {
  return namespace ? { command: 'ip', args: ['netns', 'exec', namespace, command, ...args] } : { command, args };
}

export function startNodeServer(dir: LabDir, label: string, config: NodeServerConfig, namespace?: string): Promise<LabProcess> {
  const script = dir.write('server.js', nodeServerScript);
  return startLabProcess({ label, ...inNamespace(namespace, process.execPath, nodeServerArgs(script, config)) });
}

export function startNodeClient(dir: LabDir, label: string, config: NodeClientConfig, namespace?: string): Promise<LabProcess> {
  const script = dir.write('client.js', nodeClientScript);
  return startLabProcess({ label, ...inNamespace(namespace, process.execPath, nodeClientArgs(script, config)) });
}

/** Starts the Perl server with RLIMIT_NOFILE set to `openFiles` (soft and hard) for it alone. */
export function startFdServer(dir: LabDir, label: string, config: FdServerConfig, openFiles: number): Promise<LabProcess> {
  const script = dir.write('server.pl', fdServerScript);
  // sh sets the limit, then exec replaces it by perl: the limit applies to that one process.
  const shell = 'ulimit -n "$1" && shift && exec perl "$@"';
  return startLabProcess({ label, command: 'sh', args: ['-c', shell, 'sh', String(openFiles), ...fdServerArgs(script, config)] });
}
