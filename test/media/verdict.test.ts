// The renderer shows the verdict first: inconclusive (with why and the way out) before any finding,
// findings and the decision before the values; a confirming finding marks its root cause; runbook
// and step names in hints are buttons that post typed messages, never markup.
import assert from 'node:assert/strict';
import { RESULT_MIME, type RendererToExtensionMessage, type StepResultView } from '../../src/protocol/renderer';
import { createRenderer } from '../../media/renderer/renderer';
import type { RendererContext } from '../../media/renderer/rendererApi';
import { assertOnlySafeMarkup, newDocument } from './dom';
import { singleHostResult } from './fixtures';

function render(view: StepResultView, ctx: RendererContext = { workspace: { isTrusted: true } }): HTMLElement {
  const element = newDocument().createElement('div');
  const raw = JSON.stringify(view);
  createRenderer(ctx).renderOutputItem({ id: 'r', mime: RESULT_MIME, text: () => raw, json: () => JSON.parse(raw) }, element);
  return element;
}

/** Class names of the result's parts, in the order the user reads them (the host block opened). */
const order = (root: HTMLElement) =>
  [...root.querySelector('.irb-result')!.children].flatMap((c) =>
    c.classList.contains('irb-host-result') ? [...c.children].map((h) => h.className.split(' ')[0]) : [c.className.split(' ')[0]],
  );

// What triage's server-sockets step said over SSH with a namespace that does not exist (test/runbooks/triage.e2e.test.ts).
function inconclusive(): StepResultView {
  const base = singleHostResult();
  return {
    ...base,
    stepKey: 'server-sockets',
    stepTitle: 'Sockets of the service',
    hosts: [
      {
        ...base.hosts[0],
        host: 'lab',
        exitCode: 1,
        values: {},
        findings: [],
        evidence: 'inconclusive',
        inconclusive: {
          reason: 'the command exited 1: Cannot open network namespace "rblab-no-such-namespace": No such file or directory',
          hint: 'Run the command by hand on lab to see why. If exit 1 is expected here, add ok-exit=0,1 to the step.',
        },
        next: { key: 'kernel-log', why: 'the check could not read the output' },
      },
    ],
  };
}

describe('renderer: verdict first', () => {
  it('puts the findings and the decision above the values', () => {
    const root = render(singleHostResult());
    assert.deepEqual(order(root), ['irb-title', 'irb-meta', 'irb-findings', 'irb-decision', 'irb-values']);
  });

  it('shows an inconclusive step at the top: why, and what to do, before any decision', () => {
    const root = render(inconclusive());
    assertOnlySafeMarkup(root);
    assert.deepEqual(order(root), ['irb-title', 'irb-meta', 'irb-inconclusive', 'irb-decision']);
    const box = root.querySelector('.irb-inconclusive')!;
    assert.equal(box.querySelector('.irb-badge')?.textContent, 'inconclusive');
    assert.match(box.textContent ?? '', /Not judged: the command exited 1: Cannot open network namespace/);
    assert.match(box.querySelector('.irb-way-out')?.textContent ?? '', /^What to do: Run the command by hand on lab/);
    assert.doesNotMatch(root.textContent ?? '', /nothing found/i);
  });

  it('says "nothing found" only when the evidence was read', () => {
    const view = singleHostResult();
    view.hosts[0] = { ...view.hosts[0], findings: [], evidence: 'nothing-found' };
    assert.match(render(view).querySelector('.irb-nothing-found')?.textContent ?? '', /Nothing found \(the output was read\)/);
    view.hosts[0] = { ...view.hosts[0], evidence: undefined };
    assert.equal(render(view).querySelector('.irb-nothing-found'), null, 'an old payload without evidence claims nothing');
  });

  it('marks the root cause a finding confirms, and the cause a finding only suspects', () => {
    const view = singleHostResult();
    view.hosts[0].findings = [
      { severity: 'critical', message: '40 connections stayed in CLOSE_WAIT', rule: 0, when: 'close_wait >= 10', confirms: 'close-wait-leak' },
      { severity: 'warning', message: '40 connections in CLOSE_WAIT', rule: 1, when: 'close_wait >= 10', cause: 'close-wait-leak', verify: ['still-there'] },
    ];
    const marks = [...render(view).querySelectorAll('.irb-cause')].map((m) => m.textContent);
    assert.deepEqual(marks, ['Root cause confirmed: close-wait-leak', 'Suspected cause: close-wait-leak (to be confirmed by still-there)']);
  });

  it('shows each group host that is inconclusive with its name', () => {
    const one = inconclusive().hosts[0];
    const view: StepResultView = { ...inconclusive(), hosts: [one, { ...one, host: 'lab-2', evidence: 'nothing-found', inconclusive: undefined }] };
    const boxes = [...render(view).querySelectorAll('.irb-inconclusive')];
    assert.equal(boxes.length, 1);
    assert.equal(boxes[0].querySelector('.irb-host')?.textContent, 'lab');
  });
});

