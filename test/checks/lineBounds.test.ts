// No parser holds a line longer than MAX_LINE_BYTES: the cut is a warning naming the line, and the
// lines after it are still read, from a spill file (a real 50 MB single line on disk) and from text.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getParser } from '../../src/checks/parsers/index';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/checks/parsers/byteLines';
import { ByteCounts, MAX_KEYS } from '../../src/checks/parsers/bytes';
import { parseSpilledOutput } from '../../src/engine/parseFull';

const HEADER = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port';
const ROW = 'ESTAB  0      0      10.0.0.1:22        10.0.0.9:50000';

describe('lines are bounded at MAX_LINE_BYTES', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-lines-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is 64 KiB', () => {
    assert.equal(MAX_LINE_BYTES, 65536);
  });

  it('a 50 MB single line in a spill file: ss-tan warns about line 2 and counts the 3 rows after it', async function () {
    this.timeout(60_000);
    const file = join(dir, 'one-line.txt');
    const fd = openSync(file, 'w');
    writeSync(fd, `${HEADER}\n`);
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 50; i++) writeSync(fd, block);
    writeSync(fd, `\n${ROW}\n${ROW}\r\n${ROW}`);
    closeSync(fd);
    const result = await parseSpilledOutput({ parse: 'ss-tan', findings: [], spans: {} }, file);
    assert.ok(result);
    assert.equal(result.values.total, 3);
    assert.equal((result.values.states as Record<string, number>).ESTABLISHED, 3);
    assert.ok(
      result.warnings.includes(`line 2 cut at 65536 bytes (it had ${50 * 1024 * 1024}): the rest of that line was not read, the lines after it were`),
      result.warnings.join('\n'),
    );
    assert.ok(
      result.warnings.some((w) => /^line 2: not an ss socket row: x{80}…$/.test(w)),
      'the cut line itself is read (and is no row)',
    );
  });

  it('the same through a string parser (lines) and the regex parser, from the file', async function () {
    this.timeout(60_000);
    const file = join(dir, 'one-line-2.txt');
    const fd = openSync(file, 'w');
    writeSync(fd, 'first\n');
    const block = Buffer.alloc(1024 * 1024, 'y');
    for (let i = 0; i < 50; i++) writeSync(fd, block);
    writeSync(fd, '\nport 22\nport 443\n');
    closeSync(fd);
    const lines = await parseSpilledOutput({ parse: 'lines', findings: [], spans: {}, options: { maxRows: 10 } }, file);
    assert.equal(lines!.values.count, 4);
    assert.equal((lines!.values.lines as string[])[1].length, MAX_LINE_BYTES);
    assert.match(lines!.warnings[0], /^line 2 cut at 65536 bytes/);
    const regex = await parseSpilledOutput({ parse: 'regex', findings: [], spans: {}, options: { pattern: '^port (?<p>\\d+)$', all: true } }, file);
    assert.equal(regex!.values.count, 2);
    assert.deepEqual(
      regex!.values.matches,
      [{ p: 22 }, { p: 443 }].map((m) => Object.assign(Object.create(null), m)),
    );
  });

  it('cuts the same in the whole-text API, also inside a multi-byte character', () => {
    // 65535 ASCII bytes then `é` (2 bytes): the limit falls between its two bytes.
    const long = `${'a'.repeat(MAX_LINE_BYTES - 1)}é and more`;
    const text = `${long}\nsecond\n`;
    const whole = getParser('lines')!.parse(text, {});
    const splitter = new LineSplitter(getParser('lines')!.stream!({}));
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 1000) splitter.write(bytes.subarray(at, Math.min(bytes.length, at + 1000)));
    assert.deepEqual(splitter.end(), whole);
    assert.equal(whole.values.count, 2);
    assert.equal((whole.values.lines as string[])[0], `${'a'.repeat(MAX_LINE_BYTES - 1)}\ufffd`);
    assert.match(whole.warnings[0], /^line 1 cut at 65536 bytes \(it had 65546\)/);
  });

  it('a line of exactly 64 KiB plus its CR is not cut', () => {
    const text = `${'b'.repeat(MAX_LINE_BYTES)}\r\nnext`;
    const whole = getParser('lines')!.parse(text, {});
    assert.deepEqual(whole.warnings, []);
    const splitter = new LineSplitter(getParser('lines')!.stream!({}));
    const bytes = Buffer.from(text);
    splitter.write(bytes.subarray(0, 100));
    splitter.write(bytes.subarray(100, MAX_LINE_BYTES + 1));
    splitter.write(bytes.subarray(MAX_LINE_BYTES + 1));
    assert.deepEqual(splitter.end(), whole);
  });

  it('reports the first 3 cut lines by number and sums the rest', () => {
    const long = 'z'.repeat(MAX_LINE_BYTES + 1);
    const result = getParser('lines')!.parse(Array.from({ length: 6 }, () => long).join('\n'), {});
    assert.equal(result.values.count, 6);
    assert.deepEqual(
      result.warnings.map((w) => w.slice(0, 30)),
      ['line 1 cut at 65536 bytes (it ', 'line 2 cut at 65536 bytes (it ', 'line 3 cut at 65536 bytes (it ', '3 more lines were cut at 65536'],
    );
  });
});

describe('count maps are bounded at MAX_KEYS distinct keys', () => {
  it('ByteCounts keeps `limit` keys, counts the rest as dropped', () => {
    const counts = new ByteCounts(2);
    const key = (s: string) => Buffer.from(s);
    for (const k of ['a', 'b', 'a', 'c', 'd', 'b']) counts.add(key(k), 0, k.length);
    assert.deepEqual(
      [...counts.toMap()],
      [
        ['a', 2],
        ['b', 2],
      ],
    );
    assert.equal(counts.dropped, 2);
    assert.equal(counts.name(-1), '(other)');
  });

  it(`ss-tan with ${MAX_KEYS + 10} distinct peers: every socket in total and states, the peers past the limit named in a warning`, function () {
    this.timeout(60_000);
    const rows = [HEADER];
    for (let i = 0; i < MAX_KEYS + 10; i++) rows.push(`ESTAB 0 0 10.0.0.1:22 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:50000`);
    const { values, warnings } = getParser('ss-tan')!.parse(rows.join('\n'), {});
    assert.equal(values.total, MAX_KEYS + 10);
    assert.equal((values.states as Record<string, number>).ESTABLISHED, MAX_KEYS + 10);
    assert.equal(Object.keys(values.byPeer as object).length, MAX_KEYS);
    assert.deepEqual(warnings, [`more than 250,000 distinct peers: 10 sockets of the others are in total but not listed by peer`]);
  });
});
