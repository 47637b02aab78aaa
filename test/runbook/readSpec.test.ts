// Reading a check block's YAML: a valid block becomes a CheckSpec with spans; each mistake is a
// problem whose span covers exactly the offending text.

import { strict as assert } from 'node:assert';
import { readCheckSpec } from '../../src/checks/readSpec';

describe('readCheckSpec', () => {
  it('reads every key with spans into the YAML text', () => {
    const yaml = [
      'parse: numbers',
      'options: {names: [count, max]}',
      'extract:',
      '  drops: "dropped (?<n>\\\\d+)"',
      'values:',
      '  ratio: count / max',
      'findings:',
      '  - when: ratio >= 0.9',
      '    severity: critical',
      '    message: conntrack table {{count}}/{{max}}',
      '    hint: raise net.netfilter.nf_conntrack_max',
      '    next: drops',
      'next: end',
    ].join('\n');
    const { spec, problems } = readCheckSpec(yaml);
    assert.deepEqual(problems, []);
    assert.equal(spec?.parse, 'numbers');
    assert.deepEqual(spec?.options, { names: ['count', 'max'] });
    assert.deepEqual(spec?.extract, { drops: 'dropped (?<n>\\d+)' });
    assert.deepEqual(spec?.values, { ratio: 'count / max' });
    assert.equal(spec?.next, 'end');
    const rule = spec!.findings[0];
    assert.deepEqual([rule.when, rule.severity, rule.next], ['ratio >= 0.9', 'critical', 'drops']);
    const at = (s?: { start: number; end: number }) => (s ? yaml.slice(s.start, s.end) : undefined);
    assert.equal(at(rule.spans.when), 'ratio >= 0.9');
    assert.equal(at(rule.spans.severity), 'critical');
    assert.equal(at(spec!.spans.parse), 'numbers');
    assert.equal(at(spec!.spans.values?.ratio), 'count / max');
  });

  it('reports mistakes with precise spans and keeps the valid rules', () => {
    const yaml =
      'parse: ss-tan\ncolour: red\nextract:\n  bad: "(unclosed"\nfindings:\n  - when: x > 1\n    severity: fatal\n    message: m\n  - severity: info\n  - when: ok\n    severity: warning\n    message: fine\n    extra: 1\n';
    const { spec, problems } = readCheckSpec(yaml);
    const found = problems.map((p) => [p.code, yaml.slice(p.start, p.end).split('\n')[0]]);
    assert.deepEqual(found, [
      ['check-unknown-key', 'colour'],
      ['check-severity', 'fatal'],
      ['check-missing-key', 'severity: info'],
      ['check-missing-key', 'severity: info'],
      ['check-unknown-key', 'extra'],
      ['check-regex', '"(unclosed"'],
    ]);
    assert.deepEqual(
      spec?.findings.map((f) => f.message),
      ['fine'],
    );
  });

  it('reports YAML errors and wrong shapes without throwing', () => {
    assert.equal(readCheckSpec('findings: [unclosed').spec, undefined);
    assert.equal(readCheckSpec('findings: [unclosed').problems[0].code, 'check-yaml');
    assert.equal(readCheckSpec('- a\n- b\n').problems[0].code, 'check-type');
    assert.equal(readCheckSpec('').problems[0].code, 'check-empty');
    assert.equal(readCheckSpec('findings: nope').problems[0].message, '"findings" must be a list of {when, severity, message}');
  });
});
