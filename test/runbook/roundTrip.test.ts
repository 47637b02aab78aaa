// Byte-identical round trip: print(parse(x)) === x and fromNotebook(toNotebook(parse(x)), x) === x,
// over the bundled runbooks, every CommonMark spec example (bare and wrapped), and a generated corpus.

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/runbook/parse';
import { printRunbook } from '../../src/runbook/print';
import { fromNotebook, toNotebook } from '../../src/runbook/cells';
import { generatedCorpus } from './corpus';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const spec = require('commonmark-spec') as { tests: { markdown: string; example: number; section: string }[] };

function assertRoundTrip(text: string, label: string): void {
  const runbook = parseRunbook(text, label);
  assert.equal(printRunbook(runbook), text, `print(parse) differs for ${label}`);
  assert.equal(fromNotebook(toNotebook(runbook), text), text, `fromNotebook(toNotebook) differs for ${label}`);
  // Without `original`, the model alone must carry everything.
  assert.equal(fromNotebook(JSON.parse(JSON.stringify(toNotebook(runbook)))), text, `notebook JSON round trip differs for ${label}`);
}

describe('round trip', () => {
  it('reproduces every runbook in runbooks/', () => {
    const dir = join(__dirname, '../../runbooks');
    const files = existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.md'))
      : [];
    for (const file of files) assertRoundTrip(readFileSync(join(dir, file), 'utf8'), file);
  });

  it(`reproduces all ${spec.tests.length} CommonMark spec examples, bare and wrapped with front matter and a step`, () => {
    assert.ok(spec.tests.length > 600);
    for (const t of spec.tests) {
      assertRoundTrip(t.markdown, `example ${t.example}`);
      const wrapped = `---\ntitle: Example ${t.example}\n---\n\n\`\`\`sh {id=before}\nuptime\n\`\`\`\n\n${t.markdown}\n\`\`\`sh {id=after}\nss -s\n\`\`\`\n`;
      assertRoundTrip(wrapped, `wrapped example ${t.example}`);
      assertRoundTrip(t.markdown.replace(/\n/g, '\r\n'), `CRLF example ${t.example}`);
    }
  });

  for (const [name, text] of Object.entries(generatedCorpus())) {
    it(`reproduces ${name}`, () => assertRoundTrip(text, name));
  }
});

describe('docs/FORMAT.md', () => {
  it('its complete example parses without diagnostics and round-trips', () => {
    const doc = readFileSync(join(__dirname, '../../docs/FORMAT.md'), 'utf8');
    const example = /`````markdown\n([\s\S]*?)`````\n/.exec(doc)?.[1] ?? '';
    const runbook = parseRunbook(example, 'FORMAT.md example');
    assert.deepEqual(runbook.diagnostics, []);
    assert.deepEqual(
      runbook.steps.map((s) => [s.key, s.outputs.length, !!s.check]),
      [
        ['conntrack', 1, true],
        ['drops', 0, false],
      ],
    );
    assert.equal(runbook.frontMatter?.incident?.id, 'INC-2026-1123');
    assertRoundTrip(example, 'FORMAT.md example');
  });
});
