// Random and truncated input to every parser and to the expression compiler: nothing may throw.
// Seeded, so a failure names its seed and case and reproduces.
import assert from 'node:assert/strict';
import { compileExpression, evaluateExpression } from '../../src/checks/expression';
import { evaluateCheck, getParser, listParsers } from '../../src/checks/evaluate';
import { allFixtures } from './fixtures';
import { LineSplitter } from '../../src/checks/parsers/byteLines';
import { prng } from '../support/prng';

const SEED = 20261123;
const fixtures = allFixtures();
const optionSets: Record<string, unknown>[] = [{}, { names: ['count', 'max'], maxRows: 3 }, { pattern: '(?<n>\\d+)', all: true }, { maxRows: -1, names: 'x' }];

function randomText(rand: () => number): string {
  const kind = rand();
  const length = Math.floor(rand() * 400);
  if (kind < 0.3) return Array.from({ length }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
  if (kind < 0.5) return Array.from({ length }, () => String.fromCharCode(Math.floor(rand() * 0xffff))).join('');
  // Shuffle lines and tokens of real outputs: plausible shapes in implausible places.
  const source = fixtures[Math.floor(rand() * fixtures.length)].text.split('\n');
  return Array.from({ length: Math.floor(rand() * 20) }, () => {
    const line = source[Math.floor(rand() * source.length)] ?? '';
    const tokens = line.split(/(\s+)/);
    if (rand() < 0.5) tokens.sort(() => rand() - 0.5);
    return tokens.join('');
  }).join(rand() < 0.2 ? '\r\n' : '\n');
}

describe('fuzz: parsers never throw', () => {
  for (const info of listParsers()) {
    it(`${info.name}: truncations of every fixture and 300 random inputs`, () => {
      const parser = getParser(info.name)!;
      const rand = prng(SEED ^ (info.name.length * 7919));
      let cases = 0;
      for (const f of fixtures) {
        for (let i = 0; i < 3; i++) {
          const cut = f.text.slice(0, Math.floor(rand() * (f.text.length + 1)));
          const options = optionSets[Math.floor(rand() * optionSets.length)];
          assert.doesNotThrow(() => parser.parse(cut, options), `seed ${SEED} ${info.name} ${f.parser}/${f.name} cut ${cut.length}`);
          cases++;
        }
      }
      for (let i = 0; i < 300; i++) {
        const text = randomText(rand);
        const options = optionSets[i % optionSets.length];
        let result;
        assert.doesNotThrow(() => {
          result = parser.parse(text, options);
        }, `seed ${SEED} ${info.name} case ${i}`);
        // 20 line warnings and a "more" line, plus at most 2 about the whole output and 4 about cut lines.
        assert.ok(result!.warnings.length <= 27, 'warnings are capped');
        cases++;
      }
      if (parser.stream) {
        const acc = parser.stream({});
        for (const line of randomText(rand).split('\n')) acc.push(line);
        assert.doesNotThrow(() => acc.result());
        // Raw bytes (invalid UTF-8, NUL, lone CR) in random chunks through the splitter.
        for (let i = 0; i < 50; i++) {
          const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 600) }, () => (rand() < 0.1 ? 10 : Math.floor(rand() * 256))));
          const splitter = new LineSplitter(parser.stream(optionSets[i % optionSets.length]));
          assert.doesNotThrow(() => {
            for (let at = 0; at < bytes.length;) {
              const next = at + 1 + Math.floor(rand() * 100);
              splitter.write(bytes.subarray(at, next));
              at = next;
            }
            splitter.end();
          }, `seed ${SEED} ${info.name} bytes case ${i}`);
        }
      }
      assert.ok(cases > 300);
    });
  }
});

