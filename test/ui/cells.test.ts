// The notebook's chrome in real VS Code (code-server + headless Chromium) over a loopback sshd:
// parameters asked at Start Incident and changed with Set Parameter (status bar), the cell status
// bar (title, id, timeout, hosts, CHANGES THE HOST, run affordance), compact check cells, the host
// picker's preselection, Run to Next Decision (cell toolbar) that does not run a step twice, the run
// summary that stays in the status bar and reveals the step, the toolbar's items, the unclosed-fence
// diagnostic, and Export Postmortem from the exported file with the HTML in a preview.
// Screenshots: docs/images/parameter-prompt.png, docs/images/run-summary.png, docs/images/cell-status.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import {
  activeNotebookCell,
  closeQuickInput,
  commandPalette,
  goToStep,
  openFile,
  repoRoot,
  runCommand,
  sleep,
  startVsCode,
  visibleMessages,
  type VsCode,
  sshdHostFields,
} from './harness';
import { checkCellPreview, notebookRowAt } from './checkCells';

const quickInput = '.quick-input-widget';
const rows = `${quickInput} .quick-input-list .monaco-list-row`;

const TEMPLATE = `---
title: Mini triage
params:
  port: { default: "8080", type: port, prompt: "Port of the service" }
  label: { default: "web", pattern: "[a-z]{1,10}", prompt: "A label for the run" }
---

# Mini triage

\`\`\`sh {id=first title="Count things" timeout=10s}
test -n {{port}} && echo 95 100
\`\`\`

\`\`\`check
parse: numbers
options: { names: [count, max] }
findings:
  - when: count >= max * 0.9
    severity: warning
    message: "count {{count}}/{{max}}"
next: second
\`\`\`

\`\`\`sh {id=second title="Find the owner"}
echo 3
\`\`\`

\`\`\`check
parse: numbers
options: { names: [n] }
findings:
  - when: n > 0
    severity: critical
    message: "{{n}} stuck"
next: fix
\`\`\`

\`\`\`sh {id=fix title="Restart it" confirm}
true restart
\`\`\`
`;

const BROKEN = `---
title: Broken fence
---

# Broken

\`\`\`sh {id=ok}
echo ok
\`\`\`

Then a step whose fence is never closed:

\`\`\`sh {id=late}
uptime
`;

function makeWorkspace(sshd: TestSshd): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-ui-cells-'));
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'runbooks', 'mini.runbook.md'), TEMPLATE);
  writeFileSync(join(dir, 'broken.runbook.md'), BROKEN);
  const user = sshd.users.test ?? sshd.users.current;
  const host = (name: string, i: number) => `  ${name}: { ${sshdHostFields(sshd, sshd.addresses[i], user)} }`;
  writeFileSync(join(dir, 'runbook-inventory.yaml'), ['hosts:', host('lab', 0), host('lab2', 1), ''].join('\n'));
  return dir;
}

const statusItem = (page: Page, text: string | RegExp) => page.locator('.statusbar-item').filter({ hasText: text }).first();

/** The cell status bar's text of a cell. */
/**
 * The cell status bar's text once it shows every one of `parts` (VS Code draws the items a moment
 * after the cell comes into view; read at once it was empty under load), else as it is after 15 s.
 */
async function cellStatus(cell: Locator, parts: string[]): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = (await cell.locator('.cell-statusbar-container').innerText()).replace(/\s+/g, ' ');
    if (parts.every((p) => text.includes(p)) || Date.now() > deadline) return text;
    await sleep(250);
  }
}

async function focusedRowText(page: Page): Promise<string> {
  return page.locator(`${rows}.focused`).first().innerText();
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
  await page.screenshot({ path: join(repoRoot, 'docs', 'images', `${name}.png`) });
}

/**
 * The row of the cell with `text` in the notebook in front, located by its row id: a locator by
 * position among matching rows would drift to another row (the list recycles and reorders rows, and
 * other open notebooks keep inert rows).
 */
