// Our notebook renderer inside VS Code's real notebook webview. The fixture is a Jupyter notebook
// (VS Code's built-in ipynb serializer) whose stored outputs use our MIME types, so this needs no
// kernel or controller: it checks the renderer contribution, the bundle, theming and trust.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { notebookOutputs, openFile, startVsCode, type VsCode } from './harness';

const workspace = join(__dirname, 'fixtures', 'workspace');

for (const trusted of [true, false]) {
  describe(`UI renderer: stored results in a ${trusted ? 'trusted' : 'Restricted Mode'} workspace`, function () {
    let vscode: VsCode;

    before(async function () {
      vscode = await startVsCode({ workspace, trusted });
      await openFile(vscode.page, 'renderer-outputs.ipynb');
      await vscode.page.locator('.notebookOverlay').waitFor({ timeout: 30_000 });
    });

    after(async function () {
      await vscode?.stop();
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') await vscode?.screenshot(`renderer-${trusted ? 'trusted' : 'untrusted'}-failed`);
    });

    if (trusted) {
      it('renders values, findings and the decision with its buttons, host text as text', async () => {
        const outputs = notebookOutputs(vscode.page);
        const result = outputs.locator('.irb-result');
        await result.waitFor({ timeout: 30_000 });
        await vscode.screenshot('renderer-trusted');
        assert.match(await result.locator('.irb-meta').innerText(), /^web-1 <img src=x onerror=alert\(1\)> · exit 0 · 412 ms$/);
        assert.equal(await result.locator('.irb-finding .irb-badge').innerText(), 'CRITICAL'); // upper-cased by CSS
        assert.equal(await result.locator('.irb-next').innerText(), 'Next: Check open-files limit — because nofile < established (1024 < 1237)');
        // VS Code's own preload scripts live in the same frame: look only inside our outputs.
        assert.equal(await outputs.locator('.irb-result, .irb-output').locator('img, script, style, svg, a, iframe').count(), 0);
        // The badge colour comes from the theme, so our stylesheet reached the webview.
        const background = await result.locator('.irb-badge').evaluate((node) => getComputedStyle(node).backgroundColor);
        assert.notEqual(background, 'rgba(0, 0, 0, 0)');
      });

      it('renders raw output with ANSI colours as classes and drops the OSC 8 command: link', async () => {
        const pre = notebookOutputs(vscode.page).locator('.irb-output pre');
        await pre.waitFor({ timeout: 30_000 });
        assert.equal(await pre.innerText(), 'State TIME-WAIT 30211\nclick me <script>alert(1)</script>\n');
        assert.equal(await pre.locator('span.ansi-fg-1.ansi-bold').innerText(), 'TIME-WAIT');
      });
    } else {
      it('shows plain text with no buttons in Restricted Mode', async () => {
        const plain = notebookOutputs(vscode.page).locator('.irb-plain').first();
        await plain.waitFor({ timeout: 30_000 });
        await vscode.screenshot('renderer-untrusted');
        assert.match(await plain.innerText(), /\[critical\] open-files limit below established sockets/);
        assert.equal(await notebookOutputs(vscode.page).locator('button').count(), 0);
        assert.equal(await notebookOutputs(vscode.page).locator('.irb-result').count(), 0);
      });
    }
  });
}
