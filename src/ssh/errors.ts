// Turns ssh2 and socket errors into RunbookErrors that keep their kind (from ssh2's err.level)
// and say what to do, so the UI can tell an auth problem from a dead host.
import type { HostConfig } from '../hosts/types';
import { RunbookError, type FailureKind } from '../base/failure';

export function hostLabel(host: HostConfig): string {
  return `${host.name} (${host.user}@${host.hostname}:${host.port})`;
}

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

export function fromSsh2Error(err: unknown, host: HostConfig): RunbookError {
  if (err instanceof RunbookError) return err;
  const e = err as Ssh2Error;
  const where = hostLabel(host);
  const text = e?.message ?? String(err);
  const make = (kind: FailureKind, message: string, hint: string) => new RunbookError(kind, message, hint, { cause: err });
  switch (e?.level) {
    case 'client-authentication':
      return make(
        'auth',
        `Could not log in to ${where}: ${text}.`,
        'Check the user name, load the key into ssh-agent (ssh-add), or set IdentityFile for this host.',
      );
    case 'client-timeout':
      if (/keepalive/i.test(text)) {
        return make(
          'keepalive',
          `${where} stopped answering (keepalive timeout); the connection was dropped.`,
          'Check that the host is up and reachable; steps that were running have an unknown outcome.',
        );
      }
      return make('timeout', `Timed out connecting to ${where}: ${text}.`, 'Check the host name, port and firewall, or raise ConnectTimeout.');
    case 'client-dns':
      return make('dns', `Cannot resolve host name ${host.hostname} for ${host.name}: ${text}.`, 'Check the HostName in ssh_config or the inventory.');
    case 'agent':
      return make('auth', `The ssh-agent for ${where} failed: ${text}.`, 'Check that ssh-agent is running and SSH_AUTH_SOCK / IdentityAgent points at it.');
    case 'client-socket':
    case undefined:
      break;
    default:
      return make('socket', `SSH protocol error with ${where}: ${text}.`, 'Check the server log; the server may not support our algorithms.');
  }
  switch (e?.code) {
    case 'ECONNREFUSED':
      return make('socket', `Connection refused by ${where}: nothing listens on port ${host.port}.`, 'Check that sshd runs on the host and the port is right.');
    case 'ECONNRESET':
    case 'EPIPE':
      return make('socket', `Connection to ${where} was reset: ${text}.`, 'The server or a firewall closed it; run the step again.');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('socket', `No route to ${where}: ${text}.`, 'Check the network path (VPN, jump host).');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('dns', `Cannot resolve host name ${host.hostname}: ${text}.`, 'Check the HostName in ssh_config or the inventory.');
  }
  return make('socket', `Connection problem with ${where}: ${text}.`, 'Check that the host is reachable and run the step again.');
}
