// Parsing an output that was too large to keep in memory: the executor spilled it in full to a
// file; stream that file through the parser's line accumulator, so counts cover every line, not the
// head and tail that stayed in memory. The file is read in large chunks into one reused buffer and
// cut into lines as bytes (no readline, no string per line for the parsers that read bytes), and no
// line is held past MAX_LINE_BYTES, so memory stays flat for any output, a 1 GB single line included.

import fs from 'node:fs';
import { getParser } from '../checks/evaluate';
import type { CheckSpec } from '../checks/spec';
import type { ParseResult } from '../checks/parsers/types';
import { LineSplitter } from '../checks/parsers/byteLines';

/** Beyond this, a parser without a streaming mode (json) is not given the file at all. */
const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

/** Read size: large enough that a read costs nothing per line, small enough to stay in the CPU cache. */
const CHUNK_BYTES = 1024 * 1024;

export async function parseSpilledOutput(spec: CheckSpec, fullPath: string): Promise<ParseResult | undefined> {
  const parser = spec.parse ? getParser(spec.parse) : undefined;
  if (!parser) return undefined;
  const accumulator = parser.stream?.(spec.options ?? {});
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
 * Calls `visit` with each chunk of the file, in order. Two buffers take turns: the next read runs while
 * the current chunk is parsed. A chunk's memory is reused after its call returns.
 */
export async function readChunks(path: string, visit: (chunk: Buffer) => void, chunkBytes = CHUNK_BYTES): Promise<void> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let turn = 0;
    let reading = handle.read(buffers[turn], 0, chunkBytes, null);
    for (;;) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) break;
      turn ^= 1;
      reading = handle.read(buffers[turn], 0, chunkBytes, null);
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
