// Two network namespaces joined by a veth pair: a private little network where a "server" and
// a "client" can lose their link. Private addresses are used only inside these namespaces.

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NamespacePair {
  serverNamespace: string;
  clientNamespace: string;
  serverInterface: string;
  clientInterface: string;
  serverAddress: string;
  clientAddress: string;
}

/** Throws "needs root: ..." unless this process can create network namespaces with `ip`. */
export async function requireNamespaces(scenario: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(`needs root: the ${scenario} scenario creates network namespaces (ip netns add); run it as root, e.g. sudo.`);
  }
  try {
    await run('ip', ['netns', 'list']);
  } catch (err) {
    throw new Error(`needs root: the ${scenario} scenario needs the "ip" tool with netns support (iproute2): ${(err as Error).message}`);
  }
}

export async function ip(args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`lab: "ip ${args.join(' ')}" failed: ${stderr || (err as Error).message}`);
  }
}

let made = 0;

/** Names unique to this process and call; veth names stay within the kernel's 15 characters. */
export function pairNames(): Pick<NamespacePair, 'serverNamespace' | 'clientNamespace' | 'serverInterface' | 'clientInterface'> {
  const id = `${process.pid.toString(36)}${(made++).toString(36)}`;
  return {
    serverNamespace: `rblab-${id}-server`,
    clientNamespace: `rblab-${id}-client`,
    serverInterface: `rbl${id}s`.slice(0, 15),
    clientInterface: `rbl${id}c`.slice(0, 15),
  };
}

/** Creates both namespaces and the link between them; addresses are a /30 on the veth. */
export async function createPair(names: ReturnType<typeof pairNames>): Promise<NamespacePair> {
  const pair: NamespacePair = { ...names, serverAddress: '10.200.0.1', clientAddress: '10.200.0.2' };
  await ip(['netns', 'add', pair.serverNamespace]);
  await ip(['netns', 'add', pair.clientNamespace]);
  // The veth is born inside the namespaces: it never exists in the machine's own network.
  await ip([
    'link',
    'add',
    pair.serverInterface,
    'netns',
    pair.serverNamespace,
    'type',
    'veth',
    'peer',
    'name',
    pair.clientInterface,
    'netns',
    pair.clientNamespace,
  ]);
  for (const [ns, dev, address] of [
    [pair.serverNamespace, pair.serverInterface, pair.serverAddress],
    [pair.clientNamespace, pair.clientInterface, pair.clientAddress],
  ]) {
    await ip(['-n', ns, 'addr', 'add', `${address}/30`, 'dev', dev]);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    await ip(['-n', ns, 'link', 'set', dev, 'up']);
  }
  return pair;
}

export function setServerLink(pair: NamespacePair, state: 'up' | 'down'): Promise<void> {
  return ip(['-n', pair.serverNamespace, 'link', 'set', pair.serverInterface, state]);
}

/** Deleting a namespace also deletes its end of the veth, and so the whole pair. */
export async function deleteNamespace(name: string): Promise<void> {
  try {
    await run('ip', ['netns', 'del', name]);
  } catch (err) {
    if (!/No such file|not found|Invalid/.test(String((err as { stderr?: string }).stderr))) throw err;
  }
}

export function deleteNamespaceSync(name: string): void {
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // Already gone, or never made.
  }
}
