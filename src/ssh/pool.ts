// Keeps one SSH connection per (user, host, port, jump chain), like OpenSSH's ControlMaster, and
// hands out Executors that run steps over it; a lost connection is replaced for the next step only.
import type { HostConfig } from '../hosts/types';
import { CredentialCache } from './auth';
import { SshConnection } from './connection';
import { execOnConnection } from './exec';
import { execWithSudo } from './sudo';
import { fetchOverSftp, type FetchedFile, type FetchRequest } from './fetch';
import type { ExecRequest, ExecResult, Executor } from './types';
import { RunbookError } from '../base/failure';
import type { Prompter } from '../base/prompter';

export interface SshPoolOptions {
  prompter: Prompter;
  /** Session channels per connection; keep at or below the server's MaxSessions (OpenSSH default 10). */
  maxSessionsPerHost?: number;
  /** Keepalive interval used when the host's ServerAliveInterval is 0. Default 15 s. */
  keepaliveSeconds?: number;
  /** Network time for TCP + handshake + login when the host has no ConnectTimeout. Default 20 s. */
  readyTimeoutMs?: number;
  /** Time a step gets after TERM before KILL. Default 2 s. */
  killGraceMs?: number;
  /** Close a connection that ran nothing for this long (like ControlPersist). Default 10 min. */
  idleCloseMs?: number;
  /**
   * Run steps on one long-lived remote `sh` per connection lane (the login shell and its rc files run once per
   * lane, not per step); hosts where it cannot start fall back to one exec per step. Default true.
   */
  persistentShell?: boolean;
  /** How long a new persistent shell gets to start, login shell and rc files included. Default 15 s. */
  shellReadyTimeoutMs?: number;
  /** Diagnostic lines; never contains secrets. */
  log?: (line: string) => void;
}

