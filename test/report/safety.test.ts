// An incident whose every field carries a payload (titles, names, hosts, values, tags, outputs):
// the HTML must stay inert and self-contained, the Markdown must show the payloads only as code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { Journal, readJournal } from '../../src/engine/journal';
import { renderHtml, REPORT_CSP } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import { validateMermaid } from '../../src/report/mermaid';
import { buildPostmortem, type Postmortem } from '../../src/report/postmortem';
import { evidenceRefFor } from '../../src/pipeline/evidenceFiles';
import { buildRunbook, recordRun, type StepSpec } from './fixture';

const P = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(2)>',
  details: '</details><script>alert(3)</script>',
  comment: '--> <svg onload=alert(4)>',
  link: '[click](javascript:alert(5))',
  fence: '```` ``` ~~~ `',
  mermaid: 'a"] --> b["x"]; click a call alert(6)\nnew line',
  style: '<style>*{display:none}</style><link rel=stylesheet href=https://evil.example/x.css>',
  ansi: '\u001b]8;;javascript:alert(7)\u0007link\u001b]8;;\u0007 \u001b[31mred\u001b[0m \u0007bell',
};
const ALL = Object.values(P).join(' ');

function poisonedIncident(dir: string): Postmortem {
  const recordPath = path.join(dir, `x${P.script.slice(0, 7)}.runbook.md`.replace(/[<>]/g, '_'));
  const step: StepSpec = {
    key: 'k"><script>',
    title: `Step ${P.script} ${P.mermaid}`,
    command: `echo '${P.details}' ${P.fence}`,
    confirm: true,
    findings: [{ when: `x > 1 ${P.img}`, severity: 'critical', message: `msg ${P.comment} ${P.link}`, hint: `hint ${P.style} | pipe`, next: 'end' }],
  };
  const runbook = buildRunbook([step], {
    title: P.script,
    tags: [P.img, P.link],
    incident: {
      id: `id ${P.details}`,
      title: `Title ${P.script} ${P.link}`,
      startedAt: '2026-11-23T08:00:00.000Z',
      responder: `resp ${P.img}`,
      template: `tpl ${P.style}`,
      target: [`host ${P.mermaid}`],
      parameters: { [`name ${P.script}`]: `value ${P.img}` },
    },
  });
  const journal = Journal.open(recordPath);
  journal.append({ type: 'note', text: `note ${ALL}`, time: '2026-11-23T08:00:30.000Z', author: `author ${P.img}` });
  recordRun(journal, recordPath, {
    runId: 'r1',
    step,
    host: `h ${P.script} ${P.mermaid}`,
    startedAt: '2026-11-23T08:01:00.000Z',
    durationMs: 5,
    // Lines that are only a fence would close a fence of the same length: the HTML after them would go live.
    output: ['```', '<script>alert(8)</script>', '````', '~~~', '<img src=x onerror=alert(9)>', ...Array.from({ length: 60 }, (_, i) => `${i} ${ALL}`)].join(
      '\n',
    ),
    values: { [`v ${P.script}`]: `val ${P.details}`, nested: { a: P.img } },
    raised: [{ rule: 0, message: `raised ${P.comment} ${P.link}` }],
    next: 'end',
    why: `why ${P.mermaid} ${P.comment}`,
    confirmedBy: { user: `u ${P.img}`, at: '2026-11-23T08:00:59.000Z' },
  });
  journal.append({ type: 'incident-end', time: '2026-11-23T08:05:00.000Z', status: `done ${P.script}` });
  journal.close();
  const { entries } = readJournal(journal.path);
  return buildPostmortem({ runbook, journal: entries, recordPath, now: new Date('2026-11-23T09:00:00.000Z') });
}

