// Evidence files in real VS Code (code-server + headless Chromium): in an incident record, a step with
// `fetch=` run on this machine shows in its result which files were fetched (path, local copy as a
// link, size, sha256) and which were not (with the reason); the link opens the local copy; the
// record reopened shows the same lines. Run with scripts/test-ui.mjs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startIncident } from '../../src/engine/incident';
import { activeNotebookCell, notebookOutputs, openFile, pickHost, runCommand, runStepCell, sleep, startVsCode, visibleMessages, type VsCode } from './harness';

describe('UI evidence files: fetch= in the notebook', function () {
  let vscode: VsCode;
  let workspace: string;
  let hostDir: string;
  let recordName: string;

  before(async function () {
    // The "host" is this machine: the files live outside the workspace, as on a remote host.
    hostDir = mkdtempSync(join(tmpdir(), 'runbook-ui-host-files-'));
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-evidence-'));
    mkdirSync(join(workspace, 'runbooks'));
    const limits = join(hostDir, 'limits.txt');
    const template = join(workspace, 'runbooks', 'evidence.runbook.md');
    writeFileSync(
      template,
      `---\ntitle: Evidence\nhosts: [local]\n---\n\n# Evidence\n\n\`\`\`sh {id=limits title="Keep the limits" fetch=${limits},${join(hostDir, 'gone.log')}}\nprintf 'Max open files 1024 1024 files\\n' > ${limits}; echo kept-limits\n\`\`\`\n`,
    );
    const { recordPath } = startIncident(template, { folder: join(workspace, 'incidents'), title: 'evidence', responder: 'mei.lin' });
    recordName = relative(workspace, recordPath);
    vscode = await startVsCode({ workspace, trusted: true });
  });

  after(async function () {
    await vscode?.stop();
    for (const dir of [workspace, hostDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`evidence-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  /** The fetched lines of the step's result, as the user reads them. */
  async function fetchedLines(): Promise<string[]> {
    const lines = notebookOutputs(vscode.page).locator('.irb-result .irb-fetched-file');
    await lines.first().waitFor({ timeout: 60_000 });
    return (await lines.allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
  }

  it('shows the fetched file with its local copy, size and sha256, and the missing one with its reason', async () => {
    const { page } = vscode;
    await openFile(page, recordName);
    await activeNotebookCell(page, 'kept-limits');
    await pickHost(page, 'local');
    await runStepCell(page, 'kept-limits');
    const lines = await fetchedLines();
    const evidenceDir = join(vscode.folder, 'incidents');
    const journal = readdirSync(evidenceDir).find((f) => f.endsWith('.journal.jsonl'))!;
    const entry = readFileSync(join(evidenceDir, journal), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; file?: string; sha256?: string; bytes?: number })
      .find((e) => e.type === 'evidence-file' && e.file)!;
    assert.deepEqual(lines, [
      `Fetched ${join(hostDir, 'limits.txt')} → ${entry.file} · ${entry.bytes} B · sha256 ${entry.sha256!.slice(0, 12)} · text`,
      `NOT FETCHED ${join(hostDir, 'gone.log')}: no such file. Check the path, and that the step wrote the file.`,
    ]);
    await vscode.screenshot('evidence-fetched');

    // The link opens the local copy in an editor.
    await notebookOutputs(page).locator('.irb-link-evidence').first().click();
    await page.locator('.tab').filter({ hasText: 'limits.txt' }).first().waitFor({ timeout: 20_000 });
    const shown = await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first().innerText();
    // The editor draws spaces as no-break spaces.
    assert.match(shown.replace(/[\s\u00a0]+/g, ' '), /Max open files 1024 1024 files/);
  });

  it('shows the same lines when the record is reopened', async () => {
    const { page } = vscode;
    const before = await (async () => {
      await openFile(page, recordName);
      return fetchedLines();
    })();
    await runCommand(page, 'File: Save');
    await sleep(500);
    await runCommand(page, 'View: Close All Editors');
    await sleep(500);
    await openFile(page, recordName);
    await activeNotebookCell(page, 'kept-limits');
    const result = notebookOutputs(page).locator('.irb-result').filter({ hasText: 'As recorded' }).first();
    await result.waitFor({ timeout: 30_000 });
    assert.deepEqual(await fetchedLines(), before);
    await vscode.screenshot('evidence-reopened');
  });
});
