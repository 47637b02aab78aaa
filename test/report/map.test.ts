// The runbook map: every step a node, edges by finding and by default, confirm steps marked, and with
// a real incident record (test/replay/records/, recorded over SSH against the lab's faults) the path
// taken, the verdicts and, for a group, host counts. SVG is golden and well-formed XML; Mermaid
// passes the project's validator. Regenerate the golden with UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { recordedIncident } from '../../src/engine/replayRecord';
import { END_NODE } from '../../src/protocol/map';
import { mapDot } from '../../src/report/map/dot';
import { buildRunbookMap } from '../../src/report/map/graph';
import { mapMermaid } from '../../src/report/map/mermaid';
import { renderMapSvg } from '../../src/report/map/svg';
import { validateMermaid } from '../../src/report/mermaid';
import { parseRunbook } from '../../src/runbook/parse';

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN = path.join(__dirname, 'golden', 'map-triage-close-wait.svg');
const read = (file: string) => parseRunbook(fs.readFileSync(file, 'utf8'), file);
const bundled = fs.readdirSync(path.join(ROOT, 'runbooks')).filter((f) => f.endsWith('.runbook.md'));
const record = (name: string) => {
  const dir = path.join(ROOT, 'test/replay/records', name);
  return recordedIncident(
    path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.runbook.md'))!,
    ),
  );
};

/** Parses as XML (jsdom throws on anything malformed) and returns the document. */
function xml(svg: string): Document {
  return new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
}

