// The persistent shells of one connection: hands an idle lane to each step, starts a new one when all
// are busy, learns the server's MaxSessions from a refusal, and decides once per connection whether
// lanes work at all (else every step there runs as its own exec, as before).
import type { SshConnection } from './connection';
import { LaneUnavailable, ShellLane } from './persistentShell';

export type ShellMode = 'unknown' | 'persistent' | 'exec-per-step';

const REFUSED = /open failed|administratively prohibited/i;
const FIRST_LANE_RETRIES = 20;

export class ShellLanes {
  mode: ShellMode = 'unknown';
  /** Why lanes are not used on this connection, once decided. */
  fallbackReason?: string;
  private readonly idle: ShellLane[] = [];
  private live = 0;
  private limit = Infinity;
  private deciding: Promise<void> | undefined;
  private readonly waiting: Array<(lane: ShellLane | undefined) => void> = [];

  constructor(
    private readonly conn: SshConnection,
    private readonly log: (line: string) => void,
    private readonly readyTimeoutMs: number,
  ) {}

  /** A lane for one step, or undefined when this step should run as its own exec. */
  async take(signal?: AbortSignal): Promise<ShellLane | undefined> {
    for (;;) {
      if (this.mode === 'exec-per-step' || !this.conn.alive) return undefined;
      const lane = this.idle.pop();
      if (lane) {
        if (lane.alive) return lane;
        continue;
      }
      if (this.mode === 'unknown' && this.deciding) {
        await this.deciding;
        continue;
      }
      if (this.live < this.limit) {
        const started = await this.startLane();
        if (started !== 'wait') return started;
      }
      const next = await this.nextGiven(signal);
      if (next) return next;
    }
  }

  /** Back from a step: to the next waiting step, or idle. */
  give(lane: ShellLane): void {
    if (!lane.alive) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter(lane);
    else this.idle.push(lane);
  }

  close(): void {
    for (const lane of this.idle.splice(0)) lane.close();
  }

  private async startLane(): Promise<ShellLane | undefined | 'wait'> {
    this.live++;
    const first = this.mode === 'unknown';
    let settle = () => {};
    if (first) this.deciding = new Promise<void>((r) => (settle = r));
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const lane = await ShellLane.start(this.conn, this.log, this.readyTimeoutMs);
          lane.onClose(() => this.laneGone(lane));
          if (first) {
            this.mode = 'persistent';
            this.log(`persistent shell on ${this.conn.host.name}: started (steps share it; rc files ran once)`);
          }
          return lane;
        } catch (err) {
          if (err instanceof LaneUnavailable) {
            this.live--;
            if (first) this.fallBack(err.message);
            return undefined;
          }
          if (!REFUSED.test((err as Error).message)) throw err;
          // sshd's MaxSessions is below ours: the lanes we have are all it allows; wait for one of them.
          if (this.live > 1) {
            this.live--;
            this.limit = this.live;
            this.log(`persistent shell on ${this.conn.host.name}: the server allows ${this.limit} sessions; further steps wait for a free shell`);
            return 'wait';
          }
          // Not even one: a session of ours is still draining (a control command); retry as exec does.
          if (attempt >= FIRST_LANE_RETRIES || !this.conn.alive) throw err;
          await new Promise((r) => setTimeout(r, 50 * Math.min(attempt + 1, 5)));
        }
      }
    } catch (err) {
      this.live--;
      throw err;
    } finally {
      if (first) {
        this.deciding = undefined;
        settle();
      }
    }
  }

  private fallBack(reason: string): void {
    this.mode = 'exec-per-step';
    this.fallbackReason = reason;
    this.log(`persistent shell on ${this.conn.host.name} is not available (${reason}); each step runs as its own exec on this connection`);
    for (const w of this.waiting.splice(0)) w(undefined);
  }

  private laneGone(lane: ShellLane): void {
    this.live--;
    const at = this.idle.indexOf(lane);
    if (at >= 0) this.idle.splice(at, 1);
    // A waiting step may start a lane of its own now.
    if (this.live < this.limit) this.waiting.shift()?.(undefined);
  }

  private nextGiven(signal?: AbortSignal): Promise<ShellLane | undefined> {
    return new Promise((resolve, reject) => {
      const entry = (lane: ShellLane | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(lane);
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}

const byConnection = new WeakMap<SshConnection, ShellLanes>();

/** The lanes of a connection, created on first use. */
export function lanesOf(conn: SshConnection, log: (line: string) => void, readyTimeoutMs: number): ShellLanes {
  let lanes = byConnection.get(conn);
  if (!lanes) {
    lanes = new ShellLanes(conn, log, readyTimeoutMs);
    byConnection.set(conn, lanes);
  }
  return lanes;
}
