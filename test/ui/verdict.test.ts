// What the user sees of a step's verdict in real VS Code (code-server + Chromium), on real faults of
// the lab over a real sshd: the close-wait fault ends with its root cause marked confirmed by the
// confirming step, the healthy control with no critical and no warning, a failed command as
// inconclusive with its reason and the way out. The verdict sits above the raw output, long output
// is collapsed with the end in view, values are a table (never JSON), a runbook named in a hint is a
// link that opens it, and a reopened record shows the verdict it saved. Screenshots: docs/images/.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { startScenario, type RunningFault } from '../../src/lab';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import {
  notebookCells,
  notebookOutputs,
  openFile,
  pickHost,
  repoRoot,
  runCommand,
  runStepCell,
  sleep,
  startVsCode,
  visibleMessages,
  type VsCode,
  sshdHostFields,
  goToStep,
} from './harness';

const SSHD_ADDRESS = 221;
const FAULT_ADDRESS = 222;
const HEALTHY_ADDRESS = 225;
const images = join(repoRoot, 'docs', 'images');

const INCIDENT = (id: string) =>
  `incident:\n  id: ${id}\n  title: ${id}\n  startedAt: 2026-12-01T11:00:00.000Z\n  responder: test\n  template: runbooks/close-wait.runbook.md\n  target: [lab]\n`;

/** The bundled close-wait runbook as an incident record on `port` (its default), run on the lab host. */
function closeWaitRecord(id: string, port: number | string): string {
  const text = readFileSync(join(repoRoot, 'runbooks', 'close-wait.runbook.md'), 'utf8');
  assert.match(text, /default: "8080"/);
  return text.replace(/^---\n/, `---\n${INCIDENT(id)}hosts: [lab]\n`).replace('default: "8080"', `default: "${port}"`);
}

/** 350 kernel-log-like lines with a finding whose hint names a runbook and a step; a command that fails. */
const VERDICT_RECORD = `---
title: Verdict first
${INCIDENT('verdict-first')}hosts: [lab]
---

# Verdict first

\`\`\`sh {id=kernel-log title="Kernel log (350 lines)"}
i=1; while [ $i -le 350 ]; do echo "[$i.000000] TCP: request_sock_TCP: Possible SYN flooding on port 8080 line-$i"; i=$((i+1)); done
\`\`\`

\`\`\`check
parse: kernel-log
findings:
  - when: synFlood.count > 100
    severity: warning
    message: "SYN queue overflow: {{synFlood.count}} lines"
    hint: "raise the backlog (step raise-backlog) or start from runbooks/triage.runbook.md"
next: end
\`\`\`

\`\`\`sh {id=in-namespace title="Sockets in a namespace that does not exist"}
ip netns exec rblab-no-such-namespace ss -tan
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: count == 0
    severity: info
    message: nothing listens
next: end
\`\`\`

\`\`\`sh {id=raise-backlog title="Raise the backlog" confirm}
sysctl -w net.core.somaxconn=4096
\`\`\`
`;

function inventory(sshd: TestSshd): string {
  return `hosts:\n  lab: { ${sshdHostFields(sshd, sshd.addresses[0], sshd.users.current)} }\n`;
}

/** The result of the step titled `title` (the last one shown), once it is there. */
async function resultOf(outputs: FrameLocator, title: string, timeout = 90_000): Promise<Locator> {
  const result = outputs
    .locator('.irb-result')
    .filter({ has: outputs.locator('.irb-title', { hasText: title }) })
    .last();
  await result.waitFor({ timeout });
  return result;
}

/**
 * Scrolls the notebook until `target` (in the outputs webview) is on screen, as a user scrolls to
 * what they want to click: Playwright cannot scroll the notebook list from inside the webview.
 */
async function onScreen(page: Page, target: Locator): Promise<Locator> {
  const height = page.viewportSize()!.height;
  for (let i = 0; i < 20; i++) {
    const box = await target.boundingBox();
    if (box && box.y >= 120 && box.y + box.height <= height - 60) return target;
    const list = await page.locator('.notebookOverlay .cell-list-container').filter({ visible: true }).first().boundingBox();
    if (list) await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
    await page.mouse.wheel(0, box ? Math.max(-600, Math.min(600, box.y - height / 3)) : 300);
    await sleep(400);
  }
  return target;
}

