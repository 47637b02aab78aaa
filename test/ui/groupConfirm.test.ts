// A host-changing step on a group in real VS Code (code-server + Chromium) over a real sshd: the
// confirm asks on which hosts, with only the host whose finding led there picked, the modal names
// only the hosts chosen, and the step runs there alone; un-picking everything or Escape runs nothing.
// Also: a step's result says the parameter values it ran with. Screenshot: docs/images/group-confirm.png.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import {
  goToStep,
  clickDialogButton,
  modalDialog,
  notebookCells,
  notebookOutputs,
  openFile,
  repoRoot,
  runCommand,
  runStepCell,
  sleep,
  startVsCode,
  visibleMessages,
  type VsCode,
  sshdHostFields,
} from './harness';

const HOSTS = ['web01', 'web02', 'web03'];
/** The host whose check raises the critical finding (its address is the second one). */
const OUTLIER = 'web02';
/** Where the fix leaves its mark on each host: named by the address the host answers on. */
const markerPrefix = `/tmp/runbook-ui-group-${process.pid}-`;

const runbook = (outlierAddress: string) => `---
title: Group confirm
params:
  port: { default: "8080", type: port, prompt: "Port of the service" }
---

# Fix only where it is broken

The fix comes first in the file so it stays in view above the probe's group result.

\`\`\`sh {id=fix title="Drain the queue" confirm}
set -- $SSH_CONNECTION; touch ${markerPrefix}$3
\`\`\`

\`\`\`sh {id=probe title="Queue depth"}
set -- $SSH_CONNECTION; if [ "$3" = "${outlierAddress}" ]; then echo 95 100; else echo 10 100; fi
\`\`\`

\`\`\`check
parse: numbers
options: { names: [depth, max] }
findings:
  - when: depth >= max * 0.9
    severity: critical
    message: "queue {{depth}}/{{max}}"
    next: fix
next: end
\`\`\`

\`\`\`sh {id=listen title="Service port"}
echo "service port {{port}}"
\`\`\`
`;

function inventory(sshd: TestSshd): string {
  const user = sshd.users.test ?? sshd.users.current;
  return [
    'hosts:',
    ...HOSTS.map((name, i) => `  ${name}: { ${sshdHostFields(sshd, sshd.addresses[i], user)} }`),
    'groups:',
    `  web: [${HOSTS.join(', ')}]`,
    '',
  ].join('\n');
}

/** Whether a row of a multi-select quick pick is ticked, as its checkbox shows it. */
async function ticked(row: Locator): Promise<boolean> {
  return row.evaluate((e) => {
    const box = e.querySelector('input[type=checkbox]') as HTMLInputElement | null;
    if (box) return box.checked;
    const toggle = e.querySelector('.monaco-custom-toggle, [role=checkbox]');
    if (toggle) return toggle.getAttribute('aria-checked') === 'true' || toggle.classList.contains('checked');
    return e.getAttribute('aria-checked') === 'true';
  });
}

/** Reveals the step with `text` (Runbook: Go to Step...), then runs it from its cell. */
async function runCellScrolledTo(page: Page, text: string): Promise<void> {
  await goToStep(page, text);
  await runStepCell(page, text);
}

/** Waits for `result`. The host keys are in the inventory's known_hosts: a host-key modal here is a failure. */
async function waitForResult(result: Locator, timeoutMs = 90_000): Promise<void> {
  await result.waitFor({ timeout: timeoutMs });
}

