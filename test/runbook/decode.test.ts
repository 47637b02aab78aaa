// Opening bytes as a notebook: invalid UTF-8 and binary data refuse to open with the line and what
// to do; a BOM survives decoding and encoding.

import { strict as assert } from 'node:assert';
import { RunbookOpenError, lineOfInvalidUtf8, readRunbookBytes } from '../../src/runbook/decode';
import { fromNotebook, toNotebook } from '../../src/runbook/cells';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('opening runbook bytes', () => {
  it('refuses bytes that are not UTF-8, naming the line', () => {
    const good = bytes('# T\n\nline 3\n');
    const bad = new Uint8Array([...good, 0x66, 0xff, 0xfe, 0x0a, ...bytes('after\n')]);
    assert.equal(lineOfInvalidUtf8(bad), 4);
    assert.throws(
      () => readRunbookBytes(bad, 'x.runbook.md'),
      (err: unknown) => {
        assert.ok(err instanceof RunbookOpenError);
        assert.equal(err.line, 4);
        assert.match(err.message, /^x\.runbook\.md: line 4 has bytes that are not UTF-8.*convert the file to UTF-8/);
        return true;
      },
    );
  });

  it('refuses NUL bytes instead of returning an empty notebook', () => {
    assert.throws(() => readRunbookBytes(bytes('# T\n\0\n'), 'x.runbook.md'), /line 2: the file contains a NUL byte/);
  });

  it('opens duplicate ids and keeps a BOM through decode and encode', () => {
    const text = '\uFEFF```sh {id=a}\nls\n```\n```sh {id=a}\nls\n```\n';
    const runbook = readRunbookBytes(bytes(text), 'x.runbook.md');
    assert.equal(runbook.bom, true);
    const written = new TextEncoder().encode(fromNotebook(toNotebook(runbook)));
    assert.deepEqual(written, bytes(text));
    assert.deepEqual([...written.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  });
});