describe('runbook map', function () {
  this.timeout(20_000);
  for (const file of bundled) {
    it(`${file}: every step a node, the SVG well-formed, the Mermaid valid`, function () {
      const runbook = read(path.join(ROOT, 'runbooks', file));
      const map = buildRunbookMap(runbook);
      const steps = map.nodes.filter((n) => n.kind === 'step');
      assert.deepEqual(
        steps.map((n) => n.key),
        runbook.steps.map((s) => s.key),
      );
      assert.equal(map.nodes.filter((n) => n.kind === 'missing').length, 0, 'bundled runbooks name only steps that exist');
      for (const step of runbook.steps)
        assert.ok(
          map.edges.some((e) => e.from === step.key),
          `${step.key} has a way out`,
        );
      const doc = xml(renderMapSvg(map));
      assert.equal(doc.querySelectorAll('g.node.step').length, runbook.steps.length);
      assert.equal(doc.querySelectorAll('g.edge').length, map.edges.length);
      assert.equal(doc.querySelectorAll('script, foreignObject, image, a').length, 0);
      assert.deepEqual(validateMermaid(mapMermaid(map)), []);
      const dot = mapDot(map);
      assert.equal(dot.split('->').length - 1, map.edges.length);
    });
  }

  it('draws edges by finding (severity and rule) and by default, and marks the confirm steps', function () {
    const triage = buildRunbookMap(read(path.join(ROOT, 'runbooks/triage.runbook.md')));
    const out = triage.edges.filter((e) => e.from === 'server-sockets').map((e) => `${e.kind} ${e.label} -> ${e.to}`);
    // server-sockets: two rules with a cause, a verify step and a next; one (nothing listens) with
    // neither, so no edge; the check's own next: client-cap.
    assert.deepEqual(out, [
      'finding warning: open-files -> process-open-files',
      'verify verify open-files -> process-open-files',
      'finding warning: close-wait-leak -> close-wait-owner',
      'verify verify close-wait-leak -> close-wait-owner',
      'default default -> client-cap',
    ]);
    // A rule with verify steps and no next: only the dashed verify edge, the way out is the default.
    assert.deepEqual(
      triage.edges.filter((e) => e.from === 'conntrack-usage').map((e) => `${e.kind} ${e.label} -> ${e.to}`),
      ['verify verify conntrack-full -> kernel-log', 'default default -> kernel-log'],
    );
    assert.ok(triage.edges.some((e) => e.from === 'listen-counters' && e.to === END_NODE && e.kind === 'default'));

    const conntrack = buildRunbookMap(read(path.join(ROOT, 'runbooks/conntrack.runbook.md')));
    // A rule that names no cause is labelled with its when.
    assert.ok(conntrack.edges.some((e) => e.from === 'conntrack-usage' && e.kind === 'finding' && e.label === 'info: loaded == "no"' && e.to === END_NODE));
    const confirm = conntrack.nodes.filter((n) => n.confirm).map((n) => n.key);
    assert.deepEqual(confirm, ['raise-conntrack-max']);
    const node = xml(renderMapSvg(conntrack)).querySelector('g.node[data-step="raise-conntrack-max"]')!;
    assert.match(node.getAttribute('class')!, /\bconfirm\b/);
    assert.match(node.textContent!, /changes the host/);
    assert.match(mapMermaid(conntrack), /Raise nf_conntrack_max now · ⚠ changes the host/);
  });

  it('shows the path a recorded incident took, with each step’s verdict (close-wait on the lab, over SSH)', function () {
    const incident = record('triage-close-wait');
    const map = buildRunbookMap(read(path.join(ROOT, 'runbooks/triage.runbook.md')), incident.runs);
    const path_ = map.nodes.filter((n) => n.order !== undefined).sort((a, b) => a.order! - b.order!);
    assert.deepEqual(
      path_.map((n) => `${n.order} ${n.key} ${n.verdict}`),
      ['1 conntrack-usage nothing-found', '2 kernel-log info', '3 server-sockets warning', '4 close-wait-owner critical'],
    );
    assert.deepEqual(
      map.edges.filter((e) => e.hosts > 0).map((e) => `${e.from} -(${e.kind})-> ${e.to}`),
      [
        'conntrack-usage -(default)-> kernel-log',
        'kernel-log -(default)-> server-sockets',
        'server-sockets -(finding)-> close-wait-owner',
        // The record says the decision after it was the end (next: end); nothing ran after it.
        'close-wait-owner -(default)-> (end)',
      ],
    );
    assert.equal(map.nodes.find((n) => n.current)?.key, 'close-wait-owner');
    const svg = renderMapSvg(map);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, svg);
    assert.ok(fs.existsSync(GOLDEN), `${GOLDEN} is missing: run UPDATE_GOLDEN=1 npx mocha --no-config -r tsx/cjs --extension ts test/report/map.test.ts`);
    assert.equal(svg, fs.readFileSync(GOLDEN, 'utf8'), 'the SVG differs from the golden file (UPDATE_GOLDEN=1 to accept it)');
    const doc = xml(svg);
    assert.deepEqual(
      [...doc.querySelectorAll('g.edge.taken')].map((g) => g.getAttribute('data-to')),
      ['kernel-log', 'server-sockets', 'close-wait-owner', END_NODE],
    );
    assert.deepEqual(validateMermaid(mapMermaid(map)), []);
    assert.match(mapMermaid(map), /s10_close_wait_owner\["4\. CLOSE_WAIT on the port: count over 3 s, owner, busiest peer · critical"\]/);
  });

  it('counts hosts per edge for a group (triage on two hosts, over SSH)', function () {
    const incident = record('triage-healthy-group');
    const map = buildRunbookMap(read(path.join(ROOT, 'runbooks/triage.runbook.md')), incident.runs);
    assert.equal(map.hostCount, 2);
    const taken = map.edges.filter((e) => e.hosts > 0);
    assert.equal(taken.length, 8, 'conntrack-usage → … → client-sockets → listen-counters → end');
    assert.ok(taken.every((e) => e.hosts === 2));
    assert.ok(map.edges.find((e) => e.from === 'listen-counters' && e.to === END_NODE)!.hosts === 2);
    const mermaid = mapMermaid(map);
    assert.deepEqual(validateMermaid(mermaid), []);
    assert.match(mermaid, /"default \(2 of 2 hosts\) · taken"/);
    assert.match(xml(renderMapSvg(map)).querySelector('g.edge.taken text')!.textContent!, /\(2 of 2 hosts\)$/);
    const verdicts = map.nodes.find((n) => n.key === 'listen-counters')!.verdicts;
    assert.equal(
      Object.values(verdicts ?? {}).reduce((a, b) => a + b, 0),
      2,
      'one verdict per host',
    );
  });

  it('marks a step the responder ran against the decision, and stays valid whatever the titles hold', function () {
    const text = [
      '---',
      'title: "<script>alert(1)</script> & \\"quotes\\""',
      '---',
      '',
      '```sh {id=a title="A --> b\\"]; click a call alert() <img src=x onerror=alert(2)>"}',
      'echo 1',
      '```',
      '',
      '```check',
      'parse: numbers',
      'options: { names: [n] }',
      'findings:',
      '  - when: n > 0',
      '    severity: critical',
      '    message: "n is {{n}}"',
      '    next: gone',
      '```',
      '',
      '```sh {id=b title="%%{init: {}}%% \u0001 bell"}',
      'echo 2',
      '```',
      '',
    ].join('\n');
    const runbook = parseRunbook(text, 'hostile.runbook.md');
    const base = { termination: 'exit', startedAt: '2026-12-01T08:00:00.000Z' };
    const map = buildRunbookMap(runbook, [
      { ...base, step: 'a', host: 'h', findings: [{ severity: 'critical', message: 'n is 1', rule: 0, when: 'n > 0', next: 'gone' }], next: 'gone' },
      { ...base, step: 'b', host: 'h', startedAt: '2026-12-01T08:00:01.000Z', findings: [] },
    ]);
    assert.ok(map.nodes.some((n) => n.key === 'missing:gone' && n.kind === 'missing'));
    const byHand = map.edges.find((e) => e.kind === 'responder');
    assert.deepEqual(byHand && [byHand.from, byHand.to, byHand.hosts], ['a', 'b', 1]);
    const doc = xml(renderMapSvg(map));
    assert.equal(doc.querySelectorAll('script, img, foreignObject').length, 0);
    for (const el of doc.querySelectorAll('*')) for (const attr of el.getAttributeNames()) assert.equal(/^on/i.test(attr), false);
    assert.match(doc.querySelector('title')!.textContent!, /<script>alert\(1\)<\/script>/, 'the title is text');
    assert.deepEqual(validateMermaid(mapMermaid(map)), []);
  });
});