describe('UI group confirm: pick the hosts of a host-changing step, the outlier first', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;
  const markers = () => (sshd ? sshd.addresses.slice(0, 3).map((a) => `${markerPrefix}${a}`) : []);
  const markerOf = (host: string) => markers()[HOSTS.indexOf(host)];
  const marked = () => HOSTS.filter((h) => existsSync(markerOf(h)));

  before(async function () {
    sshd = await startTestSshd({ addresses: 3, firstAddress: 230 });
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-group-'));
    writeFileSync(join(workspace, 'group.runbook.md'), runbook(sshd.addresses[HOSTS.indexOf(OUTLIER)]));
    writeFileSync(join(workspace, 'runbook-inventory.yaml'), inventory(sshd));
    vscode = await startVsCode({ workspace, trusted: true });
    await openFile(vscode.page, 'group.runbook.md');
    await notebookCells(vscode.page).filter({ hasText: 'echo 95 100' }).first().waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await vscode?.stop();
    for (const m of markers()) rmSync(m, { force: true });
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`group-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  const quickPickRows = () => vscode.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

  /** Runs the fix cell on the group and waits for its host choice; returns the rows by host name. */
  async function openHostChoice(): Promise<Map<string, Locator>> {
    const page: Page = vscode.page;
    await runCellScrolledTo(page, 'touch /tmp/runbook-ui-group');
    await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'changes the host: run it on which hosts?' }).waitFor({ timeout: 30_000 });
    await quickPickRows().first().waitFor({ timeout: 10_000 });
    const rows = new Map<string, Locator>();
    for (const row of await quickPickRows().all()) {
      const text = await row.innerText();
      const host = HOSTS.find((h) => text.includes(h));
      if (host) rows.set(host, row);
    }
    return rows;
  }

  it('the step with {{port}} shows the value it used in its result: "with port=9191"', async () => {
    const page: Page = vscode.page;
    await runCommand(page, 'Runbook: Select Host or Group');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    await input.fill('web');
    const group = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'group of 3' }).first();
    await group.waitFor({ timeout: 20_000 });
    await group.click();
    await page.locator('.statusbar-item').filter({ hasText: 'web' }).first().waitFor({ timeout: 10_000 });

    await runCommand(page, 'Runbook: Set Parameter');
    // With one parameter the command asks for its value at once; with more, it lists them first.
    const title = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Set parameter port' });
    const asked = await title.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (!asked) await quickPickRows().filter({ hasText: 'port' }).first().click();
    await title.waitFor({ timeout: 10_000 });
    assert.equal(await input.inputValue(), '8080', 'prefilled with the default');
    await input.fill('9191');
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item').filter({ hasText: 'port=9191' }).first().waitFor({ timeout: 10_000 });

    await runCellScrolledTo(page, 'service port {{port}}');
    const result = notebookOutputs(page)
      .locator('.irb-result')
      .filter({ has: notebookOutputs(page).locator('.irb-title', { hasText: 'Service port' }) })
      .first();
    await waitForResult(result);
    assert.equal((await result.locator('.irb-parameters').innerText()).trim(), 'with port=9191');
    assert.match(await result.innerText(), /service port 9191/, 'the step ran with the value shown');
  });

  it('the fix asks which hosts, with only the outlier picked; the modal names it alone and the fix runs there only', async () => {
    const page: Page = vscode.page;
    await runCellScrolledTo(page, 'echo 95 100');
    const probe = notebookOutputs(page)
      .locator('.irb-result')
      .filter({ has: notebookOutputs(page).locator('.irb-title', { hasText: 'Queue depth' }) })
      .first();
    await waitForResult(probe.locator('table.irb-hosts'));
    assert.match(await probe.innerText(), /queue 95\/100/, 'the outlier raised its finding');

    const rows = await openHostChoice();
    assert.deepEqual([...rows.keys()].sort(), HOSTS, 'the choice lists the three hosts of the group');
    for (const host of HOSTS) {
      const row = rows.get(host)!;
      const text = await row.innerText();
      assert.equal(await ticked(row), host === OUTLIER, `${host} picked only if it is the outlier: ${text}`);
      assert.equal(/its finding led here/.test(text), host === OUTLIER, `${host}: ${text}`);
    }
    const shot = await vscode.screenshot('group-confirm');
    mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
    copyFileSync(shot, join(repoRoot, 'docs', 'images', 'group-confirm.png'));

    await page.keyboard.press('Enter');
    const dialog = await modalDialog(page);
    const detail = await page.locator('.monaco-dialog-box .dialog-message-detail').innerText();
    assert.match(dialog.message, /"Drain the queue" changes the host\. Run on web02\?/);
    assert.match(detail, /^Host: web02$/m, detail);
    assert.ok(detail.includes(`touch ${markerPrefix}$3`), `the modal shows the command: ${detail}`);
    assert.doesNotMatch(detail, /web01|web03/, 'only the chosen host is named');
    await clickDialogButton(page, 'Run');

    const fix = notebookOutputs(page)
      .locator('.irb-result')
      .filter({ has: notebookOutputs(page).locator('.irb-title', { hasText: 'Drain the queue' }) })
      .first();
    await waitForResult(fix);
    assert.deepEqual(marked(), [OUTLIER], 'the fix ran on the outlier only');
    assert.match(await fix.locator('.irb-meta').first().innerText(), /^web02/);
  });

  it('un-picking every host runs nothing', async () => {
    for (const m of markers()) rmSync(m, { force: true });
    const page: Page = vscode.page;
    const rows = await openHostChoice();
    const outlier = rows.get(OUTLIER)!;
    assert.equal(await ticked(outlier), true);
    await outlier.locator('input[type=checkbox], .monaco-custom-toggle, [role=checkbox]').first().click();
    assert.equal(await ticked(outlier), false);
    for (const row of rows.values()) assert.equal(await ticked(row), false);
    await page.keyboard.press('Enter');
    await sleep(3000);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal: nothing to confirm');
    assert.deepEqual(marked(), [], 'the fix ran nowhere');
  });

  it('Escape on the host choice runs nothing', async () => {
    const page: Page = vscode.page;
    await openHostChoice();
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await sleep(3000);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal after Escape');
    assert.deepEqual(marked(), [], 'the fix ran nowhere');
  });
});
