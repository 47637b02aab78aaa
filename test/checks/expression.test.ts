import assert from 'node:assert/strict';
import { compileExpression, evaluateExpression, type CompiledExpression } from '../../src/checks/expression';
import { formatValue, interpolate, interpolateWithWarnings } from '../../src/checks/interpolate';

function compiled(source: string): CompiledExpression {
  const c = compileExpression(source);
  if (!c.ok) throw new Error(`${source}: ${c.message}`);
  return c.expression;
}
function run(source: string, scope: Record<string, unknown>) {
  return evaluateExpression(compiled(source), scope);
}
function value(source: string, scope: Record<string, unknown> = {}): unknown {
  const r = run(source, scope);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const scope = {
  count: 67549,
  max: 65535,
  nofile: 1024,
  as: Infinity,
  states: { TIME_WAIT: 59157, CLOSE_WAIT: 0 },
  conntrackFull: { count: 10, first: 'Aug 12 01:18:23' },
  sysctl: { 'net.ipv4.tcp_fin_timeout': 3 },
  byPeer: new Map([['10.0.0.9', 4500]]),
  peers: ['10.0.0.1', '10.0.0.2'],
  line: 'nf_conntrack: table full, dropping packet',
  params: { port: 2181 },
};

describe('expressions', () => {
  it('computes arithmetic, comparison and logic in both spellings', () => {
    assert.equal(value('count >= max * 0.9', scope), true);
    assert.equal(value('(count - max) % 1000 + 1', scope), 15);
    assert.equal(value('states.TIME_WAIT > 1000 and not (states.CLOSE_WAIT > 0)', scope), true);
    assert.equal(value('states.TIME_WAIT > 1000 && !(states.CLOSE_WAIT > 0) || false', scope), true);
    assert.equal(value('nofile < 4096 or count < 1', scope), true);
    assert.equal(value('as > 1e9', scope), true, 'unlimited (Infinity) is above any number');
    assert.equal(value('count == 67549 and conntrackFull.first == "Aug 12 01:18:23"', scope), true);
  });

  it('reads dotted, bracketed and map values', () => {
    assert.equal(value('sysctl["net.ipv4.tcp_fin_timeout"]', scope), 3);
    assert.equal(value("states['TIME_WAIT']", scope), 59157);
    assert.equal(value('byPeer["10.0.0.9"]', scope), 4500);
    assert.equal(value('params.port', scope), 2181);
    assert.equal(value('peers[1]', scope), '10.0.0.2');
  });

  it('has contains, matches and the safe functions', () => {
    assert.equal(value('line contains "table full"', scope), true);
    assert.equal(value('line matches "^nf_conntrack: .*dropping"', scope), true);
    assert.equal(value('peers contains "10.0.0.2"', scope), true);
    assert.equal(value('states contains "TIME_WAIT"', scope), true);
    assert.equal(value('max(states)', scope), 59157);
    assert.equal(value('min(count, max, nofile)', scope), 1024);
    assert.equal(value('sum(states)', scope), 59157);
    assert.equal(value('len(peers) + len(line)', scope), 2 + 41);
    assert.equal(value('exists(conntrackFull.count) and not exists(nope.deeper)', scope), true);
    assert.equal(value('round(count / max * 100, 1)', scope), 103.1);
  });

  it('treats a missing value as unknown: comparisons undefined, a warning and the path, no exception', () => {
    const r = run('states.SYN_RECV > 100', scope);
    assert.deepEqual(r, { ok: true, value: undefined, warnings: ['value states.SYN_RECV is missing'], missing: ['states.SYN_RECV'] });
    const deep = run('nope.deeper.still + 1 > 0', scope);
    assert.equal(deep.ok && deep.value, undefined);
    assert.deepEqual(deep.ok && deep.missing, ['nope']);
    // Unknown stays unknown through `not`: a missing value never makes a negated rule true.
    assert.equal(value('not (states.SYN_RECV > 100)', scope), undefined);
    assert.equal(value('nope == "none"', scope), undefined);
    // ...but a decided side decides: false and unknown is false, true or unknown is true.
    assert.equal(value('count < 0 and nope > 1', scope), false);
    assert.equal(value('count > 0 or nope > 1', scope), true);
    assert.equal(run('missing and true', scope).ok && (run('missing and true', scope) as { value: unknown }).value, undefined);
    assert.equal(value('exists(missing)', scope), false, 'exists() is the way to ask, without a warning');
    assert.deepEqual((run('exists(missing)', scope) as { warnings: string[] }).warnings, []);
  });

  it('lists the values an expression reads', () => {
    const c = compileExpression('count >= max * 0.9 and sysctl["net.ipv4.tcp_fin_timeout"] < states.TIME_WAIT');
    assert.ok(c.ok);
    assert.deepEqual(new Set(c.identifiers), new Set(['count', 'max', 'sysctl', 'sysctl["net.ipv4.tcp_fin_timeout"]', 'states', 'states.TIME_WAIT']));
  });

  it('reports syntax errors with the offset', () => {
    const c = compileExpression('count >= ');
    assert.equal(c.ok, false);
    const bad = compileExpression('count >> 2');
    assert.deepEqual(bad, { ok: false, message: 'operator `>>` is not supported', offset: 6 });
    const unknown = compileExpression('eval("1")');
    assert.equal(!unknown.ok && unknown.message.startsWith('unknown function `eval`'), true);
  });
});

describe('hostile expressions', () => {
  const hostile: [string, RegExp][] = [
    ['constructor.constructor("process.exit(1)")()', /`constructor` cannot be used/],
    ['count.constructor.constructor("return process")()', /`constructor` cannot be read/],
    ['__proto__', /`__proto__` cannot be used/],
    ['states.__proto__.polluted', /`__proto__` cannot be read/],
    ['states["__proto__"]', /`__proto__` cannot be read/],
    ['states["prototype"]', /`prototype` cannot be read/],
    ['this', /`this` is not available/],
    ['this.process', /`this` is not available/],
    ['count = 1', /Unexpected "="/],
    ['a; b', /one expression only/],
    ['[1, 2]', /list literals are not supported/],
    ['1e400 > 0', /too large/],
    ['('.repeat(10_000) + '1' + ')'.repeat(10_000), /longer than 1000 characters/],
    ['('.repeat(100) + '1' + ')'.repeat(100), /nest deeper than 32/],
    ['x'.repeat(100_000), /longer than 1000 characters/],
    ['typeof count', /./],
    ['count ** 2', /`\*\*` is not supported/],
  ];
  for (const [source, message] of hostile) {
    it(`rejects ${JSON.stringify(source.slice(0, 50))}`, () => {
      const c = compileExpression(source);
      assert.equal(c.ok, false);
      if (!c.ok) assert.match(c.message, message);
    });
  }

  it('does not reach prototypes or functions through computed keys at run time', () => {
    let called = false;
    const trap = {
      fn: () => {
        called = true;
        return 1;
      },
      get getter() {
        called = true;
        return 1;
      },
    };
    const r1 = run('states[("__pro" + "to__")]', scope);
    assert.deepEqual(r1, { ok: false, message: '`__proto__` cannot be read' });
    const r2 = run('trap.fn', { trap });
    assert.equal(r2.ok && r2.value, undefined);
    const r3 = run('trap.getter', { trap });
    assert.equal(r3.ok && r3.value, undefined, 'getters are not data');
    assert.equal(called, false);
    const r4 = run('count.toString', scope);
    assert.equal(r4.ok && r4.value, undefined);
    const r5 = run('hasOwnProperty', scope);
    assert.equal(r5.ok && r5.value, undefined, 'inherited names are not values');
    const r6 = run('states["constr" + "uctor"]', scope);
    assert.equal(r6.ok, false);
  });

  it('stops after the step limit', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => i);
    const r = run('sum(big) > 0', { big });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /more than 10000 steps/);
  });

  it('reports a bad regular expression in `matches` as an error', () => {
    const r = run('line matches "("', scope);
    assert.equal(r.ok, false);
  });
});

