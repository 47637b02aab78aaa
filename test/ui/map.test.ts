// "Runbook: Show Map" in real VS Code (code-server + headless Chromium): a real incident record
// (triage on the lab's close-wait fault, recorded over SSH by test/replay/recordFixtures.ts) opens
// as a notebook with its saved outputs, so no SSH is needed here. The map shows every step as a
// node, the path the incident took highlighted, and a click on a node reveals its cell.
// Screenshot: docs/images/map.png. Run with scripts/test-ui.mjs.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { parseRunbook } from '../../src/runbook/parse';
import { activeNotebookCell, closeQuickInput, openFile, repoRoot, runCommand, sleep, startVsCode, type VsCode } from './harness';

const RECORD_DIR = join(repoRoot, 'test/replay/records/triage-close-wait');
const RECORD = readdirSync(RECORD_DIR).find((f) => f.endsWith('.runbook.md'))!;

/** The frame of the map's webview: the one that draws `svg.runbook-map-view` (the notebook has its own webview). */
async function mapFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.$('svg.runbook-map-view').catch(() => null)) return frame;
    }
    if (Date.now() > deadline) throw new Error('no webview draws the runbook map');
    await sleep(250);
  }
}

describe('runbook map in VS Code', function () {
  let vscode: VsCode;
  let workspace: string;
  const record = parseRunbook(readFileSync(join(RECORD_DIR, RECORD), 'utf8'), RECORD);
  const taken = [
    ...new Set(
      record.steps
        .flatMap((s) => s.outputs.map((o) => ({ step: o.step, at: o.startedAt })))
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((o) => o.step),
    ),
  ];

  before(async function () {
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-map-'));
    copyFileSync(join(RECORD_DIR, RECORD), join(workspace, RECORD));
    vscode = await startVsCode({ workspace, trusted: true });
  });
  after(async function () {
    await vscode?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vscode?.screenshot(`map-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
  });

  it('shows every step as a node and the recorded path highlighted, beside the notebook', async () => {
    assert.deepEqual(taken, ['conntrack-usage', 'kernel-log', 'server-sockets', 'close-wait-owner'], 'the record fixture is the close-wait triage');
    const { page } = vscode;
    await openFile(page, RECORD);
    await activeNotebookCell(page, 'title: TCP triage');
    await runCommand(page, 'Runbook: Show Map');
    const frame = await mapFrame(page);
    await frame.waitForSelector('g.node.taken');
    const steps = await frame.$$eval('g.node.step', (nodes) => nodes.map((n) => n.getAttribute('data-step')));
    assert.deepEqual(
      steps,
      record.steps.map((s) => s.key),
      'one node per step, in file order',
    );
    const highlighted = await frame.$$eval('g.node.taken', (nodes) => nodes.map((n) => n.getAttribute('data-step')));
    assert.deepEqual(highlighted.sort(), [...taken].sort());
    const edges = await frame.$$eval('g.edge.taken', (list) => list.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
    // The record's last decision was the end (next: end), so the edge to End is on the path too.
    assert.deepEqual(edges.sort(), ['close-wait-owner>(end)', 'conntrack-usage>kernel-log', 'kernel-log>server-sockets', 'server-sockets>close-wait-owner']);
    assert.equal(await frame.$eval('g.node.current', (n) => n.getAttribute('data-step')), 'close-wait-owner');
    assert.match(await frame.$eval('g.node[data-step="close-wait-owner"]', (n) => n.getAttribute('class') ?? ''), /verdict-critical/);
    // Theme colours: the path's stroke is the theme's blue, resolved from a CSS variable.
    const stroke = await frame.$eval('g.edge.taken path', (p) => getComputedStyle(p).stroke);
    assert.match(stroke, /^rgb/, `taken edges have a theme colour, got ${stroke}`);
  });

  it('reveals the step cell when its node is clicked', async () => {
    const { page } = vscode;
    const frame = await mapFrame(page);
    await frame.click('g.node[data-step="peer-compare"]');
    // The last step of the file: its cell is revealed and selected in the notebook.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const focused = page.locator('.notebookOverlay .monaco-list-row.focused').filter({ visible: true });
      const text = (await focused.allInnerTexts()).join('\n');
      if (text.includes('peer_ns')) break;
      if (Date.now() > deadline) throw new Error(`the focused cell is not the peer-compare step:\n${text.slice(0, 400)}`);
      await sleep(250);
    }
    const cell = await activeNotebookCell(page, 'ip netns exec "$peer_ns"');
    assert.equal(await cell.isVisible(), true);

    // For the README: more room for the map, the critical step's cell in view, the pointer out of the way.
    await runCommand(page, 'View: Close Primary Side Bar').catch(() => closeQuickInput(page)); // cosmetic: only changes the picture
    for (const command of ['View: Close Secondary Side Bar', 'View: Hide Secondary Side Bar', 'View: Toggle Secondary Side Bar Visibility']) {
      if (
        await runCommand(page, command).then(
          () => true,
          () => closeQuickInput(page).then(() => false),
        )
      )
        break;
    }
    await frame.click('g.node[data-step="close-wait-owner"]');
    await activeNotebookCell(page, 'ss -Htanp');
    await page.mouse.move(5, 880);
    await sleep(500);
    await page.screenshot({ path: join(repoRoot, 'docs/images/map.png') });
  });
});
