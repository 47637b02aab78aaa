// Runs one step script over an SSH connection: on the connection's persistent shell when it has one
// (laneExec.ts), else as its own exec channel (here). Streams output, records exit/signal and timings, and
// on timeout or cancel makes sure the remote process group is gone (ssh signal, then kill over a second channel).
import type { ClientChannel } from 'ssh2';
import { exitStatusOf, type SshConnection } from './connection';
import { PGID_MARKER, killGroupCommand, stepBootstrap } from './bootstrap';
import { hostLabel } from './errors';
import type { Capture, ExecContext } from './execContext';
import { runOnLane } from './laneExec';
import { lanesOf } from './lanes';
import type { ShellLane } from './persistentShell';
import { CapturedStream, DEFAULT_OUTPUT_CAP } from './output';
import type { ExecRequest, ExecResult, Termination } from './types';
import { RunbookError } from '../base/failure';

export type { ExecContext } from './execContext';

const CHANNEL_RETRIES = 20;

export async function execOnConnection(conn: SshConnection, request: ExecRequest, given: ExecContext): Promise<ExecResult> {
  // Own copy: the clock is restarted below when the command starts on the host.
  const ctx: ExecContext = { ...given };
  const host = conn.host.name;
  const cap = request.outputCapBytes ?? DEFAULT_OUTPUT_CAP;
  const stdout = new CapturedStream(cap, request.spillDir, 'stdout', request.onStdout);
  const stderr = new CapturedStream(cap, request.spillDir, 'stderr', request.onStderr);
  const timings: NonNullable<ExecResult['timings']> = { ...ctx.connectTimings };
  const result = (termination: Termination, extra: Partial<ExecResult> = {}): ExecResult => ({
    host,
    startedAt: ctx.startedAt,
    durationMs: performance.now() - ctx.startedMs,
    exitCode: null,
    signal: null,
    termination,
    stdout: stdout.finish(),
    stderr: stderr.finish(),
    timings,
    ...extra,
  });

  try {
    await conn.slots.acquire(request.signal);
  } catch (err) {
    if (request.signal?.aborted) return result('cancelled', { error: new RunbookError('cancelled', `Step on ${host} was cancelled before it started.`) });
    return result('connection-lost', { error: lostError(conn, err) });
  }

  const script = Buffer.from(request.script, 'utf8');
  const channelStart = performance.now();
  const capture: Capture = { stdout, stderr, timings, result };
  const lanes = ctx.persistentShell === false ? undefined : lanesOf(conn, ctx.log, ctx.shellReadyTimeoutMs ?? 15000);
  let lane: ShellLane | undefined;
  try {
    lane = await lanes?.take(request.signal);
  } catch (err) {
    conn.slots.release();
    return refused(conn, request, err, result);
  }
  if (lane && lanes) {
    timings.channelMs = performance.now() - channelStart;
    startClock(ctx);
    try {
      return await runOnLane(conn, lane, script, request, ctx, capture, () => lostError(conn));
    } finally {
      lanes.give(lane);
      conn.slots.release();
    }
  }

  let channel: ClientChannel;
  try {
    channel = await openChannel(conn, stepBootstrap(script.length), request.signal);
  } catch (err) {
    conn.slots.release();
    return refused(conn, request, err, result);
  }
  timings.channelMs = performance.now() - channelStart;
  startClock(ctx);
  return runChannel(conn, channel, script, request, ctx, capture);
}

/**
 * A step's duration starts when its command starts on the host: connecting, the host-key and
 * password prompts and waiting for a session slot are not the command's time (they are in
 * `timings.connectMs`/`authMs`/`channelMs`). A step that never started keeps the earlier clock.
 */
function startClock(ctx: ExecContext): void {
  ctx.startedAt = new Date();
  ctx.startedMs = performance.now();
}

function refused(conn: SshConnection, request: ExecRequest, err: unknown, result: Capture['result']): ExecResult {
  const host = conn.host.name;
  if (request.signal?.aborted) return result('cancelled', { error: new RunbookError('cancelled', `Step on ${host} was cancelled before it started.`) });
  if (!conn.alive) return result('connection-lost', { error: lostError(conn, err) });
  return result('error', {
    error: new RunbookError(
      'channel',
      `${hostLabel(conn.host)} refused a session channel: ${(err as Error).message}.`,
      'The server limits sessions per connection (MaxSessions); lower maxSessionsPerHost or raise MaxSessions on the host.',
      { cause: err },
    ),
  });
}

