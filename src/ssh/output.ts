// Captures one output stream of a step: everything up to the cap in memory; beyond it the head and
// tail stay in memory and the whole stream goes to a spill file, so a 1 GB output costs no more memory.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { CapturedOutput } from './types';

export const DEFAULT_OUTPUT_CAP = 1024 * 1024;

export class CapturedStream {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private spillFd: number | undefined;
  private spillPath: string | undefined;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly cap: number,
    private readonly spillDir: string | undefined,
    private readonly label: string,
    private readonly onText?: (chunk: string) => void,
  ) {}

  get bytes(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.onText) {
      // StringDecoder holds back a partial UTF-8 character until its remaining bytes arrive.
      const text = this.decoder.write(chunk);
      if (text) this.onText(text);
    }
    if (this.spillFd === undefined && this.total > this.cap) this.startSpill();
    if (this.spillFd !== undefined) writeAll(this.spillFd, chunk);
    const headRoom = (this.spillFd === undefined ? this.cap : this.cap / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length) this.keepTail(chunk);
  }

  finish(): CapturedOutput {
    if (this.onText) {
      const rest = this.decoder.end();
      if (rest) this.onText(rest);
    }
    if (this.spillFd !== undefined) closeSync(this.spillFd);
    this.spillFd = undefined;
    const head = Buffer.concat(this.head);
    if (!this.spillPath) return { text: Buffer.concat([head, ...this.tail]).toString('utf8'), bytes: this.total, truncated: false };
    const tail = Buffer.concat(this.tail);
    const omitted = this.total - head.length - tail.length;
    return {
      text: `${head.toString('utf8')}\n[… ${omitted} bytes not shown; the full output is in ${this.spillPath} …]\n${dropLeadingContinuation(tail).toString('utf8')}`,
      bytes: this.total,
      truncated: true,
      fullPath: this.spillPath,
    };
  }

  private startSpill(): void {
    const dir = this.spillDir ?? join(tmpdir(), 'runbook-output');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.spillPath = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}-${this.label}.txt`);
    this.spillFd = openSync(this.spillPath, 'w', 0o600);
    // What is already held goes first, so the file has the stream from its first byte.
    for (const b of [...this.head, ...this.tail]) writeAll(this.spillFd, b);
    // From now on the head keeps only half the cap; the rest of what it held moves to the tail.
    const head = Buffer.concat(this.head);
    const keep = Math.floor(this.cap / 2);
    this.head = [head.subarray(0, keep)];
    this.headBytes = Math.min(head.length, keep);
    const moved = head.subarray(keep);
    this.tail = moved.length ? [moved, ...this.tail] : this.tail;
    this.tailBytes += moved.length;
    this.trimTail();
  }

  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    this.trimTail();
  }

  private trimTail(): void {
    const limit = this.spillFd === undefined ? Infinity : this.cap / 2;
    while (this.tailBytes > limit && this.tail.length) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - limit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        // Copy so the big chunk the slice came from can be freed.
        this.tail[0] = Buffer.from(first.subarray(excess));
        this.tailBytes -= excess;
      }
    }
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  for (let offset = 0; offset < chunk.length;) offset += writeSync(fd, chunk, offset);
}

/** The tail may start inside a multi-byte character; skip its continuation bytes. */
function dropLeadingContinuation(buf: Buffer): Buffer {
  let i = 0;
  while (i < buf.length && i < 4 && (buf[i]! & 0xc0) === 0x80) i++;
  return buf.subarray(i);
}
