// Live output for an editor: chunks are batched and flushed at most every `intervalMs`, and only
// the first `capChars` are passed on, so 100,000 lines cannot freeze the UI. The full output stays
// in the engine's result and the record.

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutputThrottleOptions {
  /** Called with the text to append; never more often than once per interval. */
  flush: (text: string) => void;
  intervalMs?: number;
  /** Characters passed on in total; the rest is counted, not shown. */
  capChars?: number;
  timers?: Timers;
}

const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class OutputThrottle {
  private pending = '';
  private timer: unknown;
  private shown = 0;
  private hidden = 0;
  private noticeGiven = false;
  private ended = false;
  private readonly intervalMs: number;
  private readonly capChars: number;
  private readonly timers: Timers;

  constructor(private readonly options: OutputThrottleOptions) {
    this.intervalMs = options.intervalMs ?? 150;
    this.capChars = options.capChars ?? 200_000;
    this.timers = options.timers ?? systemTimers;
  }

  /** Characters not shown because of the cap. */
  get hiddenChars(): number {
    return this.hidden;
  }

  push(chunk: string): void {
    if (this.ended || chunk === '') return;
    const room = this.capChars - this.shown - this.pending.length;
    if (room <= 0) {
      this.hidden += chunk.length;
    } else if (chunk.length > room) {
      this.pending += chunk.slice(0, room);
      this.hidden += chunk.length - room;
    } else {
      this.pending += chunk;
    }
    if (this.timer === undefined) this.timer = this.timers.setTimeout(() => this.flushNow(), this.intervalMs);
  }

  /** Flushes what is pending and stops: later chunks are ignored. */
  end(): void {
    if (this.ended) return;
    this.flushNow();
    this.ended = true;
  }

  private flushNow(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    let text = this.pending;
    this.pending = '';
    this.shown += text.length;
    if (this.hidden > 0 && !this.noticeGiven) {
      this.noticeGiven = true;
      text += `${text === '' || text.endsWith('\n') ? '' : '\n'}… live view stops here (${this.capChars.toLocaleString('en-US')} characters); the full output is shown when the step ends.\n`;
    }
    if (text !== '') this.options.flush(text);
  }
}