describe('fuzz: expressions never throw', () => {
  const atoms = [
    'count',
    'max',
    'states',
    '.',
    'TIME_WAIT',
    '[',
    ']',
    '(',
    ')',
    '"x"',
    "'",
    '1',
    '0.9',
    '1e308',
    '-',
    '+',
    '*',
    '/',
    '%',
    '>=',
    '<',
    '==',
    '!',
    'and',
    'or',
    'not',
    'contains',
    'matches',
    'len',
    'max(',
    'exists(',
    ',',
    '?',
    ':',
    'constructor',
    '__proto__',
    'this',
    '=',
    ';',
    '`',
    '\\',
    ' ',
    'sum(',
    '"["',
  ];
  it('3000 random token strings compile or fail cleanly, and evaluate or fail cleanly', () => {
    const rand = prng(SEED);
    const scope = { count: 5, max: 10, states: { TIME_WAIT: 3 }, x: 'text' };
    let compiled = 0;
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(rand() * 30);
      const source = Array.from({ length: n }, () => atoms[Math.floor(rand() * atoms.length)]).join(rand() < 0.5 ? ' ' : '');
      let c: ReturnType<typeof compileExpression> | undefined;
      assert.doesNotThrow(() => {
        c = compileExpression(source);
      }, `seed ${SEED} case ${i}: ${source}`);
      if (c!.ok) {
        compiled++;
        const expression = c!.expression;
        assert.doesNotThrow(() => evaluateExpression(expression, scope), `seed ${SEED} case ${i}: ${source}`);
      } else {
        assert.ok(c!.offset >= 0 && c!.offset <= Math.max(source.length, 1000), `offset within the source: ${source}`);
      }
    }
    assert.ok(compiled > 20, `some random expressions are valid (${compiled})`);
  });

  it('1000 grammar-built expressions compile and evaluate to a result or a clean error', () => {
    const rand = prng(SEED + 2);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const gen = (depth: number): string => {
      if (depth > 4 || rand() < 0.3)
        return pick(['count', 'max', 'states.TIME_WAIT', 'states["CLOSE_WAIT"]', 'missing.x', '1', '0', '2.5', '"a"', 'true', 'x']);
      const r = rand();
      if (r < 0.5)
        return `${gen(depth + 1)} ${pick(['+', '-', '*', '/', '%', '<', '>=', '==', '!=', 'and', 'or', 'contains', 'matches', '&&', '||'])} ${gen(depth + 1)}`;
      if (r < 0.65) return `${pick(['not ', '!', '-'])}(${gen(depth + 1)})`;
      if (r < 0.85) return `${pick(['max', 'min', 'len', 'sum', 'exists', 'abs', 'round'])}(${gen(depth + 1)}, ${gen(depth + 1)})`;
      return `(${gen(depth + 1)} ? ${gen(depth + 1)} : ${gen(depth + 1)})`;
    };
    const scope = { count: 5, max: 10, states: { TIME_WAIT: 3, CLOSE_WAIT: 0 }, x: 'text' };
    for (let i = 0; i < 1000; i++) {
      const source = gen(0);
      const c = compileExpression(source);
      assert.ok(c.ok, `seed ${SEED + 2} case ${i} should compile: ${source}`);
      if (c.ok) assert.doesNotThrow(() => evaluateExpression(c.expression, scope), `seed ${SEED + 2} case ${i}: ${source}`);
    }
  });

  it('evaluateCheck survives random specs on random outputs', () => {
    const rand = prng(SEED + 1);
    const names = listParsers().map((p) => p.name);
    for (let i = 0; i < 300; i++) {
      const outcome = evaluateCheck(
        {
          parse: names[i % names.length],
          extract: { a: rand() < 0.5 ? '(\\d+)' : '(' },
          values: { b: 'a * 2', c: 'nope +' },
          findings: [{ when: rand() < 0.5 ? 'a > 1' : 'total >', severity: 'warning', message: '{{a}} {{b}} {{', next: 'x', spans: {} }],
          spans: {},
        },
        randomText(rand),
        { params: {} },
      );
      assert.ok(typeof outcome.why === 'string' && outcome.why.length > 0);
    }
  });
});
