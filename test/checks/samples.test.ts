// Samples on real captures: a since-boot counter raises a finding by its rate, never by its total;
// the healthy look-alike (old counters that no longer move) raises nothing; one sample is inconclusive.
import { strict as assert } from 'node:assert';
import { evaluateSamples } from '../../src/checks/samples';
import { readCheckSpec } from '../../src/checks/readSpec';
import type { CheckSpec } from '../../src/checks/spec';
import { fixture } from './fixtures';

function spec(yaml: string): CheckSpec {
  const { spec, problems } = readCheckSpec(yaml);
  assert.deepEqual(problems, []);
  return spec!;
}

const overflows = spec(`parse: netstat-s
findings:
  - when: rate.listenOverflows > 1
    severity: critical
    message: "the listen queue overflows {{rate.listenOverflows}} times a second (+{{delta.listenOverflows}} in {{sampleSeconds}} s)"
`);

// Times from the fixtures' .meta.json.
const rising = [
  { text: fixture('netstat-s', 'nstat-az-listen-rising-1.txt'), at: new Date('2026-12-01T08:27:58.000Z') },
  { text: fixture('netstat-s', 'nstat-az-listen-rising-2.txt'), at: new Date('2026-12-01T08:28:03.000Z') },
];
const old = [
  { text: fixture('netstat-s', 'nstat-az-listen-old-1.txt'), at: new Date('2026-12-01T08:28:25.558Z') },
  { text: fixture('netstat-s', 'nstat-az-listen-old-2.txt'), at: new Date('2026-12-01T08:28:30.581Z') },
];

describe('evaluateSamples', () => {
  it('raises on a counter that grows now: 408 -> 480 in 5 s', () => {
    const outcome = evaluateSamples(overflows, rising, {});
    assert.equal(outcome.evidence, 'findings');
    assert.deepEqual(
      outcome.findings.map((f) => f.message),
      ['the listen queue overflows 14.4 times a second (+72 in 5 s)'],
    );
    assert.equal(outcome.values.listenOverflows, 480, 'the values are the last sample');
    assert.equal((outcome.values.delta as Record<string, number>).listenDrops, 72);
  });

  it('look-alike: old since-boot overflows that no longer move raise nothing', () => {
    const outcome = evaluateSamples(overflows, old, {});
    assert.equal(outcome.evidence, 'nothing-found');
    assert.deepEqual(outcome.findings, []);
    assert.equal(outcome.values.listenOverflows, 480, 'a total of 480 alone says nothing');
    assert.equal((outcome.values.rate as Record<string, number>).listenOverflows, 0);
  });

  it('one sample: a rule on rate. is inconclusive and says to sample twice', () => {
    const outcome = evaluateSamples(overflows, [old[1]], {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /compares two samples \(rate.listenOverflows\), but the step ran once/);
    assert.match(outcome.inconclusive!.hint!, /samples=2 interval=5s/);
    assert.equal(outcome.values.delta, undefined);
  });

  it('nested values get nested deltas: rate.states.TIME_WAIT of a server that closes first', () => {
    const s = spec(`parse: ss-tan
values:
  serverClosed: states.TIME_WAIT
findings:
  - when: rate.states.TIME_WAIT > 10
    severity: warning
    message: "{{round(rate.states.TIME_WAIT)}} new TIME_WAIT a second on the server side ({{states.TIME_WAIT}} now)"
`);
    const outcome = evaluateSamples(
      s,
      [
        { text: fixture('ss-tan', 'ss-tan-server-closes-first-1.txt'), at: new Date('2026-12-01T08:39:45.517Z') },
        { text: fixture('ss-tan', 'ss-tan-server-closes-first-2.txt'), at: new Date('2026-12-01T08:39:47.557Z') },
      ],
      {},
    );
    assert.equal(outcome.evidence, 'findings');
    assert.deepEqual(
      outcome.findings.map((f) => f.message),
      ['25 new TIME_WAIT a second on the server side (62 now)'],
    );
    const delta = outcome.values.delta as Record<string, Record<string, number> | number>;
    assert.equal((delta.states as Record<string, number>).TIME_WAIT, 50);
    assert.equal((delta.states as Record<string, number>).LISTEN, 0);
    assert.equal(delta.serverClosed, 50, 'derived values get a delta too');
    assert.equal('rows' in delta, false, 'lists have no delta');
  });

  it('reads sockstat samples: tcp.tw grows on a busy machine', () => {
    const s = spec('parse: sockstat\nfindings:\n  - when: delta.tcp.tw > 0\n    severity: info\n    message: "+{{delta.tcp.tw}} TIME_WAIT"\n');
    const outcome = evaluateSamples(
      s,
      [
        { text: fixture('sockstat', 'sockstat-churn-1.txt'), at: new Date('2026-12-01T08:39:45.517Z') },
        { text: fixture('sockstat', 'sockstat-churn-2.txt'), at: new Date('2026-12-01T08:39:47.557Z') },
      ],
      {},
    );
    assert.deepEqual(
      outcome.findings.map((f) => f.message),
      ['+11 TIME_WAIT'],
    );
  });

  it('a sample the parser did not recognise makes the comparison inconclusive', () => {
    const outcome = evaluateSamples(overflows, [{ text: fixture('sockstat', 'sockstat-idle.txt'), at: rising[0].at }, rising[1]], {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /did not recognise the output/);
  });

  it('an empty last sample evaluates no rule', () => {
    const outcome = evaluateSamples(overflows, [rising[0], { text: '', at: rising[1].at }], {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.deepEqual(outcome.findings, []);
    assert.match(outcome.inconclusive!.reason, /printed nothing/);
  });

  it('samples at the same time: delta but no rate, and the rule says so', () => {
    const outcome = evaluateSamples(overflows, [rising[0], { ...rising[1], at: rising[0].at }], {});
    assert.equal(outcome.evidence, 'inconclusive');
    assert.match(outcome.inconclusive!.reason, /`rate.listenOverflows` could not be computed/);
    assert.ok(outcome.warnings.some((w) => /same time/.test(w)));
  });
});
