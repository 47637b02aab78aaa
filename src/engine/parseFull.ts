// Parsing an output that was too large to keep in memory: the executor spilled it in full to a
// file; stream that file line by line through the parser, so counts cover every line, not the
// head and tail that stayed in memory.

import fs from 'node:fs';
import readline from 'node:readline';
import { getParser } from '../checks/evaluate';
import type { CheckSpec } from '../checks/spec';
import type { ParseResult } from '../checks/parsers/types';

/** Beyond this, a parser without a streaming mode reads only what stayed in memory. */
const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

export async function parseSpilledOutput(spec: CheckSpec, fullPath: string): Promise<ParseResult | undefined> {
  const parser = spec.parse ? getParser(spec.parse) : undefined;
  if (!parser) return undefined;
  const accumulator = parser.stream?.(spec.options ?? {});
  if (accumulator) {
    const lines = readline.createInterface({ input: fs.createReadStream(fullPath, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) accumulator.push(line);
    return accumulator.result();
  }
  const { size } = await fs.promises.stat(fullPath);
  if (size > WHOLE_FILE_LIMIT) {
    return {
      values: {},
      warnings: [
        `the output (${Math.round(size / 1048576)} MB) is too large for this parser; only the part kept in memory was read — narrow the command (grep, head) or use a streaming parser (ss-tan, netstat)`,
      ],
    };
  }
  return parser.parse(await fs.promises.readFile(fullPath, 'utf8'), spec.options ?? {});
}
