// User patterns run on re2js (linear time): the ReDoS cases end at once, unsupported syntax is a clear
// error naming the pattern, and the regex parser matches line by line exactly when that is the same.
import assert from 'node:assert/strict';
import { canSpanLines, compileUserPattern, flagsFromLetters, type UserPatternFlags } from '../../src/checks/userPattern';
import { parse } from './parse';

/** The regex parser's JavaScript-style flag letters. */
function letters(flags: string): UserPatternFlags {
  const read = flagsFromLetters(flags);
  assert.ok(!('unknown' in read), flags);
  return read;
}

describe('compileUserPattern', () => {
  it('runs a catastrophic pattern on a 41-byte line to its end (a backtracking engine takes minutes)', () => {
    const c = compileUserPattern('(a+)+$');
    assert.ok(c.ok);
    assert.equal(c.pattern.regex.test(`${'a'.repeat(40)}!`), false);
    assert.equal(c.pattern.regex.test(`!${'a'.repeat(40)}`), true);
    const anchored = compileUserPattern('^(a+)+$');
    assert.ok(anchored.ok);
    assert.equal(anchored.pattern.regex.test(`${'a'.repeat(40)}!`), false);
    const nested = compileUserPattern('^(a|aa)*c$');
    assert.ok(nested.ok);
    assert.equal(nested.pattern.regex.test('a'.repeat(5000)), false);
  });

  it('names the unsupported construct, where it is, and what to do', () => {
    const cases: [string, RegExp, number][] = [
      ['(a)\\1', /^backreferences \(\\1, \\k<name>\) are not supported: patterns run on a linear-time engine .*rewrite `\\1`/, 3],
      ['(?<w>a)\\k<w>', /^backreferences/, 7],
      ['foo(?=bar)', /^lookahead and lookbehind .* rewrite `\(\?=`/, 3],
      ['(?!x)y', /^lookahead and lookbehind/, 0],
      ['(?<=a)b', /^lookahead and lookbehind .* rewrite `\(\?<=`/, 0],
      ['(?<!a)b', /^lookahead and lookbehind/, 0],
      ['[', /^not a valid regular expression: missing closing \]/, 0],
      ['a\\Z', /^not a pattern RE2 can run: invalid escape sequence: `\\Z` \(syntax: https:\/\/github.com\/google\/re2/, 1],
    ];
    for (const [source, message, offset] of cases) {
      const c = compileUserPattern(source);
      assert.equal(c.ok, false, source);
      if (!c.ok) {
        assert.match(c.message, message, source);
        assert.equal(c.offset, offset, source);
      }
    }
    const flag = flagsFromLetters('iq');
    assert.deepEqual(flag, { unknown: 'q' });
    assert.deepEqual(flagsFromLetters('gimsuy'), { ignoreCase: true, multiline: true, dotAll: true });
  });

  it('takes JavaScript flags and named groups', () => {
    const c = compileUserPattern('open files.*?(?<n>\\d+)', letters('i'));
    assert.ok(c.ok);
    const m = c.pattern.regex.matcher('OPEN FILES (-n) 1024');
    assert.ok(m.find());
    assert.equal(m.group('n'), '1024');
  });

  it('knows from the compiled program whether a match can cross a line break', () => {
    const spans = (source: string, flags = 'm') => {
      const c = compileUserPattern(source, letters(flags));
      assert.ok(c.ok, source);
      assert.equal(c.pattern.lineLocal, !canSpanLines(c.pattern.regex));
      return canSpanLines(c.pattern.regex);
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
    assert.match(warnings[0], /^options\.pattern `\(a\)\\1`: backreferences \(\\1, \\k<name>\) are not supported/);
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
