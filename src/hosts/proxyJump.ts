// Parses a ProxyJump value into hops: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated.
import { RunbookError } from '../base/failure';

export interface JumpHop {
  host: string;
  user?: string;
  port?: number;
}

export function parseProxyJump(spec: string, where: string): JumpHop[] {
  return spec.split(',').map((raw) => parseHop(raw.trim(), spec, where));
}

function parseHop(raw: string, spec: string, where: string): JumpHop {
  const bad = () => new RunbookError('config', `${where}: bad ProxyJump hop "${raw}" in "${spec}"`, 'Write hops as [user@]host[:port], separated by commas.');
  let rest = raw.startsWith('ssh://') ? raw.slice(6).replace(/\/$/, '') : raw;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
  } else if (rest.split(':').length === 2) {
    [host] = rest.split(':');
    const p = rest.split(':')[1];
    if (!/^\d+$/.test(p)) throw bad();
    port = Number(p);
  }
  if (host === '' || user === '' || (port !== undefined && (port < 1 || port > 65535))) throw bad();
  return { host, user, port };
}

export function formatHop(hop: JumpHop): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  return `${hop.user !== undefined ? `${hop.user}@` : ''}${host}${hop.port !== undefined ? `:${hop.port}` : ''}`;
}
