// The incident's lifecycle in real VS Code (code-server + headless Chromium): in a recorded incident
// (triage on the lab's close-wait fault, recorded over SSH by test/replay/recordFixtures.ts, with its
// journal), the responder adds a timeline note, marks the incident mitigated ("10 min ago") and
// resolved, and exports the postmortem: the exported editor shows the status Resolved and the note;
// a Markdown cell added to the record is journaled when saved; Show Plan opens the plan beside it.
// Run with scripts/test-ui.mjs.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { activeNotebookCell, openFile, pickHost, repoRoot, runCommand, sleep, startVsCode, visibleMessages, type VsCode } from './harness';

const RECORD_DIR = join(repoRoot, 'test/replay/records/triage-close-wait');
const RECORD = readdirSync(RECORD_DIR).find((f) => f.endsWith('.runbook.md'))!;
const NOTE = 'Owner of the CLOSE_WAIT sockets is the report worker; paged its team';

/** Answers the quick input in front (an input box): types `text` and presses Enter. */
async function answerInput(page: Page, text: string, title: RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.filter({ hasText: title }).waitFor({ timeout: 20_000 });
  const input = widget.locator('input');
  await input.fill(text);
  await sleep(200); // the box validates as it is typed
  await page.keyboard.press('Enter');
  await widget.filter({ hasText: title }).waitFor({ state: 'hidden', timeout: 20_000 });
}

async function waitForMessage(page: Page, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await visibleMessages(page)).find((m) => pattern.test(m));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no message matching ${pattern}; showing: ${(await visibleMessages(page)).join(' | ')}`);
    await sleep(250);
  }
}

/** The text of the editor in front, as shown (only the lines on screen; wrapped lines joined by a space). */
async function editorLines(page: Page): Promise<string> {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first().innerText()).replace(/[\s\u00a0]+/g, ' ');
}

describe('incident lifecycle in VS Code', function () {
  let vscode: VsCode;
  let workspace: string;

  before(async function () {
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-lifecycle-'));
    cpSync(RECORD_DIR, workspace, { recursive: true });
    vscode = await startVsCode({ workspace, trusted: true });
  });
  after(async function () {
    await vscode?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vscode?.screenshot(`lifecycle-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
  });

  it('adds a note, sets the status, and the exported postmortem shows both', async () => {
    const { page } = vscode;
    await openFile(page, RECORD);
    await activeNotebookCell(page, 'title: TCP triage');

    await runCommand(page, 'Runbook: Add Timeline Note');
    await answerInput(page, NOTE, /A line for the incident's timeline/);
    await answerInput(page, 'now', /When it happened/);
    await waitForMessage(page, /Note added to the timeline at/);

    await runCommand(page, 'Runbook: Mark Incident Mitigated');
    await answerInput(page, '10 min ago', /When it happened/);
    await answerInput(page, '', /When did the impact start/);
    await waitForMessage(page, /Incident mitigated/);

    await runCommand(page, 'Runbook: Mark Incident Resolved');
    await answerInput(page, 'now', /When it happened/);
    await waitForMessage(page, /Incident resolved/);

    await runCommand(page, 'Runbook: Export Postmortem');
    const markdown = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Markdown' }).first();
    await markdown.waitFor({ timeout: 20_000 });
    await markdown.click();
    const postmortem = join(vscode.folder, RECORD.replace(/\.runbook\.md$/, '.postmortem.md'));
    const deadline = Date.now() + 30_000;
    while (!existsSync(postmortem) && Date.now() < deadline) await sleep(250);
    await page.locator('.tab').filter({ hasText: '.postmortem.md' }).first().waitFor({ timeout: 20_000 });

    // What the user sees at the top of the exported file: the status and the key times.
    const top = await editorLines(page);
    assert.match(top, /\| \*\*Status\*\* \| Draft; incident Resolved at /);
    assert.match(top, /\| \*\*Time to mitigate\*\* \|/);
    assert.match(top, /\| \*\*Time to resolve\*\* \|/);

    // The note, found with the editor's own search: its line in the timeline comes into view.
    await page.keyboard.press('Control+F');
    await page.keyboard.type('paged its team');
    await page.keyboard.press('Enter');
    const until = Date.now() + 10_000;
    let shown = '';
    while (!/note by .*: Owner of the CLOSE\\?_WAIT sockets is the report worker; paged its team/.test(shown) && Date.now() < until) {
      await sleep(250);
      shown = await editorLines(page);
    }
    assert.match(shown, /note by .*: Owner of the CLOSE\\?_WAIT sockets is the report worker; paged its team/);
    await vscode.screenshot('lifecycle-postmortem');

    const text = readFileSync(postmortem, 'utf8');
    assert.match(text, /## Incident status/);
    const journal = readFileSync(join(vscode.folder, RECORD.replace(/\.runbook\.md$/, '.journal.jsonl')), 'utf8');
    assert.deepEqual(
      [...journal.matchAll(/"type":"status","status":"(\w+)"/g)].map((m) => m[1]),
      ['mitigated', 'resolved'],
    );
  });

  it('stamps a Markdown cell added to the record, and shows the plan in a read-only editor', async () => {
    const { page } = vscode;
    await openFile(page, RECORD);
    const first = await activeNotebookCell(page, 'title: TCP triage');
    await first.click();
    await page.keyboard.press('Escape');
    await runCommand(page, 'Notebook: Insert Markdown Cell Below');
    await sleep(500);
    await page.keyboard.type('Rolled back the report worker at 11:40; CLOSE_WAIT falling');
    await page.keyboard.press('Escape');
    await runCommand(page, 'File: Save');
    const journalFile = join(vscode.folder, RECORD.replace(/\.runbook\.md$/, '.journal.jsonl'));
    const deadline = Date.now() + 20_000;
    while (!readFileSync(journalFile, 'utf8').includes('"source":"markdown-cell"') && Date.now() < deadline) await sleep(250);
    const cellNote = readFileSync(journalFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; source?: string; text?: string })
      .find((e) => e.source === 'markdown-cell');
    assert.equal(cellNote?.text, 'Rolled back the report worker at 11:40; CLOSE_WAIT falling');

    await pickHost(page, 'local');
    await runCommand(page, 'Runbook: Show Plan');
    await page.locator('.tab').filter({ hasText: 'Plan of' }).first().waitFor({ timeout: 20_000 });
    const plan = await editorLines(page);
    assert.match(plan, /Plan for .*triage-close-wait\.runbook\.md .*nothing is run and no host is contacted/);
    assert.match(plan, /Target: local \(1 host\)/);
    await vscode.screenshot('lifecycle-plan');
  });
});
