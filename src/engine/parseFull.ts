// Parsing an output that was too large to keep in memory: the executor spilled it in full to a
// file; stream that file through the parser's line accumulator, so counts cover every line, not the
// head and tail that stayed in memory. The file is read in large chunks into one reused buffer and
// cut into lines as bytes (no readline, no string per line for the parsers that read bytes), and no
// line is held past MAX_LINE_BYTES, so memory stays flat for any output, a 1 GB single line included.
// ss / netstat / lsof outputs of the usual shape are counted by the WebAssembly fast path first (parseFast).

import fs from 'node:fs';
import { getParser } from '../checks/evaluate';
import type { CheckSpec } from '../checks/spec';
import { LineSplitter } from '../checks/parsers/byteLines';
import { fastSocketScan, type FastSocketScan } from '../checks/parsers/fast/sockets';
import type { ParseResult, Parser, ParserOptions } from '../checks/parsers/types';

/** Beyond this, a parser without a streaming mode (json) is not given the file at all. */
const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

/** Read size: large enough that a read costs nothing per line, small enough to stay in the CPU cache. */
const CHUNK_BYTES = 1024 * 1024;

export async function parseSpilledOutput(spec: CheckSpec, fullPath: string): Promise<ParseResult | undefined> {
  const parser = spec.parse ? getParser(spec.parse) : undefined;
  if (!parser) return undefined;
  const options = spec.options ?? {};
  const fast = parser.stream ? await parseFast(parser, options, fullPath) : undefined;
  // Declined: the output has a line the fast path does not read; the parser reads all of it below.
  if (fast) return fast;
  const accumulator = parser.stream?.(options);
  if (accumulator) {
    const splitter = new LineSplitter(accumulator);
    await readChunks(fullPath, (chunk) => splitter.write(chunk));
    return splitter.end();
  }
  const { size } = await fs.promises.stat(fullPath);
  if (size > WHOLE_FILE_LIMIT) {
    return {
      values: {},
      warnings: [
        `the output (${Math.round(size / 1048576)} MB) is too large for the ${spec.parse} parser, which reads an output whole: none of it was read — narrow the command (grep, head, jq) or use a line parser`,
      ],
    };
  }
  return parser.parse(await fs.promises.readFile(fullPath, 'utf8'), spec.options ?? {});
}

/**
 * The fast path (checks/parsers/fast/sockets.ts) where the parser has one and the output is all rows of
 * the usual shape; undefined when it declined (the caller then streams the file through the parser).
 * The kept rows are the parser's own, from the lines up to the last of them.
 */
export async function parseFast(parser: Parser, options: ParserOptions, fullPath: string, chunkBytes = CHUNK_BYTES): Promise<ParseResult | undefined> {
  let scan: FastSocketScan | undefined;
  try {
    scan = fastSocketScan(parser.info.name, options, chunkBytes);
  } catch {
    // The module could not be made (no memory for its input area): the parser reads the output.
    return undefined;
  }
  if (!scan) return undefined;
  await scanFile(scan, fullPath, chunkBytes);
  if (scan.declined) return undefined;
  const headEnd = scan.headEnd();
  let rows: unknown[] = [];
  if (scan.keptRows > 0) {
    const splitter = new LineSplitter(parser.stream!(options));
    await readChunks(fullPath, (chunk) => splitter.write(chunk), chunkBytes, headEnd < 0 ? Infinity : headEnd);
    rows = splitter.end().values.rows as unknown[];
  }
  const values = scan.result(rows);
  return values && { values, warnings: [] };
}

/** Reads the file into the scan's own memory, chunk by chunk, until the end or its first decline. */
async function scanFile(scan: FastSocketScan, path: string, chunkBytes: number): Promise<void> {
  const handle = await fs.promises.open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(scan.room(), 0, chunkBytes, null);
      if (bytesRead === 0) break;
      scan.scanned(bytesRead);
      if (scan.declined) return;
    }
    scan.end();
  } finally {
    await handle.close();
  }
}

/**
 * Calls `visit` with each chunk of the file, in order. Two buffers take turns: the next read runs while
 * the current chunk is parsed. A chunk's memory is reused after its call returns.
 */
export async function readChunks(path: string, visit: (chunk: Buffer) => void, chunkBytes = CHUNK_BYTES, limit = Infinity): Promise<void> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let turn = 0;
    let left = limit;
    const next = () => {
      const length = Math.min(chunkBytes, left);
      left -= length;
      return length > 0 ? handle.read(buffers[turn], 0, length, null) : Promise.resolve({ bytesRead: 0, buffer: buffers[turn] });
    };
    let reading = next();
    for (;;) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) break;
      turn ^= 1;
      reading = next();
      try {
        visit(bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead));
      } catch (error) {
        await reading.catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await handle.close();
  }
}
