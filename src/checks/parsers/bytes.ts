// Reading fields from the bytes of a line without making strings: the socket parsers (ss, netstat,
// lsof) see millions of rows, and a string per row or per field is most of what they would cost.
import { clip } from './text';

/** Field separators: the ASCII blanks of `\s` (tools pad columns with spaces, some with tabs). */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** `bytes[start, end)` as a count (`0`, `128`), or -1 when it is not all digits or too long to be exact. */
export function digits(bytes: Buffer, start: number, end: number): number {
  if (end === start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** True when `bytes[start, end)` spells `word` (ASCII). */
export function isWord(bytes: Buffer, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** A line for a warning, shortened like `clip`, decoding no more of it than the warning shows. */
export function clipBytes(bytes: Buffer, start: number, end: number): string {
  // 80 UTF-16 units never take more than 320 bytes, so `clip` sees enough to decide.
  return clip(bytes.toString('utf8', start, Math.min(end, start + 320)));
}

/** Distinct keys per count map (see ByteCounts). */
export const MAX_KEYS = 250_000;

// Per process, so output written to collide in the table cannot be prepared in advance.
export const HASH_SEED = (Math.random() * 0x3fffffff) | 0;
/** One step of the key hash (FNV-1a): parsers that scan a key byte by byte hash it on the way. */
export const HASH_PRIME = 0x01000193;
/**
 * Hashes are kept to 30 bits wherever they are stored or passed: V8 holds such a number unboxed (a
 * "small integer"), where a full 32-bit value would cost a heap allocation per call, three per row.
 */
export const HASH_MASK = 0x3fffffff;

/** The hash `ByteCounts` files a key under, before its length is mixed in. */
export function hashBytes(bytes: Buffer, start: number, end: number): number {
  let h = HASH_SEED;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], HASH_PRIME) & HASH_MASK;
  return h & HASH_MASK;
}

/**
 * Counts per key, where a key is a byte range (an address, a command name): a hash table over the key
 * bytes, so a key already seen costs a hash and a compare and no string. Keys keep the order first seen.
 */
export class ByteCounts {
  /** Occurrences of keys not counted by key because `limit` distinct keys were already counted. */
  dropped = 0;
  private keys = new Uint8Array(4096);
  private used = 0;
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private hashes = new Int32Array(64);
  private counts = new Float64Array(64);
  /** Key texts, decoded when first asked for (a key seen once costs no string while the output streams). */
  private names: (string | undefined)[] = [];
  /** Every key byte so far is ASCII: the keys decode as one latin1 text, cut by position. */
  private ascii = true;
  private table = new Int32Array(128);
  private last = -1;
  size = 0;

  /**
   * `limit`: distinct keys kept. A key costs ~70 bytes, so the default holds ~17 MB: a host printing
   * millions of distinct peers (or garbage) must not take the memory; rows past it are still counted
   * everywhere else, and the parser says so.
   */
  constructor(private readonly limit = MAX_KEYS) {}

  /** Counts one occurrence of `bytes[start, end)`; returns the key's index (stable, in order first seen). */
  add(bytes: Buffer, start: number, end: number): number {
    const length = end - start;
    // The previous row's key again (a server's local address, sorted output): no hash needed.
    const last = this.last;
    if (last >= 0 && this.lengths[last] === length && this.same(last, bytes, start, length)) {
      this.counts[last]++;
      return last;
    }
    return this.addHashed(bytes, start, end, hashBytes(bytes, start, end));
  }

  /** Like `add`, with `hash` = `hashBytes(bytes, start, end)` already computed (and masked) while the caller scanned the key. */
  addHashed(bytes: Buffer, start: number, end: number, hash: number): number {
    const length = end - start;
    const h = Math.imul(hash ^ length, HASH_PRIME) & HASH_MASK;
    const mask = this.table.length - 1;
    let slot = h & mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      const index = entry - 1;
      if (this.hashes[index] === h && this.lengths[index] === length && this.same(index, bytes, start, length)) {
        this.counts[index]++;
        this.last = index;
        return index;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.limit) {
      this.dropped++;
      return -1;
    }
    const index = this.insert(bytes, start, end, h);
    this.table[slot] = index + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    this.last = index;
    return index;
  }

  /** The key as text; `(other)` for -1, a key past the limit. */
  name(index: number): string {
    if (index < 0) return '(other)';
    const at = this.starts[index];
    return (this.names[index] ??= Buffer.from(this.keys.buffer, this.keys.byteOffset, this.used).toString('utf8', at, at + this.lengths[index]));
  }

  /**
   * Every key's text, in the order first seen. ASCII keys (addresses, ports, names) are cut from one
   * decoded text: one native call instead of one per key, which is most of what 10,000 peers cost.
   */
  private allNames(): (string | undefined)[] {
    const names = this.names;
    if (!this.ascii) {
      for (let i = 0; i < this.size; i++) if (names[i] === undefined) this.name(i);
      return names;
    }
    const all = Buffer.from(this.keys.buffer, this.keys.byteOffset, this.used).toString('latin1');
    for (let i = 0; i < this.size; i++) names[i] ??= all.slice(this.starts[i], this.starts[i] + this.lengths[i]);
    return names;
  }

  count(index: number): number {
    return this.counts[index];
  }

  /** Key -> count, in the order first seen. Two byte keys that decode alike (invalid UTF-8) add up. */
  toMap(): Map<string, number> {
    const names = this.allNames();
    const out = new Map<string, number>();
    for (let i = 0; i < this.size; i++) out.set(names[i]!, (out.get(names[i]!) ?? 0) + this.counts[i]);
    return out;
  }

  /** The key counted most often (the first one seen of equals), or undefined when there is none. */
  max(): { key: string; count: number } | undefined {
    if (!this.ascii) {
      let best: { key: string; count: number } | undefined;
      for (const [key, count] of this.toMap()) if (!best || count > best.count) best = { key, count };
      return best;
    }
    let at = -1;
    for (let i = 0; i < this.size; i++) if (at < 0 || this.counts[i] > this.counts[at]) at = i;
    return at < 0 ? undefined : { key: this.name(at), count: this.counts[at] };
  }

  /**
   * Copies the counts into `out` (a prototype-less object), adding to what it has. `fresh`: `out` has
   * none of these keys yet, so ASCII keys (distinct texts for distinct bytes) are stored without a read.
   */
  copyTo(out: Record<string, number>, fresh = false): Record<string, number> {
    const names = this.allNames();
    const store = fresh && this.ascii;
    for (let i = 0; i < this.size; i++) out[names[i]!] = store ? this.counts[i] : (out[names[i]!] ?? 0) + this.counts[i];
    return out;
  }

  private same(index: number, bytes: Buffer, start: number, length: number): boolean {
    const keys = this.keys;
    const at = this.starts[index];
    // From the end: addresses and ports of neighbouring rows differ in their last bytes.
    for (let i = length - 1; i >= 0; i--) if (keys[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(bytes: Buffer, start: number, end: number, h: number): number {
    const length = end - start;
    if (this.used + length > this.keys.length) this.keys = grow(this.keys, this.used + length);
    // Byte by byte: a key is a few bytes, and `subarray` would make a Buffer object for each new key.
    const keys = this.keys;
    let ascii = true;
    for (let i = start, at = this.used; i < end; i++, at++) {
      const c = bytes[i];
      keys[at] = c;
      if (c > 127) ascii = false;
    }
    if (!ascii) this.ascii = false;
    const index = this.size++;
    if (index === this.starts.length) {
      this.starts = grow(this.starts, index + 1);
      this.lengths = grow(this.lengths, index + 1);
      this.hashes = grow(this.hashes, index + 1);
      this.counts = grow(this.counts, index + 1);
    }
    this.starts[index] = this.used;
    this.lengths[index] = length;
    this.hashes[index] = h;
    this.counts[index] = 1;
    this.used += length;
    return index;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let index = 0; index < this.size; index++) {
      let slot = this.hashes[index] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = index + 1;
    }
    this.table = table;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  let size = array.length * 2;
  while (size < atLeast) size *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}
