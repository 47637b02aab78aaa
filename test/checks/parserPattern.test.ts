// User patterns run on re2js (linear time): the ReDoS cases end at once, unsupported syntax is a clear
// error naming the pattern, and the regex parser matches line by line exactly when that is the same.
import assert from 'node:assert/strict';
import { canSpanLines, compileUserPattern } from '../../src/checks/parsers/userPattern';
import { parse } from './parse';

describe('compileUserPattern', () => {
  it('runs a catastrophic pattern on a 41-byte line to its end (a backtracking engine takes minutes)', () => {
    const c = compileUserPattern('(a+)+$');
    assert.ok(c.ok);
    assert.equal(c.regex.test(`${'a'.repeat(40)}!`), false);
    assert.equal(c.regex.test(`!${'a'.repeat(40)}`), true);
    const anchored = compileUserPattern('^(a+)+$');
    assert.ok(anchored.ok);
    assert.equal(anchored.regex.test(`${'a'.repeat(40)}!`), false);
    const nested = compileUserPattern('^(a|aa)*c$');
    assert.ok(nested.ok);
    assert.equal(nested.regex.test('a'.repeat(5000)), false);
  });

  it('names the pattern and the unsupported construct', () => {
    const cases: [string, RegExp][] = [
      ['(a)\\1', /^pattern `\(a\)\\1` uses a backreference .* not supported: patterns run on a linear-time engine/],
      ['(?<w>a)\\k<w>', /uses a backreference/],
      ['foo(?=bar)', /^pattern `foo\(\?=bar\)` uses a lookahead/],
      ['(?!x)y', /uses a lookahead/],
      ['(?<=a)b', /^pattern `\(\?<=a\)b` uses a lookbehind/],
      ['(?<!a)b', /uses a lookbehind/],
      ['[', /^pattern `\[` is not a valid regular expression: missing closing \]/],
    ];
    for (const [source, message] of cases) {
      const c = compileUserPattern(source);
      assert.equal(c.ok, false, source);
      if (!c.ok) assert.match(c.problem, message);
    }
    const flag = compileUserPattern('x', 'q');
    assert.ok(!flag.ok && /unknown flag "q"/.test(flag.problem));
  });

  it('takes JavaScript flags and named groups', () => {
    const c = compileUserPattern('open files.*?(?<n>\\d+)', 'i');
    assert.ok(c.ok);
    const m = c.regex.matcher('OPEN FILES (-n) 1024');
    assert.ok(m.find());
    assert.equal(m.group('n'), '1024');
  });

  it('knows from the compiled program whether a match can cross a line break', () => {
    const spans = (source: string, flags = 'm') => {
      const c = compileUserPattern(source, flags);
      assert.ok(c.ok, source);
      return canSpanLines(c.regex);
    };
    for (const source of ['port (?<p>\\d+)', '^ESTAB.*$', 'a.b', '[a-z]+', '\\bfoo\\b', '(?i)x']) assert.equal(spans(source), false, source);
    for (const source of ['a\\sb', '[^x]', 'foo\\n', '\\Afoo', 'foo\\z', '[\\x00-\\x20]']) assert.equal(spans(source), true, source);
    assert.equal(spans('a.b', 'ms'), true, '`.` with the s flag');
  });
});

describe('regex parser on the linear-time engine', () => {
  it('ends at once on the 41-byte ReDoS line and reports no match', () => {
    const { v, warnings } = parse('regex', `${'a'.repeat(40)}!\n`, { pattern: '^(a+)+$' });
    assert.equal(v.count, 0);
    assert.deepEqual(warnings, ['the pattern did not match']);
  });

  it('gives a parser error naming a pattern it cannot run', () => {
    const { values, warnings } = parse('regex', 'aa\n', { pattern: '(a)\\1' });
    assert.deepEqual(values, {});
    assert.match(warnings[0], /^options\.pattern: pattern `\(a\)\\1` uses a backreference/);
  });

  it('matches a pattern line by line (first match; all matches) and one that spans lines on the text', () => {
    const text = 'x\r\nport 22\nport 443\r\nopen files  (-n)\n 1024\n';
    assert.deepEqual({ ...parse('regex', text, { pattern: 'port (?<p>\\d+)$' }).v }, { p: 22, count: 1 });
    const all = parse('regex', text, { pattern: 'port (?<p>\\d+)$', all: true });
    assert.equal(all.v.count, 2);
    assert.equal(all.v.matches[1].p, 443, '`$` before a CRLF line end');
    assert.equal(parse('regex', text, { pattern: 'open files\\s+\\(-n\\)\\s+(?<nofile>\\d+)' }).v.nofile, 1024, '`\\s+` across the line break');
    assert.equal(parse('regex', 'A=1\n', { pattern: 'a=(\\d)', flags: 'i' }).v.value, 1);
  });
});