describe('interpolation', () => {
  it('fills values into messages, readably', () => {
    assert.equal(interpolate('conntrack table {{count}}/{{max}} ({{round(count / max * 100)}}%)', scope), 'conntrack table 67549/65535 (103%)');
    assert.equal(interpolate('{{states.TIME_WAIT}} in TIME_WAIT, limit {{as}}', scope), '59157 in TIME_WAIT, limit unlimited');
    assert.equal(formatValue(123456789), '123,456,789');
    assert.equal(formatValue(2 / 3), '0.67');
  });
  it('says "unknown" for a missing value and warns; never a raw placeholder', () => {
    const r = interpolateWithWarnings('peer {{maxPeer.address}} has {{count}}', scope);
    assert.equal(r.text, 'peer unknown has 67549');
    assert.deepEqual(r.warnings, ['value maxPeer.address is missing in the message']);
    assert.equal(interpolate('{{constructor}}', scope), 'unknown');
    assert.equal(interpolate('{{count +}}', scope), 'unknown');
  });
  it('says "none" for an absent optional value, without a warning', () => {
    const r = interpolateWithWarnings('last: {{conntrackFull.last?}}; count {{ count? }}', scope);
    assert.equal(r.text, 'last: none; count 67549');
    assert.deepEqual(r.warnings, []);
    assert.equal(interpolate('{{count > 1 ? "many" : "few"}}', scope), 'many', 'a ? inside is an expression');
  });
  it('summarises lists, maps and socket rows in words, never JSON', () => {
    const states = { ESTABLISHED: 12, TIME_WAIT: 4500, CLOSE_WAIT: 0, LISTEN: 1 };
    assert.equal(interpolate('{{states}}', { states }), 'TIME_WAIT 4500, ESTABLISHED 12, LISTEN 1 (1 others 0)');
    assert.equal(interpolate('{{peer}}', { peer: { address: '10.0.0.5', count: 300 } }), 'address 10.0.0.5, count 300');
    assert.equal(interpolate('{{ports}}', { ports: [80, 443] }), '80, 443');
    assert.equal(interpolate('{{none}}', { none: [] }), 'none');
    const rows = [
      ...Array.from({ length: 3 }, () => ({ state: 'CLOSE_WAIT', peerAddress: '10.0.0.5', peerPort: '80' })),
      { state: 'ESTABLISHED', peerAddress: '10.0.0.9', peerPort: '80' },
    ];
    const text = interpolate('{{rows}}', { rows });
    assert.equal(text, '4 sockets; 10.0.0.5 CLOSE_WAIT 3, 10.0.0.9 ESTABLISHED 1');
    for (const t of [text, interpolate('{{states}} {{peer}}', { states, peer: { a: { b: 1 } } })]) assert.doesNotMatch(t, /[{}[\]"]/);
  });
});