async function badges(result: Locator): Promise<string[]> {
  return (await result.locator('.irb-finding .irb-badge').allInnerTexts()).map((b) => b.trim().toLowerCase());
}

/** Copies a harness screenshot into docs/images/ (the README uses these). */
async function keepScreenshot(vscode: VsCode, name: string): Promise<void> {
  const file = await vscode.screenshot(name);
  mkdirSync(images, { recursive: true });
  copyFileSync(file, join(images, `${name}.png`));
}

/**
 * Opens a record alone (every other editor closed first, so the one notebook webview is this one's)
 * and brings the step titled `step` into view with Go to Step (the notebook renders only cells in
 * view), its cell (holding `cellText`) in the upper part of the screen.
 */
async function openRecord(page: Page, file: string, step: string, cellText: string): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page
    .locator('.notebookOverlay')
    .filter({ visible: true })
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await openFile(page, file);
  await page.locator('.notebookOverlay').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
  // A reopened notebook restores where it was scrolled to, a moment after it shows: let it first.
  await sleep(1500);
  await goToStep(page, step, cellText);
  await centerCell(page, cellText);
}

/** Scrolls the cell with `text` to the upper part of the screen, clear of the list's edges. */
async function centerCell(page: Page, text: string): Promise<void> {
  const height = page.viewportSize()!.height;
  for (let i = 0; i < 8; i++) {
    const box = await notebookCells(page).filter({ hasText: text }).first().boundingBox();
    if (!box || (box.y > 150 && box.y < height * 0.55)) return;
    await page.mouse.wheel(0, box.y - height * 0.3);
    await sleep(400);
  }
}