function runChannel(conn: SshConnection, channel: ClientChannel, script: Buffer, request: ExecRequest, ctx: ExecContext, cap: Capture): Promise<ExecResult> {
  const host = conn.host.name;
  return new Promise<ExecResult>((resolve) => {
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let pgid: number | undefined;
    let stopping: 'timeout' | 'cancelled' | undefined;
    let closed = false;
    let finished = false;
    let channelError: Error | undefined;
    const closeWaiters: Array<() => void> = [];

    const firstByte = () => {
      cap.timings.firstByteMs ??= performance.now() - ctx.startedMs;
    };
    channel.on('data', (chunk: Buffer) => {
      firstByte();
      cap.stdout.push(chunk);
    });
    let preamble: Buffer | undefined = Buffer.alloc(0);
    channel.stderr.on('data', (chunk: Buffer) => {
      if (preamble === undefined) {
        firstByte();
        return cap.stderr.push(chunk);
      }
      // The bootstrap's first stderr line is our process-group marker; anything before it
      // (a noisy shell rc file) is the user's.
      preamble = Buffer.concat([preamble, chunk]);
      const text = preamble.toString('latin1');
      const at = text.indexOf(PGID_MARKER);
      const end = at < 0 ? -1 : text.indexOf('\n', at);
      if (end < 0 && preamble.length < 65536) return;
      const held = preamble;
      preamble = undefined;
      if (end < 0) return cap.stderr.push(held);
      pgid = Number(text.slice(at + PGID_MARKER.length, end));
      if (at > 0) cap.stderr.push(held.subarray(0, at));
      if (end + 1 < held.length) {
        firstByte();
        cap.stderr.push(held.subarray(end + 1));
      }
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      exitCode = code ?? null;
      exitSignal = signal ?? null;
    });
    const early = exitStatusOf(channel);
    if (early) ({ code: exitCode, signal: exitSignal } = early);
    channel.on('error', (err: Error) => {
      channelError = err;
    });
    channel.on('close', () => {
      closed = true;
      for (const w of closeWaiters.splice(0)) w();
      finish();
    });
    const stopWatchingLoss = conn.onLost(() => finish());
    const waitClosed = (ms: number) =>
      new Promise<void>((r) => {
        if (closed) return r();
        const t = setTimeout(r, ms);
        closeWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });

    const stop = async (why: 'timeout' | 'cancelled') => {
      if (stopping || closed) return;
      stopping = why;
      ctx.log(`${why === 'timeout' ? 'timed out' : 'cancelled'} on ${host}: ending process group ${pgid ?? '(not yet known)'}`);
      // Works for non-root users on OpenSSH >= 7.9; root sessions on 7.9-9.7 refuse it (no privsep).
      signalChannel(channel, 'TERM');
      await waitClosed(ctx.killGraceMs);
      if (closed || !conn.alive) return;
      if (pgid !== undefined) {
        await ctx
          .runControlCommand(killGroupCommand(pgid, ctx.killGraceMs))
          .catch((err: unknown) => ctx.log(`could not run the kill command on ${host}: ${(err as Error).message}`));
        await waitClosed(ctx.killGraceMs + 2000);
      }
      if (!closed) {
        ctx.log(`step channel on ${host} did not close after kill; closing it (the remote process may remain)`);
        channel.close();
      }
    };
    const timer = setTimeout(() => void stop('timeout'), request.timeoutMs);
    const onAbort = () => void stop('cancelled');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();

    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      stopWatchingLoss();
      // No marker came (a ForceCommand ran instead of our bootstrap): what was held is the step's stderr.
      if (preamble?.length) cap.stderr.push(preamble);
      preamble = undefined;
      // sshd keeps the session slot until the remote process is gone: free ours only on close.
      if (closed) conn.slots.release();
      const base = { exitCode, signal: exitSignal };
      if (stopping === 'timeout') {
        return resolve(
          cap.result('timeout', {
            ...base,
            error: new RunbookError(
              'timeout',
              `Step on ${host} did not finish within ${request.timeoutMs} ms and was stopped.`,
              "Raise the step's timeout attribute if the command is expected to be slow.",
            ),
          }),
        );
      }
      if (stopping === 'cancelled')
        return resolve(cap.result('cancelled', { ...base, error: new RunbookError('cancelled', `Step on ${host} was cancelled and stopped.`) }));
      if (!closed) return resolve(cap.result('connection-lost', { ...base, error: lostError(conn) }));
      if (exitSignal !== null) return resolve(cap.result('signal', base));
      if (exitCode !== null) return resolve(cap.result('exit', base));
      // Closed without exit status: the server ended the channel (or ssh2 reported an error).
      return resolve(
        cap.result('error', {
          ...base,
          error: new RunbookError(
            'channel',
            `The step channel on ${host} closed without an exit status${channelError ? `: ${channelError.message}` : ''}.`,
            'Check the sshd log on the host.',
          ),
        }),
      );
    }

    // The whole script goes in now; stdin stays open so signal() keeps working.
    channel.write(script);
  });
}

async function openChannel(conn: SshConnection, command: string, signal?: AbortSignal): Promise<ClientChannel> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await conn.exec(command);
    } catch (err) {
      // "open failed" is sshd's MaxSessions back-pressure (a session still draining): wait, then retry.
      const refusal = /open failed|administratively prohibited/i.test((err as Error).message);
      if (!refusal || attempt >= CHANNEL_RETRIES || signal?.aborted || !conn.alive) throw err;
      await new Promise((r) => setTimeout(r, 50 * Math.min(attempt + 1, 5)));
    }
  }
}

function signalChannel(channel: ClientChannel, name: string): void {
  try {
    channel.signal(name);
  } catch {
    // channel already closing
  }
}

function lostError(conn: SshConnection, cause?: unknown): RunbookError {
  const base = conn.lostError ?? (cause instanceof RunbookError ? cause : undefined);
  return new RunbookError(
    base?.kind ?? 'socket',
    `The connection to ${hostLabel(conn.host)} was lost while the step ran${base ? ` (${base.message})` : ''}. The step's outcome is unknown; it was not re-run.`,
    'Check the host, then run the step again if it is safe to repeat.',
    { cause: base ?? cause },
  );
}
