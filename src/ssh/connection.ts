// One authenticated SSH connection to one host (possibly through a jump host's forwarded stream):
// host key check, login, keepalive, and a record of why it was lost.
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel } from 'ssh2';
import type { HostConfig } from '../hosts/types';
import { authHandler, type AuthAttempts, type CredentialCache } from './auth';
import { fromSsh2Error, hostLabel } from './errors';
import { verifyHostKey } from './hostKeyCheck';
import { SessionSlots } from './sessionSlots';
import { RunbookError } from '../base/failure';
import type { Prompter } from '../base/prompter';

export interface ConnectionOptions {
  prompter: Prompter;
  credentials: CredentialCache;
  /** Used when the host's ServerAliveInterval is 0 (OpenSSH's "off"). */
  keepaliveSeconds: number;
  /** Network time allowed for TCP + handshake + login; time spent waiting for the user does not count. */
  readyTimeoutMs: number;
  maxSessions: number;
  log: (line: string) => void;
  /** A stream forwarded by a jump host, instead of a TCP connection. */
  sock?: Duplex;
}

export class SshConnection {
  readonly slots: SessionSlots;
  alive = true;
  /** Why the connection went away, once it has. */
  lostError?: RunbookError;
  timings = { connectMs: 0, authMs: 0 };
  private readonly lostListeners = new Set<(err: RunbookError) => void>();

  private constructor(
    readonly host: HostConfig,
    readonly client: Client,
    maxSessions: number,
  ) {
    this.slots = new SessionSlots(maxSessions);
  }

  static open(host: HostConfig, options: ConnectionOptions): Promise<SshConnection> {
    const client = new Client();
    const connection = new SshConnection(host, client, options.maxSessions);
    const attempts: AuthAttempts = { tried: [], serverAccepts: [] };
    let refusal: RunbookError | undefined;
    const started = performance.now();
    let handshakeAt = started;

    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      const timer = new PausableTimer(options.readyTimeoutMs, () => {
        fail(
          new RunbookError(
            'timeout',
            `Timed out after ${options.readyTimeoutMs} ms connecting to ${hostLabel(host)} (TCP, SSH handshake and login).`,
            'Check that the host is up and the port is right, or raise ConnectTimeout for this host.',
          ),
        );
        client.destroy();
      });
      const whilePrompting = async <T>(question: Promise<T>): Promise<T> => {
        timer.pause();
        try {
          return await question;
        } finally {
          timer.resume();
        }
      };
      const fail = (err: RunbookError) => {
        if (settled) return;
        settled = true;
        timer.stop();
        reject(err);
      };

      client.on('handshake', () => {
        handshakeAt = performance.now();
        // Small requests (channel open, exec) must not wait for Nagle + delayed ACK (~40 ms each).
        client.setNoDelay(true);
      });
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        timer.stop();
        connection.timings = { connectMs: handshakeAt - started, authMs: performance.now() - handshakeAt };
        options.log(`connected to ${hostLabel(host)} (${attempts.tried.at(-1) ?? 'none'}) in ${Math.round(performance.now() - started)} ms`);
        resolve(connection);
      });
      // An 'error' listener on every client: ssh2 emits socket errors that would otherwise crash the process.
      client.on('error', (err: Error & { level?: string }) => {
        const mapped = refusal ?? (err.level === 'client-authentication' ? authFailure(host, attempts) : fromSsh2Error(err, host));
        if (!settled) return fail(mapped);
        connection.lostError ??= mapped;
      });
      client.on('close', () => {
        connection.alive = false;
        if (!settled)
          return fail(
            refusal ??
              new RunbookError(
                'socket',
                `${hostLabel(host)} closed the connection during login.`,
                'Check the server log (sshd may refuse this user or have MaxStartups reached).',
              ),
          );
        const err =
          connection.lostError ??
          new RunbookError('socket', `The connection to ${hostLabel(host)} was closed.`, 'Run the step again; a new connection is made.');
        connection.lostError = err;
        connection.slots.abandonAll(err);
        for (const listener of connection.lostListeners) listener(err);
      });

      const interval = (host.serverAliveInterval || options.keepaliveSeconds) * 1000;
      client.connect({
        host: host.hostname,
        port: host.port,
        username: host.user,
        sock: options.sock,
        // Our own timer (above) stands in for readyTimeout so prompts do not count against it.
        readyTimeout: 0,
        keepaliveInterval: interval,
        // ssh2 gives up one interval after its count is exceeded; OpenSSH after interval x count.
        keepaliveCountMax: Math.max((host.serverAliveCountMax || 3) - 1, 1),
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey(
            host,
            key,
            { askSecret: (q) => whilePrompting(options.prompter.askSecret(q)), confirm: (q, d) => whilePrompting(options.prompter.confirm(q, d)) },
            options.log,
          ).then(
            () => verify(true),
            (err: unknown) => {
              refusal = err instanceof RunbookError ? err : new RunbookError('internal', `Host key check failed: ${String(err)}`);
              verify(false);
            },
          );
        },
        authHandler: authHandler(host, options.prompter, options.credentials, attempts, whilePrompting),
      });
    });
  }

  /**
   * Opens a session channel running `command` (not counted against slots: callers hold one). A command that
   * ends at once can have its exit status parsed in the same tick as the open reply, before the caller's
   * listener exists: `exitStatusOf(channel)` keeps it.
   */
  exec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(command, (err, channel) => {
          if (err) return reject(err);
          channel.once('exit', (code: number | null, signal?: string) => earlyExits.set(channel, { code: code ?? null, signal: signal ?? null }));
          resolve(channel);
        });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Listens for the loss of this connection; returns the function that stops listening. */
  onLost(listener: (err: RunbookError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  end(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const done = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2000);
      this.client.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      this.client.end();
    });
  }
}

const earlyExits = new WeakMap<ClientChannel, { code: number | null; signal: string | null }>();

/** The exit status the server sent for a channel opened by SshConnection.exec, if it sent one yet. */
export function exitStatusOf(channel: ClientChannel): { code: number | null; signal: string | null } | undefined {
  return earlyExits.get(channel);
}

function authFailure(host: HostConfig, attempts: AuthAttempts): RunbookError {
  const tried = attempts.tried.length ? attempts.tried.join(', ') : 'nothing (no agent, no identity file, no password given)';
  const accepts = attempts.serverAccepts.length ? attempts.serverAccepts.join(', ') : 'unknown';
  return new RunbookError(
    'auth',
    `Could not log in to ${hostLabel(host)}. Tried: ${tried}. The server accepts: ${accepts}.`,
    `Add the key to ssh-agent (ssh-add), set IdentityFile for ${host.name}, or check that your public key is in ~${host.user}/.ssh/authorized_keys on the host.`,
  );
}

/** A timeout that can stop counting while we wait for a person. */
class PausableTimer {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;

  constructor(
    ms: number,
    private readonly fire: () => void,
  ) {
    this.remaining = ms;
    this.resume();
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= performance.now() - this.startedAt;
  }

  resume(): void {
    if (this.timer || this.remaining === Infinity) return;
    this.startedAt = performance.now();
    this.timer = setTimeout(this.fire, Math.max(this.remaining, 0));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining = Infinity;
  }
}