/** The runbook map is the one image: an SVG in a data: URL (an image cannot run or load anything); check its content too. */
function assertMapImageInert(document: Document, what: string): void {
  const images = [...document.querySelectorAll('img')];
  assert.ok(images.length <= 1, `${what}: more than the map image`);
  for (const img of images) {
    const src = img.getAttribute('src') ?? '';
    const m = /^data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)$/.exec(src);
    assert.ok(m && img.classList.contains('map'), `${what}: an image that is not the map: ${src.slice(0, 80)}`);
    const svg = new JSDOM(Buffer.from(m[1], 'base64').toString('utf8'), { contentType: 'image/svg+xml' }).window.document;
    assert.equal(svg.querySelectorAll('script, foreignObject, image, use, a, iframe').length, 0, `${what}: active elements in the map`);
    for (const el of svg.querySelectorAll('*'))
      for (const attr of el.getAttributeNames()) assert.equal(/^on|href$/i.test(attr), false, `${what}: map ${el.tagName} has ${attr}`);
    img.remove();
  }
}

function assertInert(document: Document, what: string): void {
  assertMapImageInert(document, what);
  assert.equal(document.querySelectorAll('script, iframe, object, embed, link, img, svg, form, base').length, 0, `${what}: active elements`);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      assert.equal(/^on/i.test(attr), false, `${what}: ${el.tagName} has ${attr}`);
      assert.equal(/javascript:/i.test(el.getAttribute(attr) ?? ''), false, `${what}: javascript: in ${attr}`);
    }
    assert.equal(el.hasAttribute('src') || el.hasAttribute('href'), false, `${what}: ${el.tagName} loads or links something`);
  }
}

describe('postmortem export with hostile fields', function () {
  let dir: string;
  let pm: Postmortem;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-xss-'));
    pm = poisonedIncident(dir);
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('HTML: no script, no handlers, no external resource, CSP present, payloads shown as text', function () {
    const html = renderHtml(pm);
    const { document } = new JSDOM(html).window;
    assertInert(document, 'html');
    assert.equal(document.querySelectorAll('style').length, 1, 'only our own style element');
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    assert.equal(csp?.getAttribute('content'), REPORT_CSP);
    assert.equal(document.head.contains(csp), true);
    // Well formed: every section made it into the body, the payload `</details>` closed nothing early.
    const headings = [...document.querySelectorAll('h2')].map((h) => h.textContent);
    assert.deepEqual(headings, [
      'Incident status',
      'Summary',
      'Impact',
      'Root cause candidates',
      'Trigger',
      'Detection',
      'Resolution',
      'Action items',
      'Lessons learned',
      'Timeline',
      'Path through the runbook',
      'Runbook map',
      'Evidence',
      'Appendix: full outputs',
    ]);
    const appendix = [...document.querySelectorAll('details')].at(-1)!;
    assert.match(appendix.textContent!, /59 <script>alert\(1\)<\/script>/, 'the last output line is text inside the last details block');
    assert.equal(document.title.includes('<script>'), true, 'the title shows the payload as text');
    assert.equal(html.includes('\u001b'), false);
    const mermaid = document.querySelector('pre.mermaid')!.textContent!;
    assert.deepEqual(validateMermaid(mermaid), []);
  });

  it('Markdown: payloads from outputs appear only inside code, nothing active after rendering', function () {
    const md = renderMarkdown(pm);
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(md), false, 'no control characters');
    const mermaid = /^```mermaid\n([\s\S]*?)\n```$/m.exec(md)![1];
    assert.deepEqual(validateMermaid(mermaid), []);
    for (const html of [true, false]) {
      const rendered = new MarkdownIt({ html }).render(md);
      const { document } = new JSDOM(`<!DOCTYPE html><body>${rendered}</body>`).window;
      assertInert(document, `markdown-it html:${html}`);
      // The output lines (`<n> <payloads>`) only ever show up inside <code>.
      const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
      let outsideCode = 0;
      let insideCode = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!/\d+ <script>alert\(1\)<\/script> <img src=x onerror=alert\(2\)> <\/details><script>/.test(node.textContent ?? '')) continue;
        if (node.parentElement?.closest('code')) insideCode++;
        else outsideCode++;
      }
      assert.equal(outsideCode, 0);
      assert.ok(insideCode >= 2, 'the evidence excerpt and the appendix show the output');
      const summaries = [...document.querySelectorAll('details > summary')];
      if (html) assert.equal(summaries.length, 1, 'one appendix block, not broken by the </details> in the output');
    }
  });

  it('Markdown: titles and messages are escaped text, tables keep their columns', function () {
    const md = renderMarkdown(pm);
    const rendered = new MarkdownIt({ html: true }).render(md);
    const { document } = new JSDOM(`<!DOCTYPE html><body>${rendered}</body>`).window;
    assert.equal(document.querySelector('h1')!.textContent, `Postmortem: Title ${P.script} ${P.link}`);
    for (const table of document.querySelectorAll('table')) {
      const width = table.querySelectorAll('thead th').length;
      for (const row of table.querySelectorAll('tbody tr')) assert.equal(row.querySelectorAll('td').length, width, row.textContent!);
    }
  });
});