async function cellWith(page: Page, text: string, timeoutMs = 30_000): Promise<Locator> {
  const row = await activeNotebookCell(page, text, timeoutMs);
  const id = await row.getAttribute('id');
  return id ? page.locator(`[id="${id}"]`) : row;
}

/** A cell of the notebook in front, scrolling to it: the list renders only the cells in view. */
async function cellScrolledTo(page: Page, text: string, dy = 300): Promise<Locator> {
  for (let i = 0; i < 12; i++) {
    const found = await cellWith(page, text, 1_500).catch(() => undefined);
    if (found) return found;
    const box = await page.locator('.notebookOverlay .cell-list-container').filter({ visible: true }).first().boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, dy);
    await sleep(300);
  }
  return cellWith(page, text, 1_000);
}

/** Scrolls the notebook in front to its top (cells near the top edge sit under the title bar otherwise). */
async function scrollToTop(page: Page): Promise<void> {
  const box = await page.locator('.notebookOverlay .cell-list-container').filter({ visible: true }).first().boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // One big wheel event moves the list only so far: several, until the top.
  for (let i = 0; i < 8; i++) {
    await page.mouse.wheel(0, -3000);
    await sleep(100);
  }
  await sleep(400);
}

/** Waits for `text` in a step's result (outputs live in webview frames; other open notebooks have their own). */
async function outputShows(page: Page, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame
        .evaluate((t) => [...document.querySelectorAll('.irb-result')].some((e) => (e.textContent ?? '').includes(t)), text)
        .catch(() => false);
      if (found) return;
    }
    if (Date.now() > deadline) throw new Error(`no result shows "${text}"`);
    await sleep(500);
  }
}

/**
 * Which cell the notebook's selection is on, as VS Code's status bar says it ("Cell 5 of 7"); waits
 * until it is `expected` (or the time is up) and returns the last one seen.
 */
async function selectedCell(page: Page, expected: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  let seen = 0;
  for (;;) {
    const text = await page
      .locator('.statusbar-item')
      .filter({ hasText: /^Cell \d+ of \d+$/ })
      .first()
      .innerText()
      .catch(() => '');
    seen = Number(/Cell (\d+)/.exec(text)?.[1] ?? 0);
    if (seen === expected || Date.now() > deadline) return seen;
    await sleep(250);
  }
}

/** Cells of the record: 1 front matter, 2 heading, 3 first, 4 its check, 5 second, 6 its check, 7 fix. */
const CELL = { first: 3, second: 5 };

