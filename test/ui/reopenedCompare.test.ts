// A record with a `compare=` step, reopened in real VS Code (code-server + headless Chromium): the
// CLI runs the two ends over the test sshd into an incident record (as test/fronts/cli.test.ts does),
// and the notebook opened on that file shows the comparison box as the live run did: which host
// played which part, the comparison's finding and its values; one route for both ends. Nothing in
// VS Code connects anywhere. Run with scripts/test-ui.mjs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCommand } from '../../src/cli/run';
import { startIncident } from '../../src/engine/incident';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { FRONTS_ADDRESSES, frontsInventory, frontsRunbook } from '../fronts/cases';
import { goToStep, notebookOutputs, openFile, startVsCode, visibleMessages, type VsCode } from './harness';

/** Runs the CLI in this process, its output kept for a failure message. */
async function cli(file: string, options: Parameters<typeof runCommand>[1]): Promise<{ code: number; out: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  process.stdout.write = process.stderr.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
  try {
    return { code: await runCommand(file, options), out };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

describe('UI reopened record: a compare= step shows its comparison', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;
  let record: string;

  before(async function () {
    sshd = await startTestSshd({ addresses: FRONTS_ADDRESSES, firstAddress: 170 });
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-reopened-compare-'));
    mkdirSync(join(workspace, 'runbooks'));
    const template = join(workspace, 'runbooks', 'fronts.runbook.md');
    writeFileSync(template, frontsRunbook(sshd));
    const inventory = join(workspace, 'runbook-inventory.yaml');
    writeFileSync(inventory, frontsInventory(sshd.users.test));
    const { recordPath } = startIncident(template, { folder: join(workspace, 'incidents'), title: 'half-open' });
    const run = await cli(recordPath, { group: 'pair', step: ['pairs'], inventory, sshConfig: sshd.sshConfigPath });
    assert.equal(run.code, 4, run.out);
    record = relative(workspace, recordPath);
    vscode = await startVsCode({ workspace, trusted: true });
  });

  after(async function () {
    await vscode?.stop();
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`reopened-compare-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  it('shows the comparison box, its finding and values, and one route for both ends', async () => {
    const { page } = vscode;
    await openFile(page, record);
    await goToStep(page, 'pairs', 'then printf');
    const result = notebookOutputs(page)
      .locator('.irb-result')
      .filter({ hasText: 'As recorded' })
      .filter({ has: page.locator('.irb-comparison') })
      .first();
    await result.waitFor({ timeout: 60_000 });
    // The group's summary does not say "nothing found" beside a critical comparison.
    assert.match(await result.innerText(), /2 hosts: 2 critical/);
    const box = result.locator('.irb-comparison');
    assert.equal((await box.locator('.irb-label').first().innerText()).trim(), 'Compared client (cli) with server (srv)');
    assert.match(await box.innerText(), /1 connections ESTABLISHED on the client are unknown to the server/);
    assert.match(await box.innerText(), /halfOpen/);
    const next = await result.locator('.irb-next').first().innerText();
    assert.match(next, /keepalive/, next);
    // The finding is the comparison's: no host box repeats it.
    assert.equal(await result.locator('.irb-findings').count(), 1);
    await vscode.screenshot('reopened-compare');
  });
});
