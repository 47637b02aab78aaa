// The language server parses big runbooks in pieces and reuses unchanged pieces: the result must be
// exactly what parsing the whole file gives, before and after edits.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { ChunkedParser } from '../../src/server/chunkedParse';
import { generatedCorpus } from '../runbook/corpus';
import { generateRunbook } from '../../bench/lsp-diagnostics';
import type { Runbook } from '../../src/runbook/model';

function normal(runbook: Runbook): Runbook {
  const diagnostics = [...runbook.diagnostics].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code),
  );
  return { ...runbook, diagnostics };
}

function same(text: string, parser = new ChunkedParser()): void {
  assert.deepEqual(normal(parser.parse(text, 'x.runbook.md')), normal(parseRunbook(text, 'x.runbook.md')));
}

describe('chunked parse (language server)', function () {
  // Parses big generated files; the default 2 s is short on a loaded 2-core machine.
  this.timeout(60_000);
  it('gives the same runbook as a whole parse on the generated corpus, repeated 12 times over', () => {
    for (const [name, text] of Object.entries(generatedCorpus())) {
      // Repeating the sample makes enough steps for the pieces to be used, and duplicate ids across pieces.
      const big = Array.from({ length: 12 }, () => text).join('\n\n');
      try {
        same(big);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message.slice(0, 2000)}`);
      }
    }
  });

  it('stays the same after edits that reuse cached pieces, including one that opens a fence', () => {
    const parser = new ChunkedParser();
    let text = generateRunbook(60);
    same(text, parser);
    text = text.replace('tw > 1010', 'tw > 99');
    same(text, parser);
    text = text.replace('```sh {id=s20', '```sh {id=s3');
    same(text, parser);
    text = text.replace('## Step 40\n', '## Step 40\n\n```text\n');
    same(text, parser);
    text = text.replace('<!-- x', '').replace('## Step 50\n', '## Step 50\n\n<!-- a comment\n\n');
    same(text, parser);
  });
});