describe('UI cells: the notebook chrome an on-call engineer needs', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;
  let recordName = '';

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 151, addresses: 2 });
    workspace = makeWorkspace(sshd);
    vscode = await startVsCode({ workspace, trusted: true });
  });

  after(async function () {
    await vscode?.stop();
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`cells-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  it('Start Incident asks every parameter prefilled with its default, and refuses a bad port', async () => {
    const { page } = vscode;
    await openFile(page, 'runbooks/mini.runbook.md');
    await cellWith(page, 'test -n');
    await runCommand(page, 'Runbook: Start Incident from This Runbook');
    const input = page.locator(`${quickInput} input`);
    await page.locator(`${quickInput} .quick-input-title`).filter({ hasText: 'Start incident' }).waitFor({ timeout: 20_000 });
    assert.equal(await input.inputValue(), 'Mini triage', 'the title box first');
    await page.keyboard.press('Enter');
    const title = page.locator(`${quickInput} .quick-input-title`);
    await title.filter({ hasText: 'parameter 1 of 2: port' }).waitFor({ timeout: 10_000 });
    assert.equal(await input.inputValue(), '8080', 'prefilled with the default');
    await input.fill('99999');
    const message = page.locator(`${quickInput} .quick-input-message`);
    await message.filter({ hasText: /port/i }).waitFor({ timeout: 10_000 });
    const refusal = await message.innerText();
    await shot(page, 'parameter-prompt');
    await page.keyboard.press('Enter');
    await sleep(500);
    assert.match(await title.innerText(), /parameter 1 of 2: port/, `Enter on a bad value keeps asking (${refusal})`);
    await input.fill('9090');
    await page.keyboard.press('Enter');
    await title.filter({ hasText: 'parameter 2 of 2: label' }).waitFor({ timeout: 10_000 });
    assert.equal(await input.inputValue(), 'web');
    await page.keyboard.press('Enter');

    const incidents = join(vscode.folder, 'incidents');
    const deadline = Date.now() + 30_000;
    while (!(existsSync(incidents) && readdirSync(incidents).some((f) => f.endsWith('.runbook.md'))) && Date.now() < deadline) await sleep(250);
    recordName = readdirSync(incidents).find((f) => f.endsWith('.runbook.md')) ?? '';
    assert.ok(recordName, 'the record was created');
    // The name is reserved first, the content written right after.
    while (!readFileSync(join(incidents, recordName), 'utf8').includes('incident:') && Date.now() < deadline) await sleep(250);
    assert.match(readFileSync(join(incidents, recordName), 'utf8'), /port: "?9090"?/, 'the record keeps the typed port');
    await page.locator('.tab').filter({ hasText: recordName }).first().waitFor({ timeout: 20_000 });
    await statusItem(page, 'port=9090 · label=web').waitFor({ timeout: 20_000 });
  });

  it('Set Parameter changes a value and the status bar shows it', async () => {
    const { page } = vscode;
    await runCommand(page, 'Runbook: Set Parameter');
    const port = page.locator(rows).filter({ hasText: 'port' }).first();
    await port.waitFor({ timeout: 10_000 });
    assert.match(await port.innerText(), /= 9090/);
    await port.click();
    const input = page.locator(`${quickInput} input`);
    await page.locator(`${quickInput} .quick-input-title`).filter({ hasText: 'Set parameter port' }).waitFor();
    assert.equal(await input.inputValue(), '9090');
    await input.fill('9191');
    await page.keyboard.press('Enter');
    await statusItem(page, 'port=9191').waitFor({ timeout: 10_000 });
    // In a record the value is written into its front matter: the file and the postmortem say what the steps use.
    const record = join(vscode.folder, 'incidents', recordName);
    const deadline = Date.now() + 15_000;
    while (!/port: "?9191"?/.test(readFileSync(record, 'utf8')) && Date.now() < deadline) await sleep(250);
    assert.match(readFileSync(record, 'utf8'), /port: "?9191"?/);
  });

  it('step cells show title, id, timeout, hosts and CHANGES THE HOST with their own run affordance; a check cell is one line, opens onto its YAML, and has no run button', async () => {
    const { page } = vscode;
    const first = await cellWith(page, 'test -n');
    const firstParts = ['Count things', 'id: first', '10s', 'notebook target', 'Run step'];
    const status = await cellStatus(first, firstParts);
    for (const part of firstParts) assert.ok(status.includes(part), `"${part}" in: ${status}`);
    assert.ok(!status.includes('CHANGES THE HOST'), status);

    // The check under it is a Markdown cell drawn as one line; its YAML shows only once opened.
    const check = await checkCellPreview(page, 'Check · parse: numbers · 1 rule · next: second');
    await check.waitFor({ timeout: 30_000 });
    const yaml = check.locator('pre.runbook-check-yaml');
    assert.equal(await yaml.isVisible(), false, 'the YAML is folded away');
    assert.equal(await check.evaluate((d) => (d as HTMLDetailsElement).open), false);
    // Its row in the notebook list (the row under the drawn line) is a Markdown row: no run button to hover.
    const checkRow = await notebookRowAt(page, check.locator('summary'));
    assert.match((await checkRow.getAttribute('class')) ?? '', /markdown-cell-row/, 'the check is a Markdown cell');
    assert.ok((await first.locator('.run-button-container').count()) > 0, 'a step cell has its run button');
    await check.locator('summary').hover();
    assert.equal(await checkRow.locator('.run-button-container').count(), 0, 'the check cell has none');

    await check.locator('summary').click();
    await yaml.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await yaml.innerText(), /findings:\s+- when: count >= max \* 0\.9/);
    await check.locator('summary').click();
    await yaml.waitFor({ state: 'hidden', timeout: 10_000 });

    // Editing is VS Code's own: a double-click opens the fenced text in the cell's editor; Escape draws it again.
    await check.locator('summary').dblclick();
    const editor = checkRow.locator('.monaco-editor .view-lines');
    await editor.filter({ hasText: 'findings:' }).waitFor({ timeout: 10_000 });
    assert.match(await editor.innerText(), /^```check\s+parse:\s+numbers/);
    await page.keyboard.press('Escape');
    await (await checkCellPreview(page, 'Check · parse: numbers · 1 rule · next: second')).locator('summary').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await checkRow.locator('.monaco-editor').filter({ visible: true }).count(), 0, 'back to the one line');

    const fix = await cellScrolledTo(page, 'true restart');
    const fixParts = ['CHANGES THE HOST', 'Restart it', 'id: fix', '1m', 'Run… (asks)'];
    const fixStatus = await cellStatus(fix, fixParts);
    for (const part of fixParts) assert.ok(fixStatus.includes(part), `"${part}" in: ${fixStatus}`);
    await shot(page, 'cell-status');
  });

  it("a step runs from its status bar's run affordance; the picker puts local last, marked as this machine", async () => {
    const { page } = vscode;
    await scrollToTop(page);
    const first = await cellScrolledTo(page, 'test -n', 300);
    await first.locator('.cell-status-item').filter({ hasText: 'Run step' }).click();
    await page.locator(rows).filter({ hasText: 'lab2' }).first().waitFor({ timeout: 20_000 });
    const listed = await page.locator(rows).allInnerTexts();
    assert.match(listed.at(-1) ?? '', /local/, `local is last: ${listed.join(' | ')}`);
    assert.match(listed.at(-1) ?? '', /this machine/);
    assert.doesNotMatch(await focusedRowText(page), /local/, 'Enter would not run on this machine');
    await page.locator(rows).filter({ hasText: 'lab2' }).first().click();
    await outputShows(page, 'count 95/100');
    await statusItem(page, '1 step, 1 finding, first done, next: second').waitFor({ timeout: 20_000 });
  });

  it('the host picker preselects the last remote host used for this runbook', async () => {
    const { page } = vscode;
    await runCommand(page, 'Runbook: Select Host or Group');
    await page.locator(rows).filter({ hasText: 'lab2' }).first().waitFor({ timeout: 20_000 });
    const focused = await focusedRowText(page);
    assert.match(focused, /lab2/, `lab2 is preselected: ${focused}`);
    assert.match(focused, /last used for this runbook/);
    await closeQuickInput(page);
  });

  it('Run to Next Decision in the cell toolbar continues after a step that ran, stops at CRITICAL, and reveals it; the summary stays', async () => {
    const { page } = vscode;
    await scrollToTop(page);
    const first = await cellScrolledTo(page, 'test -n', 300);
    // Found again each time: after a run the view moves to the verdict, and the list re-renders its rows.
    const order = async () => {
      // The reveal of the verdict lands a moment after the run's result shows: scroll after it.
      await sleep(1500);
      await scrollToTop(page);
      await scrollToTop(page);
      const cell = await cellScrolledTo(page, 'test -n', 300);
      return (await cell.locator('.execution-count-label').innerText()).trim();
    };
    const before = (await first.locator('.execution-count-label').innerText()).trim();
    await first.locator('.monaco-editor .view-lines').click();
    await first.hover();
    const button = first.locator('.cell-title-toolbar .action-label[aria-label^="Run to Next Decision"]');
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await button.click();
    const summary = statusItem(page, '1 step, 1 finding, stopped: CRITICAL on second');
    await summary.waitFor({ timeout: 60_000 });
    await outputShows(page, '3 stuck', 20_000);
    assert.equal(await order(), before, 'the step that already ran did not run again');
    const journal = readFileSync(join(vscode.folder, 'incidents', recordName.replace(/\.runbook\.md$/, '.journal.jsonl')), 'utf8');
    const starts = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; step?: { key: string } })
      .filter((e) => e.type === 'step-start')
      .map((e) => e.step?.key);
    assert.deepEqual(starts, ['first', 'second'], 'each step is journaled once');
    assert.equal(await selectedCell(page, CELL.second), CELL.second, 'the view moved to the step where it stopped');

    // Elsewhere in the notebook, the summary is still there and brings the step back.
    await goToStep(page, 'Count things', 'test -n');
    assert.equal(await selectedCell(page, CELL.first), CELL.first, 'the selection moved away');
    await shot(page, 'run-summary');
    await summary.click();
    assert.equal(await selectedCell(page, CELL.second), CELL.second, 'clicking the summary reveals the step');
    await (await cellScrolledTo(page, 'echo 3', 300)).waitFor({ state: 'visible' });
  });

  it('the notebook toolbar shows Pick Host, Start Incident, Run to Next Decision and Export', async () => {
    const { page } = vscode;
    const toolbar = page.locator('.notebookOverlay .notebook-toolbar-container').filter({ visible: true }).first();
    const labels = (await toolbar.locator('.action-item').filter({ visible: true }).allInnerTexts()).map((t) => t.trim());
    for (const label of ['Pick Host', 'Start Incident', 'Run to Next Decision', 'Export'])
      assert.ok(labels.includes(label), `"${label}" on the toolbar, not in "...": ${labels.join(' | ')}`);
  });

  it('an unclosed fence is an error in Problems with its line and what to do', async () => {
    const { page } = vscode;
    await openFile(page, 'broken.runbook.md');
    await cellWith(page, 'echo ok');
    await runCommand(page, 'Runbook: Check Runbook');
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'is never closed' }).first();
    await problem.waitFor({ timeout: 30_000 });
    const text = await problem.innerText();
    assert.match(text, /add a line with just ```/, text);
    assert.match(text, /\[Ln \d+, Col \d+\]|Ln \d+/, `it names the line: ${text}`);
  });

  it('Export Postmortem opens the HTML in a preview, and stays in the palette while the export has the focus', async () => {
    const { page } = vscode;
    await openFile(page, `incidents/${recordName}`);
    await sleep(1500);
    await scrollToTop(page);
    await scrollToTop(page);
    await cellScrolledTo(page, 'test -n');
    await runCommand(page, 'Runbook: Export Postmortem');
    await page.locator(rows).filter({ hasText: 'HTML' }).first().click();
    const tab = page
      .locator('.tab')
      .filter({ hasText: /Preview: .*\.postmortem\.html/ })
      .first();
    await tab.waitFor({ timeout: 30_000 });
    // The preview is a webview (no notebook in front): its text is the rendered page, not HTML source.
    const deadline = Date.now() + 20_000;
    let rendered = '';
    while (!rendered && Date.now() < deadline) {
      for (const frame of page.frames()) {
        const body = await frame.evaluate(() => document.querySelector('h1')?.textContent ?? '').catch(() => '');
        if (body.startsWith('Postmortem: ')) rendered = body;
      }
      if (!rendered) await sleep(500);
    }
    assert.equal(rendered, 'Postmortem: Mini triage');
    assert.equal(await page.locator('.monaco-editor .view-lines').filter({ hasText: '<!DOCTYPE' }).count(), 0, 'not opened as source text');

    const labels = await commandPalette(page, 'Runbook: Export Postmortem');
    assert.ok(labels.includes('Runbook: Export Postmortem'), `with the preview focused: ${labels.join(' | ')}`);
    await page.locator(rows).filter({ hasText: 'Runbook: Export Postmortem' }).first().click();
    const title = page.locator(`${quickInput} .quick-input-title`);
    await title.waitFor({ timeout: 10_000 });
    assert.match(await title.innerText(), new RegExp(`Export postmortem of incidents/${recordName.replace(/\./g, '\\.')} as`));
    await page.locator(rows).filter({ hasText: 'Markdown' }).first().click();
    await page
      .locator('.tab')
      .filter({ hasText: /\.postmortem\.md/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const again = await commandPalette(page, 'Runbook: Export Postmortem');
    assert.ok(again.includes('Runbook: Export Postmortem'), `with the Markdown export focused: ${again.join(' | ')}`);
    await closeQuickInput(page);
  });
});