// Evidence files: the one place the HTML links out. A hostile name on the host becomes a plain file
// name (evidenceRefFor); a hand-edited journal's `file` that is not a plain relative path is shown, not linked.
describe('postmortem export: evidence-file links with hostile names', function () {
  let dir: string;
  let pm: Postmortem;
  let safeRef: string;
  const hostileFiles = [
    'javascript:alert(10)',
    'x.evidence/r1/a" onmouseover="alert(11)',
    '../../../etc/passwd',
    '//evil.example/x.pcap',
    'data:text/html,<script>alert(12)</script>',
    '/etc/shadow',
    'x.evidence/r1/%2e%2e/leak',
  ];
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-files-'));
    const recordPath = path.join(dir, 'rec.runbook.md');
    const step: StepSpec = { key: 'cap', title: 'Capture', command: 'true' };
    const runbook = buildRunbook([step]);
    const remote = `/tmp/"><img src=x onerror=alert(13)> ${P.script}.pcap`;
    safeRef = evidenceRefFor(recordPath, 'r1', remote);
    const journal = Journal.open(recordPath);
    const file = { type: 'evidence-file' as const, runId: 'r1', step: { key: 'cap' }, host: `h ${P.img}`, time: '2026-11-23T08:02:00.000Z' };
    journal.append({ ...file, remotePath: remote, file: safeRef, bytes: 16, sha256: 'a'.repeat(64), kind: 'binary' });
    for (const hostile of hostileFiles)
      journal.append({ ...file, remotePath: `/tmp/${P.script}`, file: hostile, bytes: 1, sha256: 'b'.repeat(64), kind: 'text' });
    journal.close();
    pm = buildPostmortem({ runbook, journal: readJournal(journal.path).entries, recordPath, now: new Date('2026-11-23T09:00:00.000Z') });
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every link is the one plain relative evidence path; nothing else links, loads or runs. */
  function assertOnlyTheSafeLink(document: Document, what: string): void {
    const links = [...document.querySelectorAll('[href], [src]')].filter((el) => !el.classList.contains('map'));
    assert.deepEqual(
      links.map((el) => el.getAttribute('href')),
      [safeRef],
      `${what}: links`,
    );
    assert.match(safeRef, /^rec\.evidence\/r1\/[A-Za-z0-9._-]+$/);
    for (const el of document.querySelectorAll('*'))
      for (const attr of el.getAttributeNames()) assert.equal(/^on/i.test(attr), false, `${what}: ${el.tagName} has ${attr}`);
    assert.equal(document.querySelectorAll('script, iframe, object, embed, form, base').length, 0, `${what}: active elements`);
  }

  it('HTML: the hostile remote path is text, its stored name a plain relative link; hostile journal names are not linked', function () {
    const { document } = new JSDOM(renderHtml(pm)).window;
    assertMapImageInert(document, 'html');
    assertOnlyTheSafeLink(document, 'html');
    const table = document.querySelector('table.files')!;
    assert.equal(table.querySelectorAll('tbody tr').length, 1 + hostileFiles.length);
    assert.match(table.textContent!, /"><img src=x onerror=alert\(13\)> <script>alert\(1\)<\/script>\.pcap/, 'the remote path is shown as text');
  });

  it('Markdown: the same, rendered with and without inline HTML', function () {
    const md = renderMarkdown(pm);
    for (const html of [true, false]) {
      const { document } = new JSDOM(`<!DOCTYPE html><body>${new MarkdownIt({ html }).render(md)}</body>`).window;
      assertMapImageInert(document, `markdown-it html:${html}`);
      assertOnlyTheSafeLink(document, `markdown-it html:${html}`);
    }
  });
});
