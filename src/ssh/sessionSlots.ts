// Counts the session channels open on one connection so we never ask for more than the server's
// MaxSessions; further steps wait in line (first come, first served).
export class SessionSlots {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; abandon: (reason: unknown) => void }> = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  /** Resolves when a slot is ours; rejects if `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        abandon: reject,
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Called only once the channel closed and its exit (or our kill) was seen: sshd holds the slot until then. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.active--;
  }

  /** Fails everyone still waiting (the connection is gone). */
  abandonAll(reason: unknown): void {
    for (const w of this.waiting.splice(0)) w.abandon(reason);
  }
}
