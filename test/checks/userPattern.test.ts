// User patterns (extract:, matches) run on RE2: catastrophic patterns end at once, and patterns RE2
// cannot run (backreferences, lookaround) are reported where they are written, in the check block and
// by `runbook check`.
import { strict as assert } from 'node:assert';
import { compileUserPattern } from '../../src/checks/userPattern';
import { compileExpression, evaluateExpression } from '../../src/checks/expression';
import { extractValues } from '../../src/checks/extract';
import { evaluateCheck } from '../../src/checks/evaluate';
import { readCheckSpec } from '../../src/checks/readSpec';
import { parseRunbook } from '../../src/runbook/parse';
import { analyzeRunbook } from '../../src/analysis/analyze';

function run(source: string, scope: Record<string, unknown>) {
  const c = compileExpression(source);
  assert.ok(c.ok, source);
  return evaluateExpression(c.expression, scope);
}

describe('user patterns (RE2)', () => {
  // A backtracking engine needs about 2^n steps for `(a+)+$` on n a's and a mismatch: with n = 5000 it
  // would never end, so these tests finishing at all is the proof (no timing is asserted).
  const hostile = `${'a'.repeat(5000)}!`;

  it('a catastrophic pattern in `matches` ends and answers', () => {
    const r = run('line matches "(a+)+$"', { line: hostile });
    assert.deepEqual(r.ok && r.value, false);
    const r2 = run('line matches "^(a|aa)+!$"', { line: hostile });
    assert.deepEqual(r2.ok && r2.value, true);
  });

  it('a catastrophic pattern in `extract:` ends and reads nothing', () => {
    const out = extractValues(`${hostile}\nload average: 0.52\n`, { bad: '^(a+)+$', load: 'load average: ([0-9.]+)' });
    assert.equal(out.values.bad, undefined);
    assert.equal(out.values.load, 0.52);
    assert.deepEqual(out.warnings, ['extract bad: pattern did not match the output']);
  });

  it('keeps what authors rely on: named and numbered groups, ^ and $ per line', () => {
    const out = extractValues('proc_pid=417\nproc_name=nginx\n', { pid: '^proc_pid=(?<pid>\\d+)$', name: 'proc_name=(\\w+)' });
    assert.deepEqual(out.values, { pid: 417, name: 'nginx' });
    assert.deepEqual(run('name matches "^ngi"', { name: 'nginx' }).ok && true, true);
  });

  it('searches line by line where the pattern cannot cross lines, with the same first match', () => {
    const crlf = 'proc_pid=417\r\nnofile_soft=1024\r\n';
    assert.deepEqual(extractValues(crlf, { soft: '^nofile_soft=(\\d+)$' }).values, { soft: 1024 }, 'CRLF output: $ is the end of the line');
    const anchored = compileUserPattern('^a=(\\d+)$', { multiline: true });
    assert.equal(anchored.ok && anchored.pattern.lineLocal, true);
    // Read from the compiled program: `\S` and `[^\n]` cannot match a line break, `\s` and `[^x]` can.
    for (const p of ['a\\Sb', 'a[^\\n]b', 'a\\x41']) {
      const c = compileUserPattern(p, { multiline: true });
      assert.equal(c.ok && c.pattern.lineLocal, true, p);
    }
    for (const p of ['a\\sb', 'a[^x]b', 'a\\nb', '(?s)a.b', '\\Aa', 'a\\z']) {
      const c = compileUserPattern(p, { multiline: true });
      assert.equal(c.ok && c.pattern.lineLocal, false, p);
    }
    // A pattern that spans lines still works on the whole text.
    assert.deepEqual(extractValues('Max open files\n   1024\n', { n: 'files\\s+(\\d+)' }).values, { n: 1024 });
  });

  it('a pattern that can cross lines looks at the first 8 MB of a huge output, and says so', () => {
    const huge = `${'x'.repeat(9 * 1024 * 1024)}\nload 7\n`;
    const out = extractValues(huge, { load: 'load\\s(\\d+)', line: '^load (\\d+)$' });
    assert.equal(out.values.load, undefined);
    assert.equal(out.values.line, 7, 'line-local patterns read every line');
    assert.deepEqual(out.warnings, [
      'extract load: the pattern can match across lines, so it looked at the first 8 MB of the output only',
      'extract load: pattern did not match the output',
    ]);
  });

  it('refuses backreferences and lookaround with the reason and where', () => {
    const back = compileUserPattern('(\\w+) \\1');
    assert.equal(back.ok, false);
    if (!back.ok) {
      assert.match(back.message, /backreferences .* not supported: patterns run on a linear-time engine/);
      assert.equal(back.offset, 6);
    }
    const look = compileUserPattern('foo(?!bar)');
    assert.equal(look.ok, false);
    if (!look.ok) {
      assert.match(look.message, /lookahead and lookbehind/);
      assert.equal(look.offset, 3);
    }
    const r = run('line matches "(?=x)y"', { line: 'xy' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /cannot be used with matches: lookahead/);
  });

  it('an extract pattern RE2 cannot run is a check diagnostic at the pattern, and a warning at run time', () => {
    const yaml = 'extract:\n  word: (\\w+) \\1\n';
    const { problems } = readCheckSpec(yaml);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'check-regex');
    assert.equal(yaml.slice(problems[0].start, problems[0].start + 2), '\\1');
    assert.match(problems[0].message, /"word" cannot run: backreferences/);
    const spec = readCheckSpec(yaml).spec!;
    const outcome = evaluateCheck(spec, 'hello hello\n', {});
    assert.ok(outcome.warnings.some((w) => /extract word: backreferences/.test(w)));
  });

  it("the regex parser's pattern is checked the same way", () => {
    const yaml = 'parse: regex\noptions:\n  pattern: "(?<word>\\\\w+) \\\\k<word>"\n';
    const { problems } = readCheckSpec(yaml);
    assert.deepEqual(
      problems.map((p) => [p.code, yaml.slice(p.start, p.end)]),
      [['check-regex', '"(?<word>\\\\w+) \\\\k<word>"']],
    );
    assert.match(problems[0].message, /"options.pattern" cannot run: backreferences/);
    assert.deepEqual(readCheckSpec('parse: regex\noptions:\n  pattern: "open files\\\\s+(?<nofile>\\\\d+)"\n').problems, []);
  });

  it('`runbook check` reports a `matches` pattern RE2 cannot run, at the pattern', () => {
    const text =
      '```sh {id=log}\ndmesg\n```\n\n```check\nparse: kernel-log\nfindings:\n  - when: last matches "drop(?!ped)"\n    severity: warning\n    message: m\n```\n';
    const found = analyzeRunbook(parseRunbook(text, 'test.runbook.md')).filter((d) => d.code === 'check-regex');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
    const line = text.split('\n')[found[0].range.start.line];
    assert.equal(line.slice(found[0].range.start.character, found[0].range.start.character + 3), '(?!');
    assert.match(found[0].message, /lookahead and lookbehind/);
  });

  it('a healthy pattern gives no diagnostic', () => {
    const text =
      '```sh {id=log}\ndmesg\n```\n\n```check\nparse: kernel-log\nextract:\n  n: "dropped (\\\\d+)"\nfindings:\n  - when: last matches "^nf_conntrack: table full"\n    severity: warning\n    message: m\n```\n';
    const found = analyzeRunbook(parseRunbook(text, 'test.runbook.md')).filter((d) => d.code === 'check-regex');
    assert.deepEqual(found, []);
  });
});

