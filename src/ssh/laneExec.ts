// Runs one step on a persistent shell lane: frames its output, turns its status into exit or signal,
// and on timeout or cancel kills its process group over a control channel, as the per-exec path does.
import { constants } from 'node:os';
import type { SshConnection } from './connection';
import { killGroupCommand } from './bootstrap';
import type { Capture, ExecContext } from './execContext';
import type { LaneOutcome, ShellLane } from './persistentShell';
import type { ExecRequest, ExecResult } from './types';
import { RunbookError } from '../base/failure';

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

export async function runOnLane(
  conn: SshConnection,
  lane: ShellLane,
  script: Buffer,
  request: ExecRequest,
  ctx: ExecContext,
  cap: Capture,
  lostError: () => RunbookError,
): Promise<ExecResult> {
  const host = conn.host.name;
  let pgid: number | undefined;
  let pgidKnown = () => {};
  const pgidReported = new Promise<void>((r) => (pgidKnown = r));
  const firstByte = () => (cap.timings.firstByteMs ??= performance.now() - ctx.startedMs);
  const ended = lane.run(script, {
    stdout: (b) => {
      firstByte();
      cap.stdout.push(b);
    },
    stderr: (b) => {
      firstByte();
      cap.stderr.push(b);
    },
    pgid: (n) => {
      pgid = n;
      pgidKnown();
    },
  });

  let stopping: 'timeout' | 'cancelled' | undefined;
  let lost = false;
  let gaveUp = false;
  let stopLost = () => {};
  const connectionLost = new Promise<'lost'>((r) => (stopLost = conn.onLost(() => r('lost'))));
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'late'>((r) => setTimeout(() => r('late'), ms).unref())]);

  const stop = async (why: 'timeout' | 'cancelled') => {
    if (stopping) return;
    stopping = why;
    // The pid comes first on the step's stderr; a step stopped within a millisecond of its start may not have sent it yet.
    await within(pgidReported, ctx.killGraceMs);
    ctx.log(`${why === 'timeout' ? 'timed out' : 'cancelled'} on ${host}: ending process group ${pgid ?? '(not known)'}`);
    if (pgid !== undefined && conn.alive) {
      await ctx
        .runControlCommand(killGroupCommand(pgid, ctx.killGraceMs))
        .catch((err: unknown) => ctx.log(`could not run the kill command on ${host}: ${(err as Error).message}`));
    }
    if ((await within(ended, ctx.killGraceMs + 2000)) === 'late' && conn.alive) {
      gaveUp = true;
      ctx.log(`persistent shell on ${host} did not report the stopped step's end; closing that shell (the remote process may remain)`);
      lane.close();
    }
  };
  const timer = setTimeout(() => void stop('timeout'), request.timeoutMs);
  const onAbort = () => void stop('cancelled');
  request.signal?.addEventListener('abort', onAbort, { once: true });
  if (request.signal?.aborted) onAbort();

  let outcome: LaneOutcome | 'lost';
  try {
    outcome = await Promise.race([ended, connectionLost]);
    if (outcome === 'lost') lost = true;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    stopLost();
  }
  if (gaveUp) lane.close();
  return describe(outcome, { stopping, lost, host, request, cap, lostError });
}

interface Context {
  stopping?: 'timeout' | 'cancelled';
  lost: boolean;
  host: string;
  request: ExecRequest;
  cap: Capture;
  lostError: () => RunbookError;
}

function describe(outcome: LaneOutcome | 'lost', c: Context): ExecResult {
  const status = typeof outcome === 'object' && outcome.kind === 'ended' ? statusOf(outcome) : { exitCode: null, signal: null };
  if (c.stopping === 'timeout') {
    return c.cap.result('timeout', {
      ...status,
      error: new RunbookError(
        'timeout',
        `Step on ${c.host} did not finish within ${c.request.timeoutMs} ms and was stopped.`,
        "Raise the step's timeout attribute if the command is expected to be slow.",
      ),
    });
  }
  if (c.stopping === 'cancelled')
    return c.cap.result('cancelled', { ...status, error: new RunbookError('cancelled', `Step on ${c.host} was cancelled and stopped.`) });
  if (c.lost) return c.cap.result('connection-lost', { error: c.lostError() });
  if (outcome === 'lost' || outcome.kind === 'lane-closed') {
    return c.cap.result('error', {
      error: new RunbookError(
        'channel',
        `The persistent shell on ${c.host} ended while the step ran, without its exit status.`,
        'Did the step kill its parent shell or the session? Check the sshd log on the host; the next step starts a new shell.',
      ),
    });
  }
  return c.cap.result(status.signal ? 'signal' : 'exit', status);
}

/**
 * The step's shell ran its EXIT trap (X): a normal exit with that code. Without it, a status of 128+n
 * means death by signal n, the way sh reports it (a step that replaced our EXIT trap and exits 130
 * reads as SIGINT: rare, and said in docs/SSH.md).
 */
function statusOf(o: { status: number; exitCode?: number }): { exitCode: number | null; signal: string | null } {
  if (o.exitCode !== undefined) return { exitCode: o.exitCode, signal: null };
  const name = o.status > 128 ? signalNames.get(o.status - 128) : undefined;
  return name ? { exitCode: null, signal: name } : { exitCode: o.status, signal: null };
}
