// Streaming equals the whole-text API: every line parser, fed bytes in chunks of any size (down to one
// byte), from a spill file through parseSpilledOutput, or line by line through `push`, gives exactly
// what `parse(text)` gives, on every captured fixture and on generated inputs (CRLF, no final line
// break, blank lines, multi-byte characters, lines mixed from several tools). Seeded: a failure names
// its seed and case.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getParser, listParsers } from '../../src/checks/parsers/index';
import { LineSplitter } from '../../src/checks/parsers/byteLines';
import type { Parser, ParserOptions } from '../../src/checks/parsers/types';
import { parseSpilledOutput } from '../../src/engine/parseFull';
import { allFixtures } from './fixtures';
import { prng } from '../support/prng';

const SEED = 20261201;
const fixtures = allFixtures();
const streaming = listParsers()
  .map((info) => getParser(info.name)!)
  .filter((p) => p.stream);

/** Options worth trying per parser, besides none. */
const optionsFor: Record<string, ParserOptions[]> = {
  'ss-tan': [{ maxRows: 2 }, { state: 'time-wait' }],
  regex: [{ pattern: '(?<port>\\d+)$', all: true }, { pattern: 'TIME.WAIT\\s+(?<q>\\d+)' }, { pattern: '(?i)estab', all: true, maxRows: 1 }],
  numbers: [{ names: ['count', 'max'] }],
  sysctl: [{ names: ['a', 'b'] }],
};

/** The parse result fed as bytes cut at `cuts` (ascending offsets into `bytes`). */
function fedInChunks(parser: Parser, options: ParserOptions, bytes: Buffer, cuts: number[]) {
  const splitter = new LineSplitter(parser.stream!(options));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  return splitter.end();
}

function randomCuts(rand: () => number, length: number): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (;;) {
    at += 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : 600));
    if (at >= length) return cuts;
    cuts.push(at);
  }
}

/** Lines of several fixtures mixed, with CRLF, blank lines, multi-byte text and an optional final line break. */
function generated(rand: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const lines: string[] = [];
  const n = Math.floor(rand() * 25);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.1) lines.push('');
    else if (r < 0.15) lines.push(pick(['  ', '\t', 'é日本 🚀 café', 'TIME-WAIT 0 0 127.0.0.1:8080 10.0.0.1:5000 users:(("naïve",pid=1,fd=2))', '\r']));
    else {
      const source = pick(fixtures).text.split('\n');
      lines.push(pick(source).replace(/\r$/, ''));
    }
  }
  const crlf = rand() < 0.3;
  const text = lines.join(crlf ? '\r\n' : '\n');
  return rand() < 0.5 ? text : text + (crlf ? '\r\n' : '\n');
}

describe('streaming parsers give the whole-text result', () => {
  it('covers every line parser of the registry (all but json and netstat-s)', () => {
    const names = streaming.map((p) => p.info.name).sort();
    for (const name of ['ss-tan', 'netstat', 'lsof', 'kernel-log', 'lines', 'regex', 'sysctl', 'table', 'tcpdump', 'ulimit']) {
      assert.ok(names.includes(name), `${name} streams`);
    }
  });

  for (const parser of streaming) {
    const name = parser.info.name;
    it(`${name}: every fixture, in chunks down to one byte, and line by line through push`, function () {
      this.timeout(60_000);
      const rand = prng(SEED ^ name.length);
      let cases = 0;
      for (const f of fixtures) {
        for (const options of [{}, ...(optionsFor[name] ?? [])]) {
          const whole = parser.parse(f.text, options);
          const bytes = Buffer.from(f.text, 'utf8');
          const label = `${name} on ${f.parser}/${f.name} ${JSON.stringify(options)}`;
          assert.deepEqual(fedInChunks(parser, options, bytes, randomCuts(rand, bytes.length)), whole, `${label}: random chunks`);
          if (bytes.length <= 20_000) {
            const ones = Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1);
            assert.deepEqual(fedInChunks(parser, options, bytes, ones), whole, `${label}: one byte at a time`);
          }
          const acc = parser.stream!(options);
          const lines = f.text.split('\n');
          if (lines.at(-1) === '') lines.pop();
          for (const line of lines) acc.push(line.replace(/\r$/, ''));
          assert.deepEqual(acc.result(), whole, `${label}: push(line)`);
          cases += 3;
        }
      }
      assert.ok(cases >= fixtures.length * 3);
    });

    it(`${name}: 150 generated inputs, cut at every byte when small`, function () {
      // Thousands of parses (one per cut): bounded, but slow on a shared 2-core machine.
      this.timeout(120_000);
      const rand = prng(SEED + name.length * 31);
      for (let i = 0; i < 150; i++) {
        const text = generated(rand);
        const options = [{}, ...(optionsFor[name] ?? [])][i % (1 + (optionsFor[name]?.length ?? 0))];
        const whole = parser.parse(text, options);
        const bytes = Buffer.from(text, 'utf8');
        const label = `seed ${SEED} ${name} case ${i} ${JSON.stringify(text.slice(0, 120))}`;
        if (bytes.length <= 400) {
          for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(fedInChunks(parser, options, bytes, [cut]), whole, `${label}: cut at ${cut}`);
        } else {
          assert.deepEqual(fedInChunks(parser, options, bytes, randomCuts(rand, bytes.length)), whole, `${label}: random chunks`);
        }
      }
    });
  }
});

describe('parseSpilledOutput reads the spill file to the whole-text result', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-spill-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('for every fixture through its own parser, and a generated mix through every streaming parser', async function () {
    this.timeout(30_000);
    let n = 0;
    for (const f of fixtures) {
      const parser = getParser(f.parser);
      if (!parser) continue;
      const file = join(dir, `${n++}.txt`);
      writeFileSync(file, f.text);
      const spilled = await parseSpilledOutput({ parse: f.parser, findings: [], spans: {} }, file);
      assert.deepEqual(spilled, parser.parse(f.text, {}), `${f.parser}/${f.name}`);
    }
    const rand = prng(SEED + 7);
    const text = Array.from({ length: 40 }, () => generated(rand)).join('\n');
    const file = join(dir, 'mix.txt');
    writeFileSync(file, text);
    for (const parser of streaming) {
      const spilled = await parseSpilledOutput({ parse: parser.info.name, findings: [], spans: {} }, file);
      assert.deepEqual(spilled, parser.parse(text, {}), parser.info.name);
    }
    assert.ok(n > 20);
  });

  it('crosses its 1 MiB read size: 3 MB of ss rows give the same counts as the text', async function () {
    this.timeout(30_000);
    const rows = ['State  Recv-Q Send-Q Local Address:Port Peer Address:Port'];
    for (let i = 0; i < 40_000; i++) rows.push(`TIME-WAIT 0      0      10.0.${i % 7}.1:${1024 + (i % 60000)}   10.1.${(i >> 8) & 255}.${i & 255}:443`);
    const text = rows.join('\r\n');
    const file = join(dir, 'big.txt');
    writeFileSync(file, text);
    const spilled = await parseSpilledOutput({ parse: 'ss-tan', findings: [], spans: {} }, file);
    const whole = getParser('ss-tan')!.parse(text, {});
    assert.deepEqual(spilled, whole);
    assert.equal((spilled!.values.states as Record<string, number>).TIME_WAIT, 40_000);
  });
});
