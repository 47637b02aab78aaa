// Test shorthand: run a registered parser the way evaluateCheck does.
import { getParser } from '../../src/checks/parsers/index';
import type { ParseResult } from '../../src/checks/parsers/types';

// Parser values come in many shapes; tests read them loosely and assert on the numbers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

export function parse(parser: string, text: string, options: Record<string, unknown> = {}): ParseResult & { v: Record<string, Loose> } {
  const p = getParser(parser);
  if (!p) throw new Error(`no parser ${parser}`);
  const result = p.parse(text, options);
  return { ...result, v: result.values as Record<string, Loose> };
}
