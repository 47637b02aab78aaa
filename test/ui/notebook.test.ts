// The runbook notebook in real VS Code (code-server + headless Chromium), running steps over SSH on
// a loopback sshd: open as a notebook, pick the host, trust its key in the modal, run a step and see
// its output, values and decision, run the next step from the result's button, refuse a `confirm`
// step, show hostile output as text, and run nothing in Restricted Mode. Screenshots go to
// test-artifacts/ui/notebook-*.png. Run with scripts/test-ui.mjs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { processesRunning } from '../../src/testbed/processes';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import {
  clickDialogButton,
  commandPalette,
  modalDialog,
  notebookCells,
  notebookOutputs,
  openFile,
  runCommand,
  sleep,
  startVsCode,
  visibleMessages,
  type VsCode,
} from './harness';
import { checkCellPreview } from './checkCells';

const ADDRESS_BASE = 77;
/** A sleep with a command line no other process has: to find what is left on the host after cancel. */
const TICK = '1.0137';

/** The marker a refused `confirm` step would have created. */
const marker = join(tmpdir(), `runbook-ui-confirm-${process.pid}`);

function runbookText(): string {
  return `---
title: Loopback diagnosis
---

# Loopback diagnosis

Counts, then a hostile output, then a change that needs a yes.

\`\`\`sh {id=first title="Count things"}
echo first-step-marker
echo 95 100
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

\`\`\`sh {id=second title="Hostile output"}
printf '<img src=x onerror=alert(1)>\\n<script>alert(2)</script>\\n\\033[31mRED-TEXT\\033[0m\\n'
\`\`\`

\`\`\`sh {id=fix title="Change the host" confirm}
touch ${marker}
\`\`\`

\`\`\`sh {id=ticks title="Slow output"}
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo tick-$i; sleep ${TICK}; done
\`\`\`
`;
}

/**
 * A workspace with the runbook and an inventory naming the loopback sshd as `lab`, its host keys
 * checked against `knownHosts` (empty at first: the host-key question comes up; trusting writes there,
 * never to the user's ~/.ssh/known_hosts).
 */
function makeWorkspace(sshd: TestSshd, knownHosts: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-ui-ws-'));
  writeFileSync(join(dir, 'diag.runbook.md'), runbookText());
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(
    join(dir, 'runbooks', 'mini.runbook.md'),
    '---\ntitle: Mini check\nhosts: [lab]\n---\n\n# Mini check\n\n```sh {id=mini}\necho incident-marker 7 10\n```\n\n```check\nparse: numbers\noptions: { names: [used, limit] }\n```\n',
  );
  writeFileSync(
    join(dir, 'runbook-inventory.yaml'),
    `hosts:\n  lab: { hostname: ${sshd.addresses[0]}, port: ${sshd.port}, user: ${sshd.users.current}, identityFile: ${sshd.clientKey.privatePath}, identitiesOnly: "yes", userKnownHostsFile: ${knownHosts}, description: loopback sshd }\n`,
  );
  return dir;
}

async function openRunbook(page: Page): Promise<void> {
  await openFile(page, 'diag.runbook.md');
  await page.locator('.notebookOverlay').waitFor({ timeout: 30_000 });
  await notebookCells(page).filter({ hasText: 'first-step-marker' }).first().waitFor({ timeout: 30_000 });
}

/** The cell in the notebook the user sees: other open notebooks keep their (inert) cells in the DOM. */
async function activeCell(page: Page, text: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const cell of await notebookCells(page).filter({ hasText: text }).all()) {
      if (await cell.evaluate((e) => e.closest('[inert]') === null)) return cell;
    }
    if (Date.now() > deadline) throw new Error(`no cell with "${text}" in the notebook in front`);
    await sleep(250);
  }
}