describe('UI verdict: what the user sees of a step result (lab faults over a real sshd)', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;
  const faults: RunningFault[] = [];
  let faultPort = 0;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: SSHD_ADDRESS });
    const fault = await startScenario('close-wait', {
      address: `127.0.0.${FAULT_ADDRESS}`,
      clientAddress: `127.0.0.${FAULT_ADDRESS + 1}`,
      otherClientAddress: `127.0.0.${FAULT_ADDRESS + 2}`,
      basePort: 0,
    });
    faults.push(fault);
    const healthy = await startScenario('healthy', {
      address: `127.0.0.${HEALTHY_ADDRESS}`,
      clientAddress: `127.0.0.${HEALTHY_ADDRESS + 1}`,
      otherClientAddress: `127.0.0.${HEALTHY_ADDRESS + 2}`,
      basePort: 0,
    });
    faults.push(healthy);
    faultPort = Number(fault.details.port);
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-verdict-'));
    mkdirSync(join(workspace, 'incidents'));
    writeFileSync(join(workspace, 'incidents', 'cw-fault.runbook.md'), closeWaitRecord('cw-fault', fault.details.port));
    writeFileSync(join(workspace, 'incidents', 'cw-healthy.runbook.md'), closeWaitRecord('cw-healthy', healthy.details.port));
    writeFileSync(join(workspace, 'incidents', 'verdict.runbook.md'), VERDICT_RECORD);
    writeFileSync(join(workspace, 'runbook-inventory.yaml'), inventory(sshd));
    vscode = await startVsCode({ workspace, trusted: true });
  });

  after(async function () {
    await vscode?.stop();
    for (const f of faults) await f.stop();
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`verdict-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  it('close-wait fault: suspected, then the confirming step marks the root cause confirmed; values are a table, not JSON', async () => {
    const { page } = vscode;
    await openRecord(page, 'incidents/cw-fault.runbook.md', 'CLOSE_WAIT sockets on the service port', 'ss -tanp');
    await pickHost(page, 'lab');
    await runStepCell(page, 'ss -tanp');
    const outputs = notebookOutputs(page);
    const first = await resultOf(outputs, 'CLOSE_WAIT sockets on the service port');
    // The step's cell was at the bottom of the screen: after the run its verdict is brought into view.
    await sleep(1000);
    const top = (await first.boundingBox())?.y ?? -1;
    assert.ok(top >= 0 && top < page.viewportSize()!.height - 100, `the verdict is on screen after the run (y ${top})`);
    assert.deepEqual(await badges(first), ['warning'], await first.innerText());
    assert.match(await first.locator('.irb-finding .irb-message').first().innerText(), new RegExp(`^40 connections on port ${faultPort} in CLOSE_WAIT`));
    assert.match(await first.locator('.irb-cause').first().innerText(), /^Suspected cause: close-wait-leak \(to be confirmed by still-there\)/);
    // Values: scalars and counts in words; the socket rows behind "show table", as peer/state/count.
    const values = first.locator('table.irb-values').first();
    assert.doesNotMatch(await values.innerText(), /[{}]|"state"|peerAddress/, 'no JSON in the values');
    await (await onScreen(page, first.locator('.irb-rows-toggle').first())).click();
    const rows = first.locator('.irb-rows-table').first();
    await rows.waitFor({ state: 'visible', timeout: 5_000 });
    assert.deepEqual(
      (await rows.locator('thead th').allInnerTexts()).map((t) => t.trim()),
      ['peer', 'state', 'count'],
    );
    assert.match(await rows.innerText(), /CLOSE_WAIT\s+40/);

    // The decision's button runs the confirming step (two samples 5 s apart). The opened table made the
    // output taller: the notebook lays out the cells below again before the button is clear of them.
    await (await onScreen(page, first.locator('.irb-rows-toggle').first())).click();
    await sleep(500);
    await (await onScreen(page, first.locator('button.irb-run'))).click();
    const second = await resultOf(outputs, 'CLOSE_WAIT over 5 s');
    assert.deepEqual(await badges(second), ['critical'], await second.innerText());
    assert.equal((await second.locator('.irb-cause').innerText()).trim(), 'Root cause confirmed: close-wait-leak');
    assert.match(await second.locator('.irb-meta').first().innerText(), /2 samples 5\.\d s apart/);
    assert.match(await second.locator('.irb-next').innerText(), /^Next: Restart the service/);
    assert.equal(await second.locator('button.irb-run').innerText(), 'Run next step…', 'the fix asks first');
    // "(step restart-service)" in the hint is a link to that step.
    assert.equal(await second.locator('.irb-hint .irb-link-step').innerText(), 'restart-service');
  });

  it('healthy control: no critical and no warning, nothing to act on', async () => {
    const { page } = vscode;
    await openRecord(page, 'incidents/cw-healthy.runbook.md', 'CLOSE_WAIT sockets on the service port', 'ss -tanp');
    await pickHost(page, 'lab');
    await runStepCell(page, 'ss -tanp');
    const result = await resultOf(notebookOutputs(page), 'CLOSE_WAIT sockets on the service port');
    const shown = await badges(result);
    assert.ok(!shown.includes('critical') && !shown.includes('warning'), `badges: ${shown.join(', ')}\n${await result.innerText()}`);
    assert.match(await result.innerText(), /not a CLOSE_WAIT leak/);
    assert.equal(await result.locator('.irb-inconclusive').count(), 0);
    assert.match(await result.locator('.irb-decision').innerText(), /End of runbook/);
  });

  it('350 lines of kernel log: the verdict above the raw output, in view; the output collapsed with its end shown; "show all" opens it', async () => {
    const { page } = vscode;
    await openRecord(page, 'incidents/verdict.runbook.md', 'Kernel log (350 lines)', 'Possible SYN flooding');
    await pickHost(page, 'lab');
    await runStepCell(page, 'Possible SYN flooding');
    const outputs = notebookOutputs(page);
    const result = await resultOf(outputs, 'Kernel log (350 lines)');
    const raw = outputs.locator('.irb-output').filter({ hasText: 'line-350' }).last();
    await raw.waitFor({ timeout: 30_000 });
    assert.deepEqual(await badges(result), ['warning']);
    const [resultBox, rawBox] = [await result.boundingBox(), await raw.boundingBox()];
    assert.ok(resultBox && rawBox && resultBox.y < rawBox.y, `the verdict (y ${resultBox?.y}) is above the raw output (y ${rawBox?.y})`);
    const viewport = page.viewportSize()!;
    assert.ok(resultBox.y >= 0 && resultBox.y < viewport.height, `the verdict is in view after the run (y ${resultBox.y} of ${viewport.height})`);
    assert.equal(await raw.locator('.irb-show-all').innerText(), 'show all 350 lines');
    assert.match(await raw.locator('.irb-tail').innerText(), /line-331[\s\S]*line-350\s*$/, 'the end of the output is shown');
    assert.doesNotMatch(await raw.innerText(), /line-100\b/, 'the middle is collapsed');
    await keepScreenshot(vscode, 'verdict-first');
    await (await onScreen(page, raw.locator('.irb-show-all'))).click();
    assert.match(await raw.locator('pre').innerText(), /line-1\n[\s\S]*line-100\n[\s\S]*line-350\n/);
  });

  it('a runbook named in a hint is a link that opens it', async () => {
    const { page } = vscode;
    const result = await resultOf(notebookOutputs(page), 'Kernel log (350 lines)');
    const link = result.locator('.irb-link-runbook');
    assert.equal(await link.innerText(), 'runbooks/triage.runbook.md');
    await (await onScreen(page, link)).click();
    // Not in the workspace: the runbook bundled with the extension opens, as a notebook.
    await page.locator('.tab').filter({ hasText: 'triage.runbook.md' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.notebookOverlay .monaco-list-row').filter({ hasText: 'Triage' }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
  });

  it('a failed command: inconclusive at the top with its reason and what to do, never "nothing found"', async () => {
    const { page } = vscode;
    await openRecord(page, 'incidents/verdict.runbook.md', 'Sockets in a namespace that does not exist', 'rblab-no-such-namespace');
    await runStepCell(page, 'rblab-no-such-namespace');
    const result = await resultOf(notebookOutputs(page), 'Sockets in a namespace that does not exist');
    const box = result.locator('.irb-inconclusive');
    await box.waitFor({ timeout: 30_000 });
    assert.match(await box.innerText(), /inconclusive[\s\S]*Not judged: the command exited \d+: Cannot open network namespace "rblab-no-such-namespace"/i);
    assert.match(await box.locator('.irb-way-out').innerText(), /^What to do: /);
    assert.doesNotMatch(await result.innerText(), /nothing listens|Nothing found/);
  });

  it('a reopened record shows the verdict it saved: findings, the confirmed cause, inconclusive with its reason', async () => {
    const { page } = vscode;
    // The runs were saved into the records; close every editor so the files are read from disk again.
    const deadline = Date.now() + 30_000;
    const fault = join(vscode.folder, 'incidents', 'cw-fault.runbook.md');
    while (!readFileSync(fault, 'utf8').includes('"confirms":"close-wait-leak"') && Date.now() < deadline) await sleep(250);
    assert.match(readFileSync(fault, 'utf8'), /"confirms":"close-wait-leak"/, 'the confirming run is in the record');
    await openRecord(page, 'incidents/cw-fault.runbook.md', 'CLOSE_WAIT over 5 s, owner, busiest peer', 'top_peer_close_wait');
    const outputs = notebookOutputs(page);
    const second = await resultOf(outputs, 'CLOSE_WAIT over 5 s', 30_000);
    assert.match(await second.locator('.irb-saved').innerText(), /^As recorded: the run of 2026-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.deepEqual(await badges(second), ['critical']);
    assert.equal((await second.locator('.irb-cause').innerText()).trim(), 'Root cause confirmed: close-wait-leak');
    assert.match(await second.locator('.irb-next').innerText(), /^Next: Restart the service/);
    await onScreen(page, second.locator('.irb-title'));
    await keepScreenshot(vscode, 'reopened-record');

    await openRecord(page, 'incidents/verdict.runbook.md', 'Sockets in a namespace that does not exist', 'rblab-no-such-namespace');
    const failed = await resultOf(notebookOutputs(page), 'Sockets in a namespace that does not exist', 30_000);
    assert.match(await failed.locator('.irb-inconclusive').innerText(), /Not judged: the command exited \d+: Cannot open network namespace/);
  });
});
