// Turns a runbook file's bytes into text, refusing bytes that are not UTF-8: decoding them would
// replace them with U+FFFD and a save would then destroy the original bytes.

import { parseRunbook } from './parse';
import type { Runbook } from './model';
import { blockingProblem } from './cells';

/** Thrown when a file cannot be opened as a notebook without losing bytes; the message says where and what to do. */
export class RunbookOpenError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'RunbookOpenError';
  }
}

/** Decodes the bytes (BOM kept as `\uFEFF`), parses them, and throws when a faithful round trip is impossible. */
export function readRunbookBytes(bytes: Uint8Array, fileName: string): Runbook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const line = lineOfInvalidUtf8(bytes);
    throw new RunbookOpenError(
      `${fileName}: line ${line} has bytes that are not UTF-8, so it cannot open as a runbook notebook without damaging them. Reopen it with the text editor and convert the file to UTF-8.`,
      line,
    );
  }
  const runbook = parseRunbook(text, fileName);
  const problem = blockingProblem(runbook);
  if (problem) throw new RunbookOpenError(`${fileName}: ${problem.message}. Until then, open it with the text editor.`, problem.range.start.line + 1);
  return runbook;
}

/** 1-based line of the first byte sequence that is not valid UTF-8. */
export function lineOfInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // Binary search the longest valid prefix (cut at line starts, which are never inside a character).
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  let lo = 0;
  let hi = starts.length - 1;
  const valid = (n: number) => {
    const end = n + 1 < starts.length ? starts[n + 1] : bytes.length;
    try {
      decoder.decode(bytes.subarray(0, end));
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (valid(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
