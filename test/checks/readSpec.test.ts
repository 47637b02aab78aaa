// The finding keys for suspected and confirmed causes (cause, verify, confirms, refutes) and the
// check key `empty:`: read with their spans, mistakes reported where they are written, carried onto Finding.
import { strict as assert } from 'node:assert';
import { readCheckSpec } from '../../src/checks/readSpec';
import { evaluateCheck } from '../../src/checks/evaluate';
import { causeProblems } from '../../src/checks/causes';

function problemsOf(yaml: string): [string, string, string][] {
  return readCheckSpec(yaml).problems.map((p) => [p.code, yaml.slice(p.start, p.end).split('\n')[0], p.message]);
}

describe('readCheckSpec: causes and verification', () => {
  const yaml = `parse: kv
findings:
  - when: tw_after - tw_before >= 5
    severity: critical
    message: capped
    cause: conn-cap
    verify: [capture, server-log]
  - when: fins >= 3
    severity: critical
    message: confirmed
    confirms: conn-cap
  - when: answered > 0
    severity: info
    message: no cap
    refutes: conn-cap
`;

  it('reads the keys with spans, one per verify entry', () => {
    const { spec, problems } = readCheckSpec(yaml);
    assert.deepEqual(problems, []);
    const [suspect, confirm, refute] = spec!.findings;
    assert.equal(suspect.cause, 'conn-cap');
    assert.deepEqual(suspect.verify, ['capture', 'server-log']);
    assert.deepEqual(
      suspect.spans.verifyItems!.map((s) => yaml.slice(s.start, s.end)),
      ['capture', 'server-log'],
    );
    assert.equal(yaml.slice(suspect.spans.cause!.start, suspect.spans.cause!.end), 'conn-cap');
    assert.equal(confirm.confirms, 'conn-cap');
    assert.equal(refute.refutes, 'conn-cap');
  });

  it('carries them onto raised findings', () => {
    const spec = readCheckSpec(yaml).spec!;
    const outcome = evaluateCheck(spec, 'tw_before=0\ntw_after=9\nfins=4\nanswered=0\n', {});
    assert.deepEqual(
      outcome.findings.map((f) => [f.message, f.cause, f.verify, f.confirms, f.refutes]),
      [
        ['capped', 'conn-cap', ['capture', 'server-log'], undefined, undefined],
        ['confirmed', undefined, undefined, 'conn-cap', undefined],
      ],
    );
    // Look-alike: a server that answers and closes first raises the refuting rule only.
    const healthy = evaluateCheck(spec, 'tw_before=0\ntw_after=1\nfins=0\nanswered=40\n', {});
    assert.deepEqual(
      healthy.findings.map((f) => [f.message, f.refutes]),
      [['no cap', 'conn-cap']],
    );
  });

  it('reports bad values where they are written', () => {
    const bad = `findings:
  - when: x > 1
    severity: warning
    message: m
    cause: Conn Cap
    verify: capture
  - when: y > 1
    severity: info
    message: m
    verify: [ok-step, {a: 1}, ok-step]
    confirms: a
    refutes: b
`;
    assert.deepEqual(
      problemsOf(bad).map(([code, at]) => [code, at]),
      [
        ['check-cause', 'Conn Cap'],
        ['check-cause', 'capture'],
        ['check-type', '{a: 1}'],
        ['check-type', 'ok-step'],
        ['check-cause', 'b'],
        ['check-cause', '[ok-step, {a: 1}, ok-step]'],
      ],
    );
    const messages = problemsOf(bad).map(([, , m]) => m);
    assert.match(messages[0], /cause "Conn Cap" is not a cause name: use lowercase words joined by hyphens, e.g. cause: conn-cap/);
    assert.match(messages[1], /verify names steps that check a cause: add `cause: <name>`/);
    assert.match(messages[4], /either confirms or refutes a cause, not both/);
    // The single id form is accepted as a one-step list.
    assert.deepEqual(readCheckSpec(bad).spec!.findings[0].verify, ['capture']);
  });

  it('reads `empty:` and refuses other values', () => {
    assert.equal(readCheckSpec('parse: ss-tan\nempty: nothing-found\n').spec!.empty, 'nothing-found');
    assert.deepEqual(
      problemsOf('parse: ss-tan\nempty: ok\n').map(([code, at]) => [code, at]),
      [['check-type', 'ok']],
    );
  });
});

describe('causeProblems: verify names read-only steps, confirms names a suspected cause', () => {
  const suspect = readCheckSpec(
    'parse: kv\nfindings:\n  - when: a > 1\n    severity: critical\n    message: m\n    cause: conn-cap\n    verify: [capture, raise-limit, nope, per-client]\n',
  ).spec!;
  const capture = readCheckSpec(
    'parse: tcpdump\nfindings:\n  - when: flows > 1\n    severity: info\n    message: m\n    confirms: conn-cap\n  - when: flows > 9\n    severity: info\n    message: m\n    refutes: half-open\n',
  ).spec!;
  const steps = [
    { key: 'per-client', confirm: false, spec: suspect },
    { key: 'capture', confirm: false, spec: capture },
    { key: 'raise-limit', confirm: true },
  ];

  it('points at each bad verify entry and says why', () => {
    const yaml =
      'parse: kv\nfindings:\n  - when: a > 1\n    severity: critical\n    message: m\n    cause: conn-cap\n    verify: [capture, raise-limit, nope, per-client]\n';
    const problems = causeProblems('per-client', suspect, steps);
    assert.deepEqual(
      problems.map((p) => [p.code, yaml.slice(p.start, p.end)]),
      [
        ['verify-changes-host', 'raise-limit'],
        ['unknown-verify-step', 'nope'],
        ['verify-self', 'per-client'],
      ],
    );
    assert.match(problems[1].message, /no step "nope" to verify with; read-only steps here: capture/);
  });

  it('a confirms/refutes of a cause nobody suspects is reported; a suspected one is not', () => {
    const problems = causeProblems('capture', capture, steps);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['unknown-cause'],
    );
    assert.match(problems[0].message, /refutes "half-open", but no finding in this runbook suspects it/);
  });
});
