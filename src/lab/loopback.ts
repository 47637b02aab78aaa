// Guards the lab's one network rule: traffic only ever goes to 127.0.0.0/8 on the host itself.

import { isIPv4 } from 'node:net';

/** Throws a clear error unless `address` is an IPv4 address in 127.0.0.0/8. */
export function requireLoopback(address: string, what: string): string {
  if (!isIPv4(address) || !address.startsWith('127.')) {
    throw new Error(
      `lab: ${what} "${address}" is not a loopback address; use one in 127.0.0.0/8 such as 127.0.0.21 ` + '(the lab only ever sends traffic to this machine).',
    );
  }
  return address;
}

/** Throws unless `port` is 0 (pick a free one) or a valid TCP port. */
export function requirePort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`lab: ${what} ${port} is not a TCP port; use 0 (any free port) or 1-65535.`);
  }
  return port;
}
