import assert from 'node:assert/strict';
import { evaluateCheck, listParsers, valuesOf } from '../../src/checks/evaluate';
import type { CheckSpec, FindingRule } from '../../src/checks/spec';
import { fixture } from './fixtures';

function rule(when: string, severity: FindingRule['severity'], message: string, next?: string, hint?: string): FindingRule {
  return { when, severity, message, next, hint, spans: {} };
}

const conntrack: CheckSpec = {
  parse: 'numbers',
  options: { names: ['count', 'max'] },
  findings: [
    rule('count >= max * 0.9', 'critical', 'conntrack table {{count}}/{{max}}', 'raise-conntrack-max', 'raise net.netfilter.nf_conntrack_max above {{count}}'),
    rule('count >= max * 0.7', 'warning', 'conntrack table filling: {{count}}/{{max}}'),
  ],
  next: 'check-timewait',
  spans: {},
};

describe('evaluateCheck', () => {
  it('raises critical on incident 000 numbers (67549 of 65535) and says why with the numbers', () => {
    const output = fixture('numbers', 'incident-000-nf-conntrack-count.txt') + fixture('numbers', 'incident-000-nf-conntrack-max.txt');
    const outcome = evaluateCheck(conntrack, output, {});
    assert.equal(outcome.findings.length, 2);
    assert.deepEqual(outcome.findings[0], {
      severity: 'critical',
      message: 'conntrack table 67549/65535',
      hint: 'raise net.netfilter.nf_conntrack_max above 67549',
      next: 'raise-conntrack-max',
      rule: 0,
      when: 'count >= max * 0.9',
    });
    assert.equal(outcome.next, 'raise-conntrack-max');
    assert.match(outcome.why, /count >= max \* 0\.9 \(67549 >= 58981\.5\)/);
    assert.deepEqual(outcome.warnings, []);
  });

  it('raises nothing on a healthy host and takes the block next, saying why', () => {
    const outcome = evaluateCheck(conntrack, '1200\n262144\n', {});
    assert.deepEqual(outcome.findings, []);
    assert.equal(outcome.next, 'check-timewait');
    assert.match(outcome.why, /no finding raised: count >= max \* 0\.9 \(1200 >= 235929\.6\)/);
  });

  it('falls back to undefined when neither a raised finding nor the block names a next step', () => {
    const outcome = evaluateCheck({ ...conntrack, next: undefined }, '50000\n65535\n', {});
    assert.equal(outcome.findings.length, 1);
    assert.equal(outcome.findings[0].severity, 'warning');
    assert.equal(outcome.next, undefined);
    assert.match(outcome.why, /1 finding raised, none names a next step; the check names no next step/);
  });

  it('takes the first raised finding that has a next, not the first raised', () => {
    const spec: CheckSpec = {
      parse: 'state-counts',
      findings: [
        rule('states.TIME_WAIT > 10000', 'warning', '{{states.TIME_WAIT}} in TIME_WAIT'),
        rule('states.FIN_WAIT2 > 1000', 'warning', 'FIN_WAIT2 {{states.FIN_WAIT2}}', 'check-fin-timeout'),
        rule('states.SYN_RECV > 100', 'critical', 'SYN_RECV {{states.SYN_RECV}}', 'check-syn-flood'),
      ],
      next: 'end',
      spans: {},
    };
    const before = evaluateCheck(spec, fixture('state-counts', 'incident-001-before.txt'), {});
    assert.deepEqual(
      before.findings.map((f) => f.message),
      ['59157 in TIME_WAIT', 'FIN_WAIT2 1207', 'SYN_RECV 402'],
    );
    assert.equal(before.next, 'check-fin-timeout');
    assert.match(before.why, /states\.FIN_WAIT2 > 1000 \(1207 > 1000\) -> check-fin-timeout/);
    const after = evaluateCheck(spec, fixture('state-counts', 'incident-001-after.txt'), {});
    assert.deepEqual(
      after.findings.map((f) => f.rule),
      [2],
    );
    assert.equal(after.next, 'check-syn-flood');
  });

  it('uses extract, derived values, parameters and earlier values; own values win', () => {
    const spec: CheckSpec = {
      parse: 'ulimit',
      extract: { shownLimit: 'open files\\s+\\(-n\\)\\s+(\\d+)' },
      values: { headroom: 'nofile - established', ratio: 'round(established / nofile, 2)' },
      findings: [
        rule(
          'established > nofile and shownLimit == nofile and params.port == 8848',
          'critical',
          '{{established}} connections but nofile {{nofile}} (ratio {{ratio}}, headroom {{headroom}})',
          'raise-nofile',
        ),
      ],
      spans: {},
    };
    const outcome = evaluateCheck(spec, fixture('ulimit', 'incident-000-centos-1024.txt'), {
      established: 1237,
      nofile: 99999,
      params: { port: 8848 },
      port: 8848,
    });
    assert.equal(outcome.values.shownLimit, 1024);
    assert.equal(outcome.values.headroom, -213);
    assert.equal(outcome.findings[0].message, '1237 connections but nofile 1024 (ratio 1.21, headroom -213)');
    const fixed = evaluateCheck(spec, fixture('ulimit', 'incident-000-centos-4096.txt'), { established: 1237, params: { port: 8848 } });
    assert.deepEqual(fixed.findings, []);
  });

  it('reports bad rules, unknown parsers and missing values as warnings, never throws', () => {
    const spec: CheckSpec = {
      parse: 'no-such-parser',
      values: { broken: 'count >' },
      findings: [rule('count >', 'critical', 'x'), rule('nope > 1', 'warning', 'y'), rule('"text"', 'info', 'z')],
      spans: {},
    };
    const outcome = evaluateCheck(spec, 'whatever', {});
    assert.deepEqual(outcome.findings, []);
    assert.equal(outcome.next, undefined);
    const w = outcome.warnings.join('\n');
    assert.match(w, /unknown parser "no-such-parser": use one of ss-summary, ss-tan/);
    assert.match(w, /value broken: .* \(at character \d+ of `count >`\)/);
    assert.match(w, /finding 2 when `nope > 1`: value nope is missing/);
    assert.match(w, /finding 3 when `"text"` gave "text", not true or false/);
  });

  it('raises on the kernel log: conntrack drops with the suppressed estimate', () => {
    const spec: CheckSpec = {
      parse: 'kernel-log',
      findings: [
        rule(
          'conntrackFull.count > 0',
          'critical',
          'conntrack table full: {{conntrackFull.count}} lines, about {{conntrackDropsEstimate}} drops since {{conntrackFull.first}}',
          'check-conntrack',
        ),
      ],
      spans: {},
    };
    const outcome = evaluateCheck(spec, fixture('kernel-log', 'incident-000-messages.txt'), {});
    assert.equal(outcome.findings[0].message, 'conntrack table full: 10 lines, about 284 drops since Aug 12 01:18:23');
    assert.equal(outcome.next, 'check-conntrack');
  });

  it('offers every parser and its values to the language server', () => {
    assert.ok(listParsers().length >= 18);
    assert.ok(valuesOf('ss-tan').some((v) => v.name === 'listenOverflow'));
    assert.deepEqual(valuesOf('nope'), []);
  });
});
