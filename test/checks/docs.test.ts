// docs/FORMAT.md must describe every registered parser and each value it offers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listParsers } from '../../src/checks/evaluate';
import { functionNames } from '../../src/checks/expressionSyntax';
import { allFixtures } from './fixtures';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'FORMAT.md'), 'utf8');

/** Where the next heading of level 2 or 3 starts after `from`. */
function nextHeading(from: number): number {
  const match = /\n#{2,3} /.exec(doc.slice(from));
  return match ? from + match.index : -1;
}

function section(heading: string): string {
  const start = doc.indexOf(`\n### ${heading}`);
  if (start < 0) return '';
  const end = nextHeading(start + 5);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/FORMAT.md: parsers and expressions', () => {
  for (const info of listParsers()) {
    it(`documents ${info.name}: commands, every value, an example`, () => {
      const s = section(`\`${info.name}\``);
      assert.notEqual(s, '', `no "### \`${info.name}\`" section in docs/FORMAT.md`);
      for (const v of info.values) assert.ok(s.includes(`\`${v.name}\``), `${info.name}: value ${v.name} is not documented`);
      assert.ok(s.includes('```'), `${info.name}: no example`);
    });
  }
  it('documents the expression functions and limits', () => {
    const s = section('Expressions');
    for (const f of functionNames) assert.ok(s.includes(`\`${f}(`), `function ${f} is not documented`);
    for (const word of ['contains', 'matches', 'missing', '1000 characters', '32', '10000 steps'])
      assert.ok(s.includes(word), `expressions: "${word}" not documented`);
  });
});

describe('fixtures', () => {
  it('each says where and how it was captured, or which incident quotes it', () => {
    for (const f of allFixtures()) {
      assert.ok(f.meta, `${f.parser}/${f.name} has no .meta.json`);
      if (f.meta.source === 'incident') assert.match(String(f.meta.incident), /^00\d_/);
      else for (const key of ['machine', 'date', 'command', 'condition']) assert.ok(f.meta[key], `${f.parser}/${f.name}: meta.${key}`);
    }
  });
});
