// The files a step's fetch= brought, in the step's result: path on the host, the local copy as a
// button that asks the extension to open it, size and sha256 short; a file not fetched is a warning
// line with its reason. Host text never becomes markup.
import assert from 'node:assert/strict';
import { RESULT_MIME, type RendererToExtensionMessage, type StepResultView } from '../../src/protocol/renderer';
import { createRenderer } from '../../media/renderer/renderer';
import type { RendererContext } from '../../media/renderer/rendererApi';
import { sizeText } from '../../media/renderer/fetched';
import { assertOnlySafeMarkup, newDocument } from './dom';
import { groupResult, singleHostResult } from './fixtures';

function render(view: StepResultView, ctx: RendererContext = { workspace: { isTrusted: true } }): HTMLElement {
  const element = newDocument().createElement('div');
  const raw = JSON.stringify(view);
  createRenderer(ctx).renderOutputItem({ id: 'r', mime: RESULT_MIME, text: () => raw, json: () => JSON.parse(raw) }, element);
  return element;
}

const SHA = 'a3f1c09e5b7d2e4f6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7';

function withFetched(): StepResultView {
  const base = singleHostResult();
  return {
    ...base,
    hosts: [
      {
        ...base.hosts[0],
        fetched: [
          { remotePath: '/tmp/cap.pcap', file: 'inc.evidence/r1/cap.pcap', bytes: 24_576, sha256: SHA, kind: 'binary' },
          { remotePath: '/var/log/app.log', file: 'inc.evidence/r1/app.log', bytes: 812, sha256: SHA, kind: 'text', redacted: true },
          { remotePath: '/tmp/<b>gone</b>.log', error: 'not fetched: /tmp/<b>gone</b>.log: no such file on the host.' },
        ],
      },
    ],
  };
}

describe('renderer: fetched evidence files', () => {
  it('lists each file with its local copy, size and sha256, and a missing one with its reason', () => {
    const sent: RendererToExtensionMessage[] = [];
    const root = render(withFetched(), { workspace: { isTrusted: true }, postMessage: (m) => sent.push(m as RendererToExtensionMessage) });
    assertOnlySafeMarkup(root);
    const lines = [...root.querySelectorAll('.irb-fetched-file')].map((l) => l.textContent);
    assert.deepEqual(lines, [
      'Fetched /tmp/cap.pcap → inc.evidence/r1/cap.pcap · 24.6 KB · sha256 a3f1c09e5b7d · binary, not shown',
      'Fetched /var/log/app.log → inc.evidence/r1/app.log · 812 B · sha256 a3f1c09e5b7d · text, redacted',
      'not fetched /tmp/<b>gone</b>.log: no such file on the host.',
    ]);
    assert.equal(root.querySelectorAll('b').length, 0, 'host text stays text');
    assert.ok(root.querySelector('.irb-fetch-failed .irb-inconclusive-badge'), 'the missing file stands out like an inconclusive result');
    (root.querySelector('.irb-link-evidence') as HTMLElement).click();
    assert.deepEqual(sent, [{ type: 'openEvidence', path: 'inc.evidence/r1/cap.pcap' }]);
  });

  it('comes with the host it belongs to: after the findings, before the decision; per host in a group', () => {
    const root = render(withFetched());
    const host = root.querySelector('.irb-host-result')!;
    const parts = [...host.children].map((c) => c.className.split(' ')[0]);
    assert.ok(parts.indexOf('irb-fetched') > parts.indexOf('irb-findings'), parts.join(', '));
    // Without a way to post messages the local copy is plain text, not a dead button.
    assert.equal(root.querySelectorAll('.irb-link-evidence').length, 0);
    assert.equal(root.querySelector('.irb-local-path')?.textContent, 'inc.evidence/r1/cap.pcap');

    const group = groupResult();
    group.hosts[1].fetched = [{ remotePath: '/tmp/cap.pcap', error: 'not fetched: the step did not finish (timeout).' }];
    const shown = render(group);
    assert.deepEqual(
      [...shown.querySelectorAll('.irb-fetched-file')].map((l) => l.textContent),
      [`not fetched ${group.hosts[1].host}:/tmp/cap.pcap: the step did not finish (timeout).`],
    );
  });

  it('says sizes as fetch-max is written (decimal units)', () => {
    assert.deepEqual([sizeText(0), sizeText(999), sizeText(1000), sizeText(52_428_800), sizeText(3e9)], ['0 B', '999 B', '1.0 KB', '52.4 MB', '3.0 GB']);
  });
});
