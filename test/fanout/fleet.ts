// A fleet on loopback for the fan-out tests: real sshds on N loopback addresses (16 per sshd), an
// ssh_config naming each address as a host, plus a host where nothing listens and one that black-holes the handshake.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

export interface Fleet {
  beds: TestSshd[];
  dir: string;
  /** ssh_config naming every host (h01..hNN, dead, blackhole), with one known_hosts for all. */
  sshConfigPath: string;
  inventoryPath: string;
  /** Names of the live hosts, h01..hNN, in address order. */
  hosts: string[];
  /** Address of live host i (0-based). */
  address(i: number): string;
  /** The login user of every host. */
  user: string;
  /** `dead`: an address and port where nothing listens. `blackhole`: accepts TCP and never says a word. */
  deadAddress: string;
  blackholeAddress: string;
  stop(): Promise<void>;
}

/** OpenSSH's MAX_LISTEN_SOCKS: one sshd listens on at most 16 addresses ("Too many listen sockets"). */
export const ADDRESSES_PER_SSHD = 16;

/**
 * Hosts log in as the non-root test user when we are root: root's shell start-up here runs
 * pyenv (~600 ms per login), which is not what a fleet's login costs.
 */
export async function startFleet(options: { count: number; firstAddress: number; connectTimeout?: number; extraGroups?: string[] }): Promise<Fleet> {
  const beds: TestSshd[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fanout-'));
  try {
    for (let first = 0; first < options.count; first += ADDRESSES_PER_SSHD) {
      const addresses = Math.min(ADDRESSES_PER_SSHD, options.count - first);
      beds.push(await startTestSshd({ addresses, firstAddress: options.firstAddress + first, clientKeysFrom: beds[0] }));
    }
  } catch (error) {
    await Promise.all(beds.map((b) => b.stop()));
    throw error;
  }
  const key = beds[0].clientKey.privatePath;
  const user = beds[0].users.test ?? beds[0].users.current;
  const after = options.firstAddress + options.count;
  const deadAddress = `127.0.0.${after}`;
  const blackholeAddress = `127.0.0.${after + 1}`;
  // The black hole completes the TCP handshake (the kernel does) and then stays silent, as a
  // host whose sshd hangs or a middlebox that swallows packets after the SYN does.
  const silent: net.Socket[] = [];
  const blackhole = net.createServer((socket) => {
    silent.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackhole.listen(0, blackholeAddress, resolve));
  const blackholePort = (blackhole.address() as net.AddressInfo).port;

  const knownHostsPath = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsPath, beds.map((b) => fs.readFileSync(b.knownHostsPath, 'utf8')).join(''));
  const live = beds.flatMap((b) => b.addresses.map((address) => ({ address, port: b.port })));
  const hosts = live.map((_, i) => `h${String(i + 1).padStart(2, '0')}`);
  const entry = (name: string, address: string, port: number) =>
    [
      `Host ${name}`,
      `  HostName ${address}`,
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsPath}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      `  ConnectTimeout ${options.connectTimeout ?? 3}`,
      '',
    ].join('\n');
  const sshConfigPath = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    sshConfigPath,
    [
      ...live.map((h, i) => entry(hosts[i], h.address, h.port)),
      entry('dead', deadAddress, beds[0].port),
      entry('blackhole', blackholeAddress, blackholePort),
    ].join('\n'),
  );
  const inventoryPath = path.join(dir, 'runbook-inventory.yaml');
  fs.writeFileSync(inventoryPath, ['groups:', '  fleet: ["h*"]', '  fleet-and-broken: ["h*", dead, blackhole]', ...(options.extraGroups ?? []), ''].join('\n'));

  return {
    beds,
    dir,
    sshConfigPath,
    inventoryPath,
    hosts,
    user,
    deadAddress,
    blackholeAddress,
    address: (i) => live[i].address,
    async stop() {
      for (const s of silent) s.destroy();
      await new Promise<void>((resolve) => blackhole.close(() => resolve()));
      await Promise.all(beds.map((b) => b.stop()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A prompter for unattended runs: never types a secret, never says yes. */
export const noPrompter = { askSecret: async () => undefined, confirm: async () => false };
