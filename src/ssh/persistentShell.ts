// One long-lived remote `sh` per lane (session channel), so the login shell and its rc files run once per
// lane instead of once per step. A connection keeps as many lanes as steps ran at once on it; where no lane
// can start (ForceCommand, restricted shell, no setsid), the connection falls back to one exec per step.
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connection';
import { MarkerScanner, type Marker } from './markers';
import { randomBytes } from 'node:crypto';
import { LANE_READY, laneProgram, stepRequest } from './shellLoop';

/** How a step on a lane ended: both streams framed to their end, or the lane went away first. */
export type LaneOutcome = { kind: 'ended'; status: number; exitCode?: number } | { kind: 'lane-closed' };

export interface LaneStepIO {
  stdout: (chunk: Buffer) => void;
  stderr: (chunk: Buffer) => void;
  /** The step's process group, reported before its script runs. */
  pgid: (pgid: number) => void;
}

/** The lane could not start for a reason that will not change on this connection. */
export class LaneUnavailable extends Error {}

interface RunningStep {
  io: LaneStepIO;
  exitCode?: number;
  status?: number;
  /** The step's part of each stream is complete: its shell's `X` or the loop's `E` came on it. */
  stdoutEnded: boolean;
  stderrEnded: boolean;
  /** The loop's `E` came on each stream: nothing of this step can follow, the lane can take the next. */
  stdoutClosed: boolean;
  stderrClosed: boolean;
  /** The outcome was given (at both streams' ends); until both `E`s the lane is draining. */
  resolved: boolean;
  pgidGiven: boolean;
  resolve: (outcome: LaneOutcome) => void;
}

export class ShellLane {
  alive = true;
  private step: RunningStep | undefined;
  /** The pid of the step shell now waiting for a request: it reports it when it starts, before any step. */
  private nextPgid: number | undefined;
  private readonly out: MarkerScanner;
  private readonly err: MarkerScanner;
  private readonly closeListeners = new Set<() => void>();
  /** Steps waiting for the previous step's `E`s (the lane hands them out at its shell's `X`). */
  private readonly drained: Array<() => void> = [];
  private startup: { resolve: () => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly channel: ClientChannel,
    private readonly log: (line: string) => void,
    private readonly host: string,
  ) {
    this.out = new MarkerScanner(
      (b) => this.data('stdout', b),
      (m) => this.marker('stdout', m),
    );
    this.err = new MarkerScanner(
      (b) => this.data('stderr', b),
      (m) => this.marker('stderr', m),
    );
    channel.on('data', (b: Buffer) => this.out.push(b));
    channel.stderr.on('data', (b: Buffer) => this.err.push(b));
    channel.on('error', (e: Error) => log(`persistent shell on ${host}: channel error: ${e.message}`));
    channel.on('close', () => this.closed());
  }

  /** Opens the lane's channel and waits for the loop's READY; rc-file output before it is not a step's. */
  static async start(conn: SshConnection, log: (line: string) => void, readyTimeoutMs: number): Promise<ShellLane> {
    // One random token frames everything on this lane: step output cannot contain it by accident.
    const token = randomBytes(12).toString('hex');
    const program = laneProgram(token);
    const channel = await conn.exec(program.bootstrap);
    const lane = new ShellLane(channel, log, conn.host.name);
    lane.out.expect(token);
    lane.err.expect(token);
    const ready = new Promise<void>((resolve, reject) => (lane.startup = { resolve, reject }));
    const timer = setTimeout(() => {
      lane.startup?.reject(new LaneUnavailable(`no answer within ${readyTimeoutMs} ms`));
      lane.close();
    }, readyTimeoutMs);
    channel.write(program.loop);
    try {
      await ready;
    } finally {
      clearTimeout(timer);
      lane.startup = undefined;
    }
    return lane;
  }

  /** Runs one step; the script goes to the step's own shell (already waiting), not to the loop. */
  async run(script: Buffer, io: LaneStepIO): Promise<LaneOutcome> {
    // The previous step ended at its shell's X; the loop's E (after it ended that step's leftovers) is near.
    while (this.alive && this.step?.resolved) await new Promise<void>((r) => this.drained.push(r));
    if (!this.alive) return { kind: 'lane-closed' };
    if (this.step) throw new Error('lane is busy');
    return new Promise<LaneOutcome>((resolve) => {
      this.step = { io, stdoutEnded: false, stderrEnded: false, stdoutClosed: false, stderrClosed: false, resolved: false, pgidGiven: false, resolve };
      this.channel.write(stepRequest(script));
      if (this.nextPgid !== undefined) this.givePgid(this.step, this.nextPgid);
    });
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    try {
      this.channel.close();
    } catch {
      // already closing
    }
  }

  private data(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const step = this.step;
    // Each stream by its own end: sshd may forward a left-over job's stdout bytes, written after the step's
    // shell exited, ahead of that shell's X on stderr (seen under load); they are not the step's.
    if (step && !(stream === 'stdout' ? step.stdoutEnded : step.stderrEnded)) return step.io[stream](chunk);
    if (step) {
      this.log(
        `persistent shell on ${this.host}: ${chunk.length} bytes on ${stream} after the step's shell exited were dropped (a background job it left; ended now)`,
      );
      return;
    }
    // Between steps only a process that escaped its step's process group (setsid, a daemon) can write.
    if (!this.startup) this.log(`persistent shell on ${this.host}: ${chunk.length} bytes on ${stream} outside any step were dropped`);
  }

  private givePgid(step: RunningStep, pgid: number): void {
    this.nextPgid = undefined;
    step.pgidGiven = true;
    step.io.pgid(pgid);
  }

  private marker(stream: 'stdout' | 'stderr', m: Marker): void {
    // One step shell at a time, and it reports after the previous step's end on the same stream: a pid is
    // the running step's if it has none yet, else the next step's.
    if (m.kind === 'P') {
      if (this.step && !this.step.resolved && !this.step.pgidGiven) return this.givePgid(this.step, Number(m.value));
      this.nextPgid = Number(m.value);
      return;
    }
    if (this.startup) {
      if (m.kind === LANE_READY) return this.startup.resolve();
      if (m.kind === 'NO') return this.startup.reject(new LaneUnavailable(`the host has no ${m.value}`));
      return;
    }
    const step = this.step;
    if (!step || (m.kind !== 'X' && m.kind !== 'E')) return;
    if (m.kind === 'X') step.exitCode ??= Number(m.value);
    else {
      step.status = Number(m.value);
      if (stream === 'stdout') step.stdoutClosed = true;
      else {
        step.stderrClosed = true;
        this.nextPgid = undefined;
      }
    }
    if (stream === 'stdout') step.stdoutEnded = true;
    else step.stderrEnded = true;
    if (!step.resolved && step.stdoutEnded && step.stderrEnded) {
      step.resolved = true;
      // Ended at the shell's X: its code is the status (the loop's E, 128+n, matters only without an X).
      step.resolve({ kind: 'ended', status: step.status ?? step.exitCode ?? 0, exitCode: step.exitCode });
    }
    if (step.stdoutClosed && step.stderrClosed) {
      this.step = undefined;
      for (const wake of this.drained.splice(0)) wake();
    }
  }

  private closed(): void {
    this.alive = false;
    this.startup?.reject(new LaneUnavailable('the session ended before the shell loop answered (ForceCommand or a restricted shell?)'));
    const step = this.step;
    this.step = undefined;
    if (step && !step.resolved) step.resolve({ kind: 'lane-closed' });
    for (const wake of this.drained.splice(0)) wake();
    for (const l of this.closeListeners) l();
  }
}
