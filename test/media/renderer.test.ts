import assert from 'node:assert/strict';
import { OUTPUT_MIME, RESULT_MIME, type RendererToExtensionMessage } from '../../src/protocol/renderer';
import type { SavedOutput } from '../../src/runbook/model';
import { createRenderer } from '../../media/renderer/renderer';
import type { OutputItem, RendererContext } from '../../media/renderer/rendererApi';
import { assertOnlySafeMarkup, newDocument } from './dom';
import { groupResult, singleHostResult } from './fixtures';

function item(mime: string, payload: unknown, id = 'out-1'): OutputItem {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { id, mime, text: () => raw, json: () => JSON.parse(raw) };
}

function render(mime: string, payload: unknown, ctx: RendererContext = { workspace: { isTrusted: true } }): HTMLElement {
  const element = newDocument().createElement('div');
  createRenderer(ctx).renderOutputItem(item(mime, payload), element);
  return element;
}

// The step-flow buttons ("Mark as important" on a finding has its own test in verdict.test.ts).
const buttons = (root: HTMLElement): string[] => [...root.querySelectorAll('button:not(.irb-mark-important)')].map((b) => b.textContent ?? '');

describe('renderer: step results', () => {
  it('shows values as scalars, counts with their top entries and list counts, never JSON', () => {
    const root = render(RESULT_MIME, singleHostResult());
    assertOnlySafeMarkup(root);
    const rows = [...root.querySelector('table.irb-values')!.querySelectorAll(':scope > tbody > tr')].map((tr) => [
      tr.querySelector('th')?.textContent,
      tr.querySelector('td')?.textContent,
    ]);
    assert.deepEqual(rows, [
      ['established', '1237'],
      ['nofile', '1024'],
      ['states', 'TIME-WAIT 30211, ESTAB 1237, CLOSE-WAIT 12'],
      ['ports', '25 in all: 8000, 8001, 8002, 8003, 8004, …'],
    ]);
    assert.doesNotMatch(root.querySelector('table.irb-values')?.textContent ?? '', /[{}"]/);
  });

  it('shows socket rows as a summary with a small table behind "show table", not JSON', () => {
    // Rows as the ss-tan parser gives them (ss -tan on a host with 300 sockets from one peer in CLOSE-WAIT).
    const row = (state: string, peer: string, i: number) => ({
      state,
      recvQ: 1,
      sendQ: 0,
      localAddress: '10.0.0.1',
      localPort: '8080',
      peerAddress: peer,
      peerPort: String(40000 + i),
    });
    const sockets = [...Array.from({ length: 300 }, (_, i) => row('CLOSE-WAIT', '10.0.0.5', i)), row('ESTAB', '10.0.0.7', 1), row('LISTEN', '0.0.0.0', 0)];
    sockets[301].peerPort = '*';
    const root = render(RESULT_MIME, singleHostResult({ hosts: [{ ...singleHostResult().hosts[0], values: { sockets } }] }));
    assertOnlySafeMarkup(root);
    assert.equal(
      root.querySelector('.irb-rows-summary .irb-text')?.textContent,
      '302 sockets; 10.0.0.5 CLOSE_WAIT 300, 10.0.0.7 ESTABLISHED 1, (listening) LISTEN 1',
    );
    const table = root.querySelector('.irb-rows-table')!;
    assert.ok(table.classList.contains('irb-collapsed'), 'the table starts collapsed');
    assert.deepEqual(
      [...table.querySelectorAll(':scope > thead th')].map((t) => t.textContent),
      ['peer', 'state', 'count'],
    );
    const first = table.querySelector(':scope > tbody > tr')!;
    assert.deepEqual(
      [...first.querySelectorAll('td')].map((t) => t.textContent),
      ['10.0.0.5', 'CLOSE_WAIT', '300'],
    );
    const toggle = root.querySelector('.irb-rows-toggle') as HTMLElement;
    toggle.click();
    assert.ok(!table.classList.contains('irb-collapsed'));
    assert.equal(toggle.textContent, 'hide table');
    assert.doesNotMatch(root.textContent ?? '', /peerAddress|\{"/);
  });

  it('lists findings most severe first with badge, message and hint', () => {
    const root = render(RESULT_MIME, singleHostResult());
    const findings = [...root.querySelectorAll('.irb-finding')];
    assert.equal(findings.length, 2);
    assert.equal(findings[0].querySelector('.irb-badge')?.textContent, 'critical');
    assert.ok(findings[0].querySelector('.irb-badge')?.classList.contains('irb-critical'));
    assert.equal(findings[0].querySelector('.irb-message')?.textContent, 'open-files limit below established sockets');
    assert.equal(findings[0].querySelector('.irb-hint')?.textContent, 'Hint: Raise LimitNOFILE in the unit file');
    assert.equal(findings[1].querySelector('.irb-badge')?.textContent, 'info');
  });

  it('states the decision and posts runStep / revealStep when the buttons are clicked', () => {
    const sent: RendererToExtensionMessage[] = [];
    const root = render(RESULT_MIME, singleHostResult(), { workspace: { isTrusted: true }, postMessage: (m) => sent.push(m as RendererToExtensionMessage) });
    assert.equal(root.querySelector('.irb-next')?.textContent, 'Next: Check open-files limit — because nofile < established (1024 < 1237)');
    assert.deepEqual(buttons(root), ['Run next step', 'Reveal']);
    (root.querySelector('.irb-run') as HTMLElement).click();
    (root.querySelector('.irb-link') as HTMLElement).click();
    assert.deepEqual(sent, [
      { type: 'runStep', stepKey: 'open-files' },
      { type: 'revealStep', stepKey: 'open-files' },
    ]);
  });

  it('shows no buttons when the extension cannot receive messages', () => {
    const root = render(RESULT_MIME, singleHostResult(), { workspace: { isTrusted: true } });
    assert.deepEqual(buttons(root), []);
    assert.match(root.textContent ?? '', /Next: Check open-files limit/);
  });

  it('says "End of runbook" when next is null', () => {
    const root = render(RESULT_MIME, singleHostResult({ next: null }), { workspace: { isTrusted: true }, postMessage: () => undefined });
    assert.equal(root.querySelector('.irb-end')?.textContent, 'End of runbook');
    assert.deepEqual(buttons(root), []);
  });

  it('shows an error with its kind, message and hint', () => {
    const view = singleHostResult();
    view.hosts[0] = {
      ...view.hosts[0],
      values: {},
      findings: [],
      exitCode: null,
      termination: 'error',
      error: { kind: 'hostKey', message: 'host key for web-1 changed', hint: 'Check with the host owner, then run "Runbook: Forget Host Key"' },
    };
    const root = render(RESULT_MIME, view);
    assert.equal(root.querySelector('.irb-error .irb-error-kind')?.textContent, 'hostKey');
    assert.equal(root.querySelector('.irb-error .irb-message')?.textContent, 'host key for web-1 changed');
    assert.match(root.querySelector('.irb-error .irb-hint')?.textContent ?? '', /Forget Host Key/);
  });

  it('renders a group run as host x value table with the outlier cell marked and a bar per host', () => {
    const root = render(RESULT_MIME, groupResult());
    assertOnlySafeMarkup(root);
    const header = [...root.querySelectorAll('table.irb-hosts thead th')].map((th) => th.textContent);
    assert.deepEqual(header, ['host', 'states.TIME_WAIT', 'states.ESTAB', 'findings']);
    const outliers = [...root.querySelectorAll('table.irb-hosts .irb-outlier')];
    assert.equal(outliers.length, 1);
    assert.equal(outliers[0].textContent, '30211');
    assert.equal(outliers[0].parentElement?.querySelector('.irb-host')?.textContent, 'web-2');
    const bars = [...root.querySelectorAll<HTMLElement>('.irb-bar')];
    assert.deepEqual(
      bars.map((b) => parseFloat(b.style.width)),
      [0.4, 100, 0.5],
    );
    assert.ok(bars[1].classList.contains('irb-outlier'));
  });
});

describe('renderer: untrusted data stays text', () => {
  const payloads = [
    '<img src=x onerror=alert(1)>',
    '</script><script>alert(1)</script>',
    '<svg onload=alert(1)><a href="command:workbench.action.terminal.new">x</a></svg>',
    '<style>* { display: none !important }</style>',
    '* { background: url(javascript:alert(1)) }',
  ];

  it('puts HTML payloads in every field of a result verbatim as text, creating no element from them', () => {
    for (const payload of payloads) {
      const view = singleHostResult({ stepTitle: payload, chartValues: [payload] });
      const host = view.hosts[0];
      view.hosts = [
        {
          ...host,
          host: payload,
          values: { [payload]: payload, nested: { [payload]: [payload] } },
          findings: [{ severity: payload as 'info', message: payload, hint: payload, rule: 0, when: payload }],
          error: { kind: payload, message: payload, hint: payload },
          outlier: [payload],
        },
        { ...host, host: 'web-2' },
      ];
      view.next = { key: payload, title: payload, why: payload };
      const sent: unknown[] = [];
      const root = render(RESULT_MIME, view, { workspace: { isTrusted: true }, postMessage: (m) => sent.push(m) });
      assertOnlySafeMarkup(root);
      assert.ok((root.textContent ?? '').includes(payload), `payload shown verbatim: ${payload}`);
      (root.querySelector('.irb-run') as HTMLElement).click();
      assert.deepEqual(sent, [{ type: 'runStep', stepKey: payload }]);
    }
  });

  it('shows raw output with HTML and OSC 8 links as text only', () => {
    const text = payloads.join('\n') + '\n\x1b]8;;javascript:alert(1)\x07link\x1b]8;;\x07 \x1b]8;;command:workbench.action.terminal.new\x07cmd\x1b]8;;\x07\n';
    const root = render(OUTPUT_MIME, { text, stream: 'stdout' });
    assertOnlySafeMarkup(root);
    assert.equal(root.querySelector('pre')?.textContent, payloads.join('\n') + '\nlink cmd\n');
    assert.equal(root.querySelector('pre')?.textContent?.split('\n').at(-2), 'link cmd');
  });

  it('turns ANSI colours into class names and drops cursor movement and clear-screen', () => {
    const root = render(OUTPUT_MIME, { text: '\x1b[2J\x1b[HState \x1b[1;31mTIME-WAIT\x1b[0m 30211\x1b[5A\n', stream: 'stdout' });
    assertOnlySafeMarkup(root);
    assert.equal(root.querySelector('pre')?.textContent, 'State TIME-WAIT 30211\n');
    const span = root.querySelector('pre span');
    assert.equal(span?.textContent, 'TIME-WAIT');
    assert.deepEqual([...span!.classList], ['ansi-fg-1', 'ansi-bold']);
  });

  it('renders a 100,000-line output collapsed, then on "show all" in a bounded DOM, saying how many lines are hidden', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `tcp ESTAB 0 0 10.0.0.1:${i % 65535} 10.0.0.2:443 \x1b[32mok\x1b[0m`);
    // The work is bounded by the limits (2,000 lines, 200,000 characters), not by the output: no timing asserted (shared machine).
    const root = render(OUTPUT_MIME, { text: lines.join('\n') + '\n', stream: 'stdout' });
    assert.ok(root.querySelectorAll('*').length < 100, 'collapsed: a few elements');
    assert.equal(root.querySelector('.irb-show-all')?.textContent, 'show all 100,000 lines');
    (root.querySelector('.irb-show-all') as HTMLElement).click();
    assert.ok(root.querySelectorAll('*').length < 5000, `DOM has ${root.querySelectorAll('*').length} elements`);
    assert.equal((root.querySelector('pre')?.textContent ?? '').split('\n').length - 1, 2000);
    assert.equal(root.querySelector('.irb-more')?.textContent, '98,000 more lines not shown');
    assert.equal(root.querySelector('.irb-show-all'), null);
  });

  it('collapses an output over 30 lines to its first 5 and last 20, with "show all N lines" between', () => {
    const text = Array.from({ length: 350 }, (_, i) => `[${i + 1}.000] kernel line ${i + 1}`).join('\n') + '\n';
    const root = render(OUTPUT_MIME, { text, stream: 'stdout' });
    assertOnlySafeMarkup(root);
    const head = root.querySelector('.irb-head')?.textContent ?? '';
    const tail = root.querySelector('.irb-tail')?.textContent ?? '';
    assert.equal(head.split('\n').filter(Boolean).length, 5);
    assert.match(head, /^\[1\.000\] kernel line 1\n/);
    assert.equal(tail.split('\n').filter(Boolean).length, 20);
    assert.match(tail, /^\[331\.000\] kernel line 331\n[\s\S]*kernel line 350\n$/, 'the end of the output stays in view');
    assert.equal(root.querySelector('.irb-collapsed-bar')?.textContent, '… 325 lines hidden show all 350 lines');
    (root.querySelector('.irb-show-all') as HTMLElement).click();
    assert.equal(root.querySelector('pre')?.textContent, text);
    assert.equal(root.querySelectorAll('pre').length, 1);
  });

  it('shows an output of 30 lines or fewer whole, with no control', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const root = render(OUTPUT_MIME, { text, stream: 'stdout' });
    assert.equal(root.querySelector('pre')?.textContent, text);
    assert.equal(root.querySelector('.irb-show-all'), null);
  });

  it("shows a saved output (the serializer's SavedOutput payload) with where it ran and where the rest is", () => {
    const saved: SavedOutput = {
      step: 'conntrack-count',
      host: 'db-2',
      startedAt: '2026-11-23T16:00:00Z',
      durationMs: 1530,
      exitCode: 0,
      termination: 'exit',
      text: '67549\n65536\n',
      truncated: true,
      fullOutputRef: 'incidents/2026-11-23/outputs/r12.txt',
      values: {},
      findings: [],
      runId: 'r12',
    };
    const root = render(OUTPUT_MIME, saved);
    assertOnlySafeMarkup(root);
    assert.equal(root.querySelector('.irb-meta')?.textContent, 'db-2 · exit 0 · 1.5 s');
    assert.equal(root.querySelector('pre')?.textContent, '67549\n65536\n');
    assert.equal(root.querySelector('.irb-more')?.textContent, 'Output trimmed: the full output is in incidents/2026-11-23/outputs/r12.txt');
  });

  it('caps one enormous line by characters', () => {
    const root = render(OUTPUT_MIME, { text: 'x'.repeat(1_000_000), stream: 'stderr' });
    assert.equal(root.querySelector('pre')?.textContent?.length, 200_000);
    assert.equal(root.querySelector('.irb-more')?.textContent, '1 more line not shown');
  });
});

describe('renderer: fallbacks and workspace trust', () => {
  it('shows a clear message and the raw text for bad JSON, a wrong version or an unknown shape, never throwing', () => {
    const bad = render(RESULT_MIME, '{"version": 1, "stepKey": <img src=x onerror=alert(1)>');
    assertOnlySafeMarkup(bad);
    assert.match(bad.querySelector('.irb-fallback-reason')?.textContent ?? '', /cannot show this output: the output is not valid JSON/);
    assert.equal(bad.querySelector('pre')?.textContent, '{"version": 1, "stepKey": <img src=x onerror=alert(1)>');

    const v2 = render(RESULT_MIME, { ...singleHostResult(), version: 2 });
    assert.match(v2.textContent ?? '', /payload version 2 is not 1; update the Incident Runbooks extension/);
    assert.match(v2.querySelector('pre')?.textContent ?? '', /"stepKey":"socket-states"/);

    const noValues = render(RESULT_MIME, { version: 1, stepKey: 's', hosts: [{ host: 'web-1', findings: [] }] });
    assert.match(noValues.textContent ?? '', /host web-1 has no values object/);

    const notOutput = render(OUTPUT_MIME, [1, 2]);
    assert.match(notOutput.textContent ?? '', /not a JSON object/);
  });

  it('renders plain text with no buttons and no colours in an untrusted workspace, and full view once trusted', () => {
    const ctx = { workspace: { isTrusted: false }, postMessage: () => undefined };
    const element = newDocument().createElement('div');
    const renderer = createRenderer(ctx);
    renderer.renderOutputItem(item(RESULT_MIME, singleHostResult()), element);
    assertOnlySafeMarkup(element);
    assert.deepEqual(buttons(element), []);
    assert.equal(element.querySelectorAll('table').length, 0);
    const text = element.querySelector('pre')?.textContent ?? '';
    assert.match(text, /nofile = 1024/);
    assert.match(text, /\[critical\] open-files limit below established sockets/);
    assert.match(text, /Next: Check open-files limit — because nofile < established \(1024 < 1237\)/);
    assert.match(element.textContent ?? '', /Restricted Mode/);

    // VS Code re-renders outputs when trust is granted: the same renderer then shows buttons.
    ctx.workspace.isTrusted = true;
    renderer.renderOutputItem(item(RESULT_MIME, singleHostResult()), element);
    assert.deepEqual(buttons(element), ['Run next step', 'Reveal']);
    assert.equal(element.querySelectorAll('.irb-plain').length, 0);
  });

  it('shows raw output without colour spans in an untrusted workspace', () => {
    const root = render(OUTPUT_MIME, { text: '\x1b[31mred\x1b[0m <b>x</b>', stream: 'stdout' }, { workspace: { isTrusted: false } });
    assertOnlySafeMarkup(root);
    assert.equal(root.querySelectorAll('pre span').length, 0);
    assert.equal(root.querySelector('pre')?.textContent, 'red <b>x</b>');
  });

  it('adds its stylesheet once to the document head and empties disposed outputs', () => {
    const doc = newDocument();
    const renderer = createRenderer({ workspace: { isTrusted: true } }, '.irb-result{}');
    const first = doc.createElement('div');
    const second = doc.createElement('div');
    renderer.renderOutputItem(item(RESULT_MIME, singleHostResult(), 'a'), first);
    renderer.renderOutputItem(item(RESULT_MIME, singleHostResult(), 'b'), second);
    assert.equal(doc.head.querySelectorAll('style').length, 1);
    assert.equal(first.querySelectorAll('style').length, 0);
    renderer.disposeOutputItem?.('a');
    assert.equal(first.childNodes.length, 0);
    assert.ok(second.childNodes.length > 0);
  });
});

describe('renderer: a group whose hosts go different ways, and two ends compared', () => {
  it('shows each route with its hosts and severity, and a button that runs the next step on those hosts only', () => {
    const view = groupResult();
    view.next = null;
    view.routes = [
      { next: { key: 'time-wait', title: 'Look at TIME_WAIT', why: 'states.TIME_WAIT > 10000' }, hosts: ['web-2'], severity: 'critical' },
      { next: null, hosts: ['web-1', 'web-3'] },
    ];
    const sent: RendererToExtensionMessage[] = [];
    const root = render(RESULT_MIME, view, { workspace: { isTrusted: true }, postMessage: (m) => sent.push(m as RendererToExtensionMessage) });
    assertOnlySafeMarkup(root);
    const routes = [...root.querySelectorAll('.irb-route')].map((r) => r.textContent?.replace(/Run on.*$/, '').trim());
    assert.deepEqual(routes, ['web-2 → Look at TIME_WAIT (CRITICAL)', 'web-1, web-3 → end']);
    assert.equal(root.querySelector('.irb-end'), null, 'no "End of runbook" stands for the whole group');
    (root.querySelector('.irb-route .irb-run') as HTMLElement).click();
    assert.deepEqual(sent, [{ type: 'runStep', stepKey: 'time-wait', hosts: ['web-2'] }]);
  });

  it('shows the comparison of two ends: who played which part, the values and its findings', () => {
    const view = groupResult();
    view.comparison = {
      name: 'established-pairs',
      client: { role: 'client', hosts: ['app-1'] },
      server: { role: 'server', hosts: ['nats-1'] },
      values: { halfOpen: { count: 1 }, ends: { client: 'app-1', server: 'nats-1' } },
      findings: [{ severity: 'critical', message: '1 connections ESTABLISHED on the client are unknown to the server', rule: 0, when: 'halfOpen.count > 0' }],
      warnings: [],
    };
    const root = render(RESULT_MIME, view);
    const block = root.querySelector('.irb-comparison')!;
    assert.match(block.textContent ?? '', /^Compared client \(app-1\) with server \(nats-1\)/);
    assert.match(block.querySelector('.irb-finding-critical')?.textContent ?? '', /1 connections ESTABLISHED on the client are unknown to the server/);
  });
});
