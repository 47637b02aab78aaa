// Small reading helpers every parser shares: walking lines without copying the text, reading numbers
// the way the tools print them, and collecting warnings that name the line.

/** Calls `visit` for each line (without `\n` or `\r\n`), 1-based line numbers, without splitting into an array. */
export function forEachLine(text: string, visit: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 1;
  // A final line break does not start another (empty) line, hence `<` and not `<=`.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
    visit(line, lineNumber++);
    start = end + 1;
  }
}

/** Feeds a whole text to a line accumulator, so the whole-text API and streaming agree by construction. */
export function feedLines(text: string, push: (line: string) => void): void {
  forEachLine(text, (line) => push(line));
}

/** `1024` -> 1024, `unlimited`/`infinity` -> Infinity (so `nofile < 4096` works), anything else -> undefined. */
export function readNumber(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const t = token.trim();
  if (t === '') return undefined;
  if (/^(unlimited|infinity)$/i.test(t)) return Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A string that looks like a number becomes one; everything else stays as written. */
export function numberOrString(token: string): number | string {
  const n = readNumber(token);
  return n === undefined ? token : n;
}

/** Keys that would reach an object's prototype if used as plain property names. */
export const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** A map with no prototype, so keys read from output (`constructor`, `__proto__`) are plain data. */
export function newMap<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function increment(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Collects warnings with a cap, so a 1 GB garbage output does not produce a 1 GB warning list. */
export class Warnings {
  readonly list: string[] = [];
  private dropped = 0;
  constructor(private readonly limit = 20) {}
  add(message: string): void {
    if (this.list.length < this.limit) this.list.push(message);
    else this.dropped++;
  }
  /** Like `add`, but the message is made only when it will be kept: a million bad rows cost no million strings. */
  addWith(message: () => string): void {
    if (this.list.length < this.limit) this.list.push(message());
    else this.dropped++;
  }
  done(): string[] {
    return this.dropped > 0 ? [...this.list, `${this.dropped} more warnings like these were left out`] : this.list;
  }
}

/** Shortens a line for a warning message. */
export function clip(line: string, max = 80): string {
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