describe('renderer: runbook and step names are links', () => {
  function withHint(hint: string): StepResultView {
    const view = singleHostResult();
    view.hosts[0].findings = [{ severity: 'warning', message: 'see runbooks/conn-cap.runbook.md', hint, rule: 0, when: 'x' }];
    return view;
  }

  it('posts openRunbook for a runbook path and revealStep for "step <id>"', () => {
    const sent: RendererToExtensionMessage[] = [];
    const root = render(withHint('raise the cap (step raise-cap); if clients still fail, start from runbooks/triage.runbook.md'), {
      workspace: { isTrusted: true },
      postMessage: (m) => sent.push(m as RendererToExtensionMessage),
    });
    assertOnlySafeMarkup(root);
    const hint = root.querySelector('.irb-finding .irb-hint')!;
    assert.equal(hint.textContent, 'Hint: raise the cap (step raise-cap); if clients still fail, start from runbooks/triage.runbook.md');
    const links = [...root.querySelectorAll<HTMLElement>('.irb-inline-link')];
    assert.deepEqual(
      links.map((l) => l.textContent),
      ['runbooks/conn-cap.runbook.md', 'raise-cap', 'runbooks/triage.runbook.md'],
    );
    for (const link of links) link.click();
    assert.deepEqual(sent, [
      { type: 'openRunbook', path: 'runbooks/conn-cap.runbook.md' },
      { type: 'revealStep', stepKey: 'raise-cap' },
      { type: 'openRunbook', path: 'runbooks/triage.runbook.md' },
    ]);
  });

  it('offers "Mark as important" on a warning or critical finding, posting the finding for the timeline', () => {
    const sent: RendererToExtensionMessage[] = [];
    const view = withHint('raise the cap');
    view.hosts[0].findings.push({ severity: 'info', message: 'an old event', rule: 1, when: 'y' });
    const root = render(view, { workspace: { isTrusted: true }, postMessage: (m) => sent.push(m as RendererToExtensionMessage) });
    const marks = [...root.querySelectorAll<HTMLElement>('.irb-mark-important')];
    assert.equal(marks.length, 1, 'only the warning gets the button');
    marks[0]!.click();
    assert.deepEqual(sent, [{ type: 'markImportant', stepKey: view.stepKey, text: 'see runbooks/conn-cap.runbook.md' }]);
    assert.equal(render(view).querySelectorAll('.irb-mark-important').length, 0, 'no button where nothing can receive it');
  });

  it('shows the parameters the step used under its title', () => {
    const view = { ...withHint('x'), parameters: { port: '9191', token: '[secret]' } };
    assert.equal(render(view).querySelector('.irb-parameters')?.textContent, 'with port=9191, token=[secret]');
  });

  it('keeps the names as text when the extension cannot receive messages', () => {
    const root = render(withHint('see runbooks/triage.runbook.md'));
    assert.equal(root.querySelectorAll('.irb-inline-link').length, 0);
    assert.equal(root.querySelector('.irb-finding .irb-hint')?.textContent, 'Hint: see runbooks/triage.runbook.md');
  });

  it('makes no link of markup in a hint: the path is text on a button', () => {
    const sent: RendererToExtensionMessage[] = [];
    const root = render(withHint('<a href="command:x">x</a>.runbook.md <img src=x onerror=alert(1)>'), {
      workspace: { isTrusted: true },
      postMessage: (m) => sent.push(m as RendererToExtensionMessage),
    });
    assertOnlySafeMarkup(root);
    assert.match(root.querySelector('.irb-finding .irb-hint')?.textContent ?? '', /<img src=x onerror=alert\(1\)>/);
  });
});

describe('renderer: what is not a step link', () => {
  it('links "step raise-cap" but not "the step did not finish" or "step 2"', () => {
    const view = singleHostResult();
    view.hosts[0].findings = [{ severity: 'warning', message: 'the step did not finish; step 2 of 3; see step raise-cap.', rule: 0, when: 'x' }];
    const root = render(view, { workspace: { isTrusted: true }, postMessage: () => undefined });
    assert.deepEqual(
      [...root.querySelectorAll('.irb-inline-link')].map((l) => l.textContent),
      ['raise-cap'],
    );
  });
});
