// Step titles, host names and decision reasons can hold anything; the flowchart must stay valid
// Mermaid with every label one quoted string.
import assert from 'node:assert/strict';
import { mermaidFlowchart, mermaidLabel, validateMermaid } from '../../src/report/mermaid';

const nasty = [
  'He said "stop"',
  'a[b]c{d}(e)',
  'x --> y',
  'a;b; click n1 call alert()',
  'line one\nline two\r\nthree',
  '<script>alert(1)</script>',
  '%%{init: {"theme":"dark"}}%%',
  '`backticks` and | pipes |',
  '#quot; already an entity & more',
  'end',
];

describe('mermaid flowchart', function () {
  it('stays valid whatever the titles, keys and reasons hold', function () {
    const nodes = nasty.map((title, i) => ({ key: i === 9 ? 'end' : `k-${i}:${title}`.slice(0, 30), title, runs: 1 + (i % 2) }));
    const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].key, to: n.key, label: nasty[(i + 3) % nasty.length] }));
    edges.push({ from: nodes[9].key, to: 'end', label: 'x --> end; "quoted"' });
    const source = mermaidFlowchart({ nodes, edges });
    assert.deepEqual(validateMermaid(source), []);
    assert.equal(source.split('\n').length, 1 + nodes.length + 1 + edges.length, 'one line per node and edge, no line broken by a title');
    assert.equal(/<script|-->\s*y|%%\{/.test(source), false);
  });

  it('writes quotes, arrows and markup as entities, keeps plain words readable', function () {
    assert.equal(mermaidLabel('Is the conntrack table full?'), 'Is the conntrack table full?');
    assert.equal(mermaidLabel('raise-conntrack'), 'raise-conntrack');
    assert.equal(mermaidLabel('a --> "b"'), 'a #45;#45;#gt; #quot;b#quot;');
    assert.equal(mermaidLabel('x'.repeat(200)).length, 90);
  });

  it('the validator rejects what would break a diagram', function () {
    assert.notDeepEqual(validateMermaid('flowchart TD\n    a["x"]\n    a -->|"y"| b'), [], 'edge to an undeclared node');
    assert.notDeepEqual(validateMermaid('flowchart TD\n    a["say "hi""]'), []);
    assert.notDeepEqual(validateMermaid('flowchart TD\n    a["x"]\n    click a call alert()'), []);
    assert.notDeepEqual(validateMermaid('graph LR\n    a["x"]'), []);
  });
});