export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly credentials = new CredentialCache();
  private readonly log: (line: string) => void;

  constructor(private readonly options: SshPoolOptions) {
    this.log = options.log ?? (() => {});
  }

  executor(host: HostConfig): Executor {
    if (host.kind !== 'ssh') throw new RunbookError('config', `Host ${host.name} is not an SSH host (kind ${host.kind}).`, 'Use the local executor for it.');
    return {
      host: host.name,
      exec: (request) => this.exec(host, request),
      fetchFile: (request) => this.fetchFile(host, request),
      // Connections are shared between executors; closeAll() ends them.
      close: async () => {},
    };
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (c) => c.end(),
          () => undefined,
        ),
      ),
    );
  }

  private async exec(host: HostConfig, request: ExecRequest): Promise<ExecResult> {
    if (request.sudo) return execWithSudo((r) => this.execPlain(host, r), request, host.name, host.user);
    return this.execPlain(host, request);
  }

  private async execPlain(host: HostConfig, request: ExecRequest): Promise<ExecResult> {
    const startedAt = new Date();
    const startedMs = performance.now();
    const key = connectionKey(host);
    let conn: SshConnection;
    let fresh = false;
    try {
      ({ conn, fresh } = await this.connection(host));
    } catch (err) {
      const error = err instanceof RunbookError ? err : new RunbookError('internal', String(err), undefined, { cause: err });
      const empty = { text: '', bytes: 0, truncated: false };
      return {
        host: host.name,
        startedAt,
        durationMs: performance.now() - startedMs,
        exitCode: null,
        signal: null,
        termination: 'error',
        stdout: empty,
        stderr: empty,
        error,
      };
    }
    clearTimeout(this.idleTimers.get(key));
    try {
      return await execOnConnection(conn, request, {
        killGraceMs: this.options.killGraceMs ?? 2000,
        runControlCommand: (command) => this.runControlCommand(host, conn, command),
        log: this.log,
        connectTimings: fresh ? conn.timings : undefined,
        persistentShell: this.options.persistentShell,
        shellReadyTimeoutMs: this.options.shellReadyTimeoutMs,
        startedAt,
        startedMs,
      });
    } finally {
      if (conn.alive && conn.slots.inUse === 0) this.scheduleIdleClose(key, conn);
    }
  }

  /** A file for the evidence folder, over SFTP on the step's own pooled connection (one session slot while it reads). */
  private async fetchFile(host: HostConfig, request: FetchRequest): Promise<FetchedFile> {
    const key = connectionKey(host);
    const { conn } = await this.connection(host);
    clearTimeout(this.idleTimers.get(key));
    await conn.slots.acquire();
    try {
      return await fetchOverSftp(conn.client, request);
    } finally {
      conn.slots.release();
      if (conn.alive && conn.slots.inUse === 0) this.scheduleIdleClose(key, conn);
    }
  }

  /** The pooled connection for `host`, opening it (and its jump hosts) when there is none alive. */
  private async connection(host: HostConfig): Promise<{ conn: SshConnection; fresh: boolean }> {
    const key = connectionKey(host);
    const existing = this.connections.get(key);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.alive) return { conn, fresh: false };
      if (this.connections.get(key) === existing) this.connections.delete(key);
      if (conn === undefined && this.connections.has(key)) return this.connection(host);
    }
    const opening = this.open(host);
    this.connections.set(key, opening);
    try {
      const conn = await opening;
      conn.onLost(() => {
        if (this.connections.get(key) === opening) this.connections.delete(key);
      });
      return { conn, fresh: true };
    } catch (err) {
      if (this.connections.get(key) === opening) this.connections.delete(key);
      throw err;
    }
  }

  private async open(host: HostConfig): Promise<SshConnection> {
    const sock = host.proxyJump.length ? await this.forwardThroughJumps(host) : undefined;
    return SshConnection.open(host, {
      prompter: this.options.prompter,
      credentials: this.credentials,
      keepaliveSeconds: this.options.keepaliveSeconds ?? 15,
      readyTimeoutMs: host.connectTimeout ? host.connectTimeout * 1000 : (this.options.readyTimeoutMs ?? 20000),
      maxSessions: this.options.maxSessionsPerHost ?? 10,
      log: this.log,
      sock,
    });
  }

  /** The last jump host forwards a TCP stream to `host`; each hop is a pooled connection verified under its own name. */
  private async forwardThroughJumps(host: HostConfig) {
    const jumps = host.proxyJump;
    const last = { ...jumps[jumps.length - 1]!, proxyJump: jumps.slice(0, -1) };
    const { conn: jump } = await this.connection(last);
    return new Promise<import('ssh2').ClientChannel>((resolve, reject) => {
      jump.client.forwardOut('127.0.0.1', 0, host.hostname, host.port, (err, stream) => {
        if (err) {
          reject(
            new RunbookError(
              'socket',
              `Jump host ${last.name} could not reach ${host.hostname}:${host.port}: ${err.message}.`,
              `Check that ${last.name} allows TCP forwarding (AllowTcpForwarding) and can reach ${host.hostname}.`,
              { cause: err },
            ),
          );
          return;
        }
        stream.on('error', () => {}); // errors surface on the client riding on it
        resolve(stream);
      });
    });
  }

  /** A short command outside the step's session slot: a second channel, or a second connection when the server's sessions are all taken. */
  private async runControlCommand(host: HostConfig, conn: SshConnection, command: string): Promise<void> {
    try {
      await runToEnd(await conn.exec(command));
      return;
    } catch (err) {
      if (!/open failed|administratively prohibited/i.test((err as Error).message)) throw err;
    }
    this.log(`all sessions on ${host.name} are busy; using a second connection to stop the step`);
    const sock = host.proxyJump.length ? await this.forwardThroughJumps(host) : undefined;
    const side = await SshConnection.open(host, {
      prompter: this.options.prompter,
      credentials: this.credentials,
      keepaliveSeconds: this.options.keepaliveSeconds ?? 15,
      readyTimeoutMs: this.options.readyTimeoutMs ?? 20000,
      maxSessions: 1,
      log: this.log,
      sock,
    });
    try {
      await runToEnd(await side.exec(command));
    } finally {
      await side.end();
    }
  }

  private scheduleIdleClose(key: string, conn: SshConnection): void {
    clearTimeout(this.idleTimers.get(key));
    const timer = setTimeout(() => {
      this.idleTimers.delete(key);
      if (conn.slots.inUse > 0) return;
      this.connections.delete(key);
      void conn.end();
    }, this.options.idleCloseMs ?? 600_000);
    timer.unref();
    this.idleTimers.set(key, timer);
  }
}

/** One connection per user, host, port, host key alias and jump chain. */
export function connectionKey(host: HostConfig): string {
  const one = (h: HostConfig) => `${h.user}@${h.hostname}:${h.port}${h.hostKeyAlias ? `(${h.hostKeyAlias})` : ''}`;
  return [...host.proxyJump.map(one), one(host)].join(' > ');
}

function runToEnd(channel: import('ssh2').ClientChannel): Promise<void> {
  return new Promise((resolve) => {
    channel.on('error', () => {});
    channel.resume();
    channel.stderr.resume();
    channel.on('close', () => resolve());
    channel.end();
  });
}
