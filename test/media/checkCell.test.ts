// Check cells as the notebook draws them: VS Code's Markdown renderer with our markdown-it plugin
// (media/checkCell) turns a ```check fence into one line that opens onto its YAML. Same markdown-it
// settings as VS Code's notebook renderer (html and linkify on).
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { checkFencePlugin, type MarkdownItLike } from '../../media/checkCell/plugin';
import { checkLabel } from '../../src/extension/cellLabels';
import { parseRunbook } from '../../src/runbook/parse';
import { newDocument } from './dom';

function rendered(markdown: string): HTMLElement {
  const md = new MarkdownIt({ html: true, linkify: true });
  checkFencePlugin(md as unknown as MarkdownItLike);
  const root = newDocument().createElement('div');
  root.innerHTML = md.render(markdown);
  return root;
}

const CHECK =
  '```check\nparse: ss-tan\nfindings:\n  - when: total > 10\n    severity: warning\n    message: many\n  - when: total > 100\n    severity: critical\n    message: a lot\n  - when: total == 0\n    severity: info\n    message: none\nnext: owner\n```';

describe('check cells: one line that opens onto the YAML', () => {
  it('shows "Check · parser · rules · next" with the YAML in a closed <details>', () => {
    const root = rendered(CHECK);
    const details = root.querySelector('details.runbook-check') as HTMLDetailsElement;
    assert.ok(details, root.innerHTML);
    assert.equal(details.open, false, 'closed until the user opens it');
    assert.equal(details.querySelector('summary')?.textContent, 'Check · parse: ss-tan · 3 rules · next: owner');
    assert.equal(details.querySelector('pre code')?.textContent, CHECK.replace(/^```check\n/, '').replace(/```$/, ''));
    assert.equal(root.children.length, 1, 'nothing else in the cell');
  });

  it('uses the words of the status bar (the same summary for the same check)', () => {
    const step = parseRunbook(`\`\`\`sh {id=a}\nss -tan\n\`\`\`\n\n${CHECK}\n`).steps[0];
    assert.equal(
      checkLabel(step)?.text,
      `$(checklist) ${rendered(CHECK)
        .querySelector('summary')
        ?.textContent?.replace(/^Check · /, '')}`,
    );
  });

  it('says plainly when the YAML does not read, and still shows it', () => {
    const root = rendered('```check\nparse: [ss-tan\nnext: x\n```');
    const summary = root.querySelector('summary');
    assert.equal(summary?.textContent, '⚠ Check · does not read (see Problems)');
    assert.ok(summary?.querySelector('.runbook-check-unreadable'));
    assert.equal(root.querySelector('pre code')?.textContent, 'parse: [ss-tan\nnext: x\n');
    assert.equal(rendered('```check\n```').querySelector('summary')?.textContent, '⚠ Check · does not read (see Problems)', 'an empty check');
  });

  it('escapes every value from the file: no markup, script or link comes out of a check', () => {
    const hostile =
      '```check\nparse: "<img src=x onerror=alert(1)>"\nextract:\n  "<b>x</b>": "(\\\\d+)"\nnext: "<script>alert(2)</script>"\n# </details><script>alert(3)</script> https://example.com\n```';
    const root = rendered(hostile);
    assert.equal(root.querySelectorAll('img, script, b, a').length, 0, root.innerHTML);
    const tags = new Set([...root.querySelectorAll('*')].map((e) => e.tagName));
    assert.deepEqual([...tags].sort(), ['CODE', 'DETAILS', 'PRE', 'SPAN', 'SUMMARY']);
    for (const e of root.querySelectorAll('*'))
      assert.deepEqual(
        e.getAttributeNames().filter((a) => a !== 'class'),
        [],
        e.tagName,
      );
    assert.equal(root.querySelector('summary')?.textContent, 'Check · parse: <img src=x onerror=alert(1)> · 0 rules · next: <script>alert(2)</script>');
    assert.match(root.querySelector('pre code')?.textContent ?? '', /# <\/details><script>alert\(3\)<\/script> https:\/\/example.com/);
  });

  it('leaves other fences and prose to the standard renderer', () => {
    const root = rendered('# Title\n\n```sh\nls\n```\n\n```checklist\n- a\n```\n\n~~~check {x}\nparse: numbers\n~~~');
    assert.equal(root.querySelector('h1')?.textContent, 'Title');
    assert.equal(root.querySelectorAll('details').length, 1, 'only the check fence is a check');
    assert.equal(root.querySelector('summary')?.textContent, 'Check · parse: numbers · 0 rules');
    assert.deepEqual(
      [...root.querySelectorAll('pre > code')].map((c) => c.textContent),
      ['ls\n', '- a\n', 'parse: numbers\n'],
    );
  });
});