describe('runbook check on sampled values', () => {
  const check = 'parse: netstat-s\nfindings:\n  - when: rate.listenOverflows > 1\n    severity: warning\n    message: "{{rate.listenOverflows}}/s"\n';
  const diagnosticsOf = (attributes: string) =>
    analyzeRunbook(parseRunbook(`\`\`\`sh {id=counters${attributes}}\nnstat -az\n\`\`\`\n\n\`\`\`check\n${check}\`\`\`\n`, 'test.runbook.md')).filter((d) =>
      ['unknown-value', 'needs-samples'].includes(d.code),
    );

  it('knows delta., rate. and sampleSeconds, and says when the step runs only once', () => {
    const once = diagnosticsOf('');
    assert.deepEqual(
      once.map((d) => d.code),
      ['needs-samples'],
    );
    assert.match(once[0].message, /`rate.listenOverflows` compares samples, but step counters runs its command once: add samples=2 interval=5s/);

    // With samples=2 (read by the runbook format into step.samples) nothing is reported.
    const runbook = parseRunbook(`\`\`\`sh {id=counters}\nnstat -az\n\`\`\`\n\n\`\`\`check\n${check}\`\`\`\n`, 'test.runbook.md');
    (runbook.steps[0] as { samples?: number }).samples = 2;
    assert.deepEqual(
      analyzeRunbook(runbook).filter((d) => ['unknown-value', 'needs-samples'].includes(d.code)),
      [],
    );
  });
});
