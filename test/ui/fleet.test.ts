// Fleets in real VS Code (code-server + Chromium) over a real sshd: the host picker takes an Ansible
// pattern and the step runs on the hosts it resolves to; the group result merges identical
// outputs ("2 hosts: identical output") and its "Re-run on 1 failed host" button runs the step
// again on the unreachable host only.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { notebookCells, notebookOutputs, openFile, runCommand, runStepCell, startVsCode, visibleMessages, type VsCode, sshdHostFields } from './harness';

/** web03 (the third address) takes its time on the second step, so the group's progress can be seen mid-run. */
const runbook = (slowAddress: string) => `---
title: Fleet
---

# Same on every web host

\`\`\`sh {id=same title="Kernel line"}
echo "kernel 6.1 same-everywhere"
\`\`\`

\`\`\`sh {id=slow title="Slow on one host" timeout=60s}
set -- $SSH_CONNECTION; if [ "$3" = "${slowAddress}" ]; then sleep 12; fi; echo waited-here
\`\`\`
`;

/** web01-web03 and db01 answer; web04 is in the inventory but nothing listens on its port. */
function inventory(sshd: TestSshd): string {
  const user = sshd.users.test ?? sshd.users.current;
  const host = (name: string, i: number, port = sshd.port) => `  ${name}: { ${sshdHostFields(sshd, sshd.addresses[i], user, port)} }`;
  return [
    'hosts:',
    host('web01', 0),
    host('web02', 1),
    host('web03', 2),
    host('db01', 3),
    host('web04', 3, 1),
    'groups:',
    '  web: [web01, web02, web03, web04]',
    '  prod: [web01, web03, web04, db01]',
    '',
  ].join('\n');
}

describe('UI fleet: an Ansible pattern in the host picker, identical outputs merged, re-run on the failed hosts', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;

  before(async function () {
    sshd = await startTestSshd({ addresses: 4, firstAddress: 200 });
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-fleet-'));
    writeFileSync(join(workspace, 'fleet.runbook.md'), runbook(sshd.addresses[2]));
    writeFileSync(join(workspace, 'runbook-inventory.yaml'), inventory(sshd));
    vscode = await startVsCode({ workspace, trusted: true });
    await openFile(vscode.page, 'fleet.runbook.md');
    await notebookCells(vscode.page).filter({ hasText: 'same-everywhere' }).first().waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await vscode?.stop();
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`fleet-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  const result = () => notebookOutputs(vscode.page).locator('.irb-result').last();

  it('the picker resolves web:&prod:!web02 to web01, web03, web04, and the step runs on those hosts', async () => {
    const page: Page = vscode.page;
    await runCommand(page, 'Runbook: Select Host or Group');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    await input.fill('web:&prod:!web02');
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'pattern: 3 hosts' }).first();
    await row.waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /web01, web03, web04/, 'the picker shows the hosts the pattern selects');
    await row.click();
    await page.locator('.statusbar-item').filter({ hasText: 'web:&prod:!web02' }).first().waitFor({ timeout: 10_000 });

    await runStepCell(page, 'same-everywhere');
    await result().locator('table.irb-hosts').waitFor({ timeout: 90_000 });
    const hosts = (await result().locator('table.irb-hosts tbody th.irb-host').allInnerTexts()).map((t) => t.trim()).sort();
    assert.deepEqual(hosts, ['web01', 'web03', 'web04']);
    const text = await result().innerText();
    assert.match(text, /3 hosts: 2 nothing found, 1 failed \(socket\)/, text);
    assert.match(text, /2 hosts: identical output \(exit 0\) — web01, web03/, text);
    assert.equal((await result().locator('.irb-identical-output').allInnerTexts()).join('|'), 'kernel 6.1 same-everywhere\n');
    await vscode.screenshot('fleet-pattern-summary');
  });

  it('"Re-run on 1 failed host" runs the step on web04 only', async () => {
    const button = result().locator('button.irb-rerun');
    assert.equal((await button.innerText()).trim(), 'Re-run on 1 failed host');
    await button.click();
    // The cell's result is replaced by the run on the failed host alone: one host, web04, refused again.
    const single = notebookOutputs(vscode.page).locator('.irb-result .irb-host-result .irb-meta').last();
    await single.waitFor({ timeout: 90_000 });
    assert.match(await single.innerText(), /^web04/);
    assert.equal(await notebookOutputs(vscode.page).locator('table.irb-hosts').count(), 0, 'no group table: one host ran');
    await vscode.screenshot('fleet-rerun-failed');
  });

  it('while a group step runs, the cell shows its progress: done, failed, remaining, ETA', async () => {
    const page: Page = vscode.page;
    await runStepCell(page, 'waited-here');
    // web01 and the unreachable web04 end at once; web03 sleeps 12 s: the progress line says so.
    const progress = notebookOutputs(page).getByText(/2\/3 hosts: 1 done, 1 failed, 1 remaining, ETA \d/);
    await progress.first().waitFor({ timeout: 60_000 });
    await vscode.screenshot('fleet-progress');
    const done = notebookOutputs(page)
      .locator('.irb-result')
      .filter({ has: notebookOutputs(page).locator('.irb-title', { hasText: 'Slow on one host' }) });
    await done.first().waitFor({ timeout: 90_000 });
    assert.match(await done.first().innerText(), /2 hosts: identical output \(exit 0\) — web01, web03/);
    assert.equal(await progress.count(), 0, 'the result replaces the progress line');
  });
});