/** Clicks the run button left of a step cell, as a user would. */
async function runCell(page: Page, text: string): Promise<void> {
  const cell = await activeCell(page, text);
  // Focusing the cell scrolls it into view and shows its run button.
  await cell.locator('.monaco-editor .view-lines').click();
  await cell.hover();
  await cell.locator('.run-button-container .action-label').first().click();
}

/** Scrolls the notebook list (for screenshots of cells near the bottom). */
async function scrollNotebook(page: Page, dy: number): Promise<void> {
  const box = await page.locator('.notebookOverlay .cell-list-container').boundingBox();
  if (!box) return;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.wheel(0, dy);
  await sleep(500);
}

function accepted(sshd: TestSshd): number {
  return sshd.countLog(/Accepted publickey/);
}

describe('UI notebook: running a runbook over SSH in VS Code', function () {
  let sshd: TestSshd;
  let workspace: string;
  let knownHosts: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: ADDRESS_BASE });
    knownHosts = join(mkdtempSync(join(tmpdir(), 'runbook-ui-kh-')), 'known_hosts');
    workspace = makeWorkspace(sshd, knownHosts);
  });

  after(async function () {
    await sshd?.stop();
    if (knownHosts) rmSync(dirname(knownHosts), { recursive: true, force: true });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    rmSync(marker, { force: true });
  });

  describe('in a trusted workspace', function () {
    let vscode: VsCode;

    before(async function () {
      vscode = await startVsCode({ workspace, trusted: true });
    });

    after(async function () {
      await vscode?.stop();
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') {
        await vscode?.screenshot(`notebook-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
        console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
      }
    });

    it('opens the runbook as a notebook: prose, step and check cells', async () => {
      const { page } = vscode;
      await openRunbook(page);
      assert.ok((await notebookCells(page).count()) >= 5, 'front matter, prose, steps and check are cells');
      // The check block is its own cell, drawn as one line.
      await (await checkCellPreview(page, 'Check · parse: numbers · 1 rule · next: second')).waitFor({ timeout: 30_000 });
      await vscode.screenshot('notebook-open');
    });

    it('picks the host from the inventory in the host picker, and shows it in the status bar', async () => {
      const { page } = vscode;
      const labels = await commandPalette(page, 'Runbook: Select Host or Group');
      assert.ok(labels.includes('Runbook: Select Host or Group'), labels.join(' | '));
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Runbook: Select Host or Group' }).first().click();
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'lab' }).first();
      await row.waitFor({ timeout: 20_000 });
      const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
      assert.ok(
        rows.some((r) => /local/.test(r)),
        `the picker lists local: ${rows.join(' | ')}`,
      );
      assert.ok(
        rows.some((r) => /lab/.test(r) && /inventory/.test(r)),
        `lab comes from the inventory: ${rows.join(' | ')}`,
      );
      await vscode.screenshot('notebook-host-picker');
      await row.click();
      await page.locator('.statusbar-item').filter({ hasText: 'lab' }).first().waitFor({ timeout: 10_000 });
    });

    it('asks to trust the host key with its fingerprint, then shows the output, values and decision; the wait is not in the duration', async () => {
      const { page } = vscode;
      const before = accepted(sshd);
      await runCell(page, 'first-step-marker');
      const dialog = await modalDialog(page);
      const shownAt = Date.now();
      const detail = await page.locator('.monaco-dialog-box .dialog-message-detail').innerText();
      assert.match(dialog.message, /authenticity of host/);
      assert.match(detail, /SHA256:[A-Za-z0-9+/]{43}/);
      assert.ok(detail.includes(sshd.hostKey.fingerprint), `the modal shows the sshd's key ${sshd.hostKey.fingerprint}: ${detail}`);
      await vscode.screenshot('notebook-host-key');
      // The user reads the fingerprint for a while (issue 15 point 11: "10.2 s" for a `cat`).
      await sleep(Math.max(0, 3_000 - (Date.now() - shownAt)));
      assert.ok(await page.locator('.monaco-dialog-box').isVisible(), 'the host-key modal is still up');
      const waited = Date.now() - shownAt;
      await clickDialogButton(page, 'Trust and connect');

      const outputs = notebookOutputs(page);
      const result = outputs.locator('.irb-result').first();
      await result.waitFor({ timeout: 60_000 });
      await outputs.locator('.irb-output pre').filter({ hasText: 'first-step-marker' }).first().waitFor({ timeout: 10_000 });
      const text = await result.innerText();
      assert.match(text, /count/);
      assert.match(text, /95/);
      assert.match(text, /count 95\/100/);
      assert.match(await result.locator('.irb-next').innerText(), /^Next: Hostile output — because /);
      assert.ok(accepted(sshd) > before, 'the step ran over SSH on the loopback sshd');
      // The key trusted goes into the known_hosts the inventory names (written as the connection goes
      // on; the host name hashed when ssh_config says HashKnownHosts, as Debian's does).
      const [keyType, keyBlob] = sshd.hostKey.publicLine.split(' ');
      const keyLine = new RegExp(` ${keyType} ${keyBlob!.replace(/[+/]/g, '\\$&')}$`, 'm');
      const keyDeadline = Date.now() + 15_000;
      while (!(existsSync(knownHosts) && keyLine.test(readFileSync(knownHosts, 'utf8'))) && Date.now() < keyDeadline) await sleep(250);
      assert.match(
        existsSync(knownHosts) ? readFileSync(knownHosts, 'utf8') : '(no file)',
        keyLine,
        'the key trusted is in the known_hosts the inventory names',
      );
      // The duration in the result's header starts when the command starts on the host, not at the click.
      const meta = await result.locator('.irb-meta').first().innerText();
      const took = /· (\d+) ms$/.exec(meta) ?? /· (\d+\.\d) s$/.exec(meta);
      assert.ok(took, `the result shows a duration: ${meta}`);
      const durationMs = meta.endsWith(' ms') ? Number(took[1]) : Number(took[1]) * 1000;
      assert.ok(waited >= 3_000, `the modal was up ${waited} ms`);
      assert.ok(durationMs < 2_000, `an echo took ${meta} after ${waited} ms of host-key modal: the wait is counted`);
      // VS Code's own timer in the cell's status bar (the check mark and seconds) says the same. It is
      // drawn as the success icon, then the seconds ("0.0s") as an item of its own, once the run has ended.
      const cell = await activeCell(page, 'first-step-marker');
      let items: { text: string; icons: string }[] = [];
      let timer: { text: string } | undefined;
      for (const timerDeadline = Date.now() + 15_000; !timer && Date.now() < timerDeadline; await sleep(250)) {
        items = await cell
          .locator('.cell-status-item')
          .evaluateAll((els) =>
            els.map((e) => ({ text: (e as HTMLElement).innerText.trim(), icons: [...e.querySelectorAll('.codicon')].map((c) => c.className).join(' ') })),
          );
        const success = items.findIndex((i) => /state-success/.test(i.icons));
        timer = success >= 0 ? items.slice(success, success + 2).find((i) => /^\d+(\.\d+)?s$/.test(i.text)) : undefined;
      }
      assert.ok(timer, `the cell shows its run time: ${JSON.stringify(items)}`);
      assert.ok(Number(timer.text.slice(0, -1)) < 2, `VS Code's cell timer says ${timer.text} after ${waited} ms of host-key modal: the wait is counted`);
      await vscode.screenshot('notebook-first-step');
    });

    it("runs the next step from the result's button and shows hostile output as text", async () => {
      const { page } = vscode;
      const outputs = notebookOutputs(page);
      await outputs.locator('.irb-result').first().locator('button.irb-run').click();
      const pre = outputs.locator('.irb-output pre').filter({ hasText: 'RED-TEXT' }).first();
      await pre.waitFor({ timeout: 60_000 });
      assert.equal(await pre.innerText(), '<img src=x onerror=alert(1)>\n<script>alert(2)</script>\nRED-TEXT\n');
      assert.equal(await pre.locator('span.ansi-fg-1').innerText(), 'RED-TEXT');
      assert.equal(await outputs.locator('.irb-result, .irb-output').locator('img, script, iframe, a').count(), 0);
      await vscode.screenshot('notebook-next-step');
    });

    it('asks before a confirm step, with the command and host, and runs nothing on Cancel', async () => {
      const { page } = vscode;
      const outputs = notebookOutputs(page);
      const before = accepted(sshd);
      const second = outputs.locator('.irb-result').filter({ hasText: 'Change the host' }).first();
      await second.waitFor({ timeout: 20_000 });
      assert.equal(await second.locator('button.irb-run').innerText(), 'Run next step…');
      await second.locator('button.irb-run').click();
      const dialog = await modalDialog(page);
      const detail = await page.locator('.monaco-dialog-box .dialog-message-detail').innerText();
      assert.match(dialog.message, /"Change the host" changes the host\. Run on lab\?/);
      assert.ok(detail.includes(`touch ${marker}`), detail);
      await vscode.screenshot('notebook-confirm');
      await clickDialogButton(page, 'Cancel');
      await sleep(2000);
      assert.equal(existsSync(marker), false, 'the confirm step did not run');
      assert.equal(accepted(sshd), before, 'no new SSH session');
    });

    it('Run All follows the decisions and stops before the confirm step when the user says no', async () => {
      const { page } = vscode;
      // Through the palette: the runbook's own toolbar items come first and may push Run All into "...".
      await runCommand(page, 'Notebook: Run All');
      const dialog = await modalDialog(page);
      assert.match(dialog.message, /"Change the host" changes the host\. Run on lab\?/);
      await clickDialogButton(page, 'Cancel');
      const toast = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: 'Stopped before' }).first();
      await toast.waitFor({ timeout: 20_000 });
      assert.match(await toast.innerText(), /Stopped before Change the host \(fix\): it changes the host and needs a yes/);
      await vscode.screenshot('notebook-run-all');
      assert.equal(existsSync(marker), false, 'the confirm step did not run');
      assert.equal(await notebookOutputs(page).getByText('tick-1').count(), 0, 'steps after the stop did not run');
    });

    it('streams output while a step runs, and its stop button ends the remote process', async () => {
      const { page } = vscode;
      await runCell(page, 'tick-$i');
      const outputs = notebookOutputs(page);
      // Live output: the first ticks show while the step still has seconds to go.
      await outputs.getByText('tick-2').first().waitFor({ timeout: 30_000 });
      assert.equal(await outputs.getByText('tick-12').count(), 0, 'the step is still running');
      assert.ok(processesRunning(`sleep ${TICK}`).length > 0, 'the step runs on the host');
      await scrollNotebook(page, 800);
      await vscode.screenshot('notebook-streaming');
      const cell = await activeCell(page, 'tick-$i');
      await cell.hover();
      await cell.locator('.run-button-container .action-label').first().click();
      await outputs.locator('.irb-result').filter({ hasText: 'cancelled' }).first().waitFor({ timeout: 20_000 });
      const deadline = Date.now() + 10_000;
      while (processesRunning(`sleep ${TICK}`).length > 0 && Date.now() < deadline) await sleep(250);
      assert.deepEqual(
        processesRunning(`sleep ${TICK}`).map((p) => p.args),
        [],
        'nothing of the step is left on the host',
      );
      await scrollNotebook(page, 800);
      await vscode.screenshot('notebook-cancelled');
    });

    it('offers an incident for a template under runbooks/, and a run in the record is saved into its file and journal', async () => {
      const { page } = vscode;
      await openFile(page, 'runbooks/mini.runbook.md');
      await notebookCells(page).filter({ hasText: 'incident-marker' }).first().waitFor({ timeout: 30_000 });
      await runCell(page, 'incident-marker');
      const dialog = await modalDialog(page);
      assert.match(dialog.message, /runbook template\. Start an incident first\?/);
      assert.ok(dialog.buttons.includes('Start Incident') && dialog.buttons.includes('Run in the Template'), dialog.buttons.join(' | '));
      await vscode.screenshot('notebook-template-offer');
      await clickDialogButton(page, 'Start Incident');
      // The title box comes prefilled with the template's title.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 20_000 });
      assert.equal(await input.inputValue(), 'Mini check');
      await page.keyboard.press('Enter');

      const incidents = join(vscode.folder, 'incidents');
      const deadline = Date.now() + 30_000;
      while (!(existsSync(incidents) && readdirSync(incidents).some((f) => f.endsWith('.runbook.md'))) && Date.now() < deadline) await sleep(250);
      const recordName = readdirSync(incidents).find((f) => f.endsWith('.runbook.md'));
      assert.ok(recordName, 'the record was created in incidents/');
      assert.match(recordName, /^\d{4}-\d{2}-\d{2}-mini-check\.runbook\.md$/);
      await page.locator('.tab').filter({ hasText: recordName }).first().waitFor({ timeout: 20_000 });

      // The record runs on the template's host without asking, and is saved as soon as the step ends.
      await runCell(page, 'incident-marker');
      const record = join(incidents, recordName);
      while (!readFileSync(record, 'utf8').includes('<!-- runbook:output ') && Date.now() < deadline + 60_000) await sleep(500);
      const text = readFileSync(record, 'utf8');
      assert.match(text, /^incident:$/m);
      assert.match(text, /<!-- runbook:output \{.*"host":"lab".*\} -->/);
      assert.match(text, /incident-marker 7 10/);
      const journal = readFileSync(join(incidents, recordName.replace(/\.runbook\.md$/, '.journal.jsonl')), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      assert.deepEqual(
        journal.map((e) => e.type),
        ['incident-start', 'step-start', 'step-end'],
      );
      await vscode.screenshot('notebook-incident-record');
    });
  });

  describe('in Restricted Mode', function () {
    let vscode: VsCode;

    before(async function () {
      vscode = await startVsCode({ workspace, trusted: false });
    });

    after(async function () {
      await vscode?.stop();
    });

    it('opens the runbook but runs nothing, and says so in the status bar', async () => {
      const { page } = vscode;
      await openRunbook(page);
      const before = accepted(sshd);
      await runCell(page, 'first-step-marker');
      // VS Code asks to trust the folder before any cell runs; saying no runs nothing.
      const dialog = await modalDialog(page);
      await vscode.screenshot('notebook-restricted');
      assert.match(dialog.message, /trust/i);
      await clickDialogButton(page, 'Cancel');
      await sleep(3000);
      assert.equal(accepted(sshd), before, 'no SSH connection in Restricted Mode');
      assert.equal(await notebookOutputs(page).locator('.irb-result, .irb-output').count(), 0);
      const status = page.locator('.statusbar-item').filter({ hasText: 'no host' }).first();
      assert.match((await status.getAttribute('aria-label')) ?? (await status.innerText()), /no host/);
      assert.equal(await status.locator('.codicon-shield').count(), 1, 'the target item shows the Restricted Mode shield');
    });

    it('runs once the user trusts the folder: the host picker comes up', async () => {
      const { page } = vscode;
      await runCell(page, 'first-step-marker');
      await modalDialog(page);
      await clickDialogButton(page, 'Trust Folder & Continue');
      // No target is known in this workspace yet, so the run asks for one: it got past the trust gate.
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'lab' }).first();
      await row.waitFor({ timeout: 30_000 });
      await vscode.screenshot('notebook-trusted-after-grant');
      await page.keyboard.press('Escape');
    });
  });
});
