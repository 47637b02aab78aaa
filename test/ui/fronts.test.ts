// The notebook front on the shared table of test/fronts/cases.ts, in real VS Code (code-server +
// Chromium) over a real sshd: a `roles=server` step runs on the server host only; two ends are
// compared; in a group of three where one host is critical, that host's finding and route show,
// not the first host's. test/fronts/cli.test.ts asserts the same table through the CLI.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { FRONT_CASES, FRONTS_ADDRESSES, frontsRunbook, type FrontCase } from '../fronts/cases';
import {
  goToStep,
  notebookCells,
  notebookOutputs,
  openFile,
  pickHost,
  runStepCell,
  sleep,
  startVsCode,
  visibleMessages,
  type VsCode,
  sshdHostFields,
} from './harness';

const HOSTS = ['cli', 'srv', 'web-1', 'web-2', 'web-3'];

/** The inventory the extension reads: each name one loopback address of the sshd (no ssh_config alias in VS Code's HOME). */
function inventory(sshd: TestSshd): string {
  const user = sshd.users.test ?? sshd.users.current;
  const lines = HOSTS.map((name, i) => `  ${name}: { ${sshdHostFields(sshd, sshd.addresses[i], user)} }`);
  return ['hosts:', ...lines, 'groups:', '  pair: { client: [cli], server: [srv] }', '  trio: [web-1, web-2, web-3]', ''].join('\n');
}

/** What the result of `step` shows: hosts, findings (host '' = the comparison), routes. */
async function shownResult(outputs: FrameLocator, step: string) {
  const result = outputs
    .locator('.irb-result')
    .filter({ has: outputs.locator('.irb-title', { hasText: new RegExp(`^${step}$`) }) })
    .last();
  await result.waitFor({ timeout: 90_000 });
  const single = await result.locator('.irb-host-result .irb-meta').count();
  const hosts = single
    ? [(await result.locator('.irb-host-result .irb-meta').innerText()).split(' · ')[0]]
    : (await result.locator('table.irb-hosts tbody th.irb-host').allInnerTexts()).map((t) => t.trim());
  const findings: FrontCase['findings'] = [];
  for (const f of await result.locator('.irb-finding').all()) {
    const inComparison = (await f.locator('xpath=ancestor::*[contains(@class,"irb-comparison")]').count()) > 0;
    const host = inComparison ? '' : single ? hosts[0] : (await f.locator('.irb-host').count()) ? await f.locator('.irb-host').innerText() : '';
    findings.push({ host, severity: (await f.locator('.irb-badge').innerText()).toLowerCase(), message: await f.locator('.irb-message').innerText() });
  }
  const routes: Record<string, string[]> = {};
  for (const r of await result.locator('.irb-route').all()) {
    const next = (await r.locator('.irb-step').innerText()).trim();
    routes[next] = (await r.locator('.irb-host').innerText()).split(', ').sort();
  }
  const next = (await result.locator('.irb-next .irb-step').count()) ? (await result.locator('.irb-next .irb-step').innerText()).trim() : 'end';
  return { hosts, findings, routes, next, text: await result.innerText() };
}

/** A record whose secret parameter was saved as its placeholder: running it must ask again, in a password box. */
const SECRET_RECORD = `---
title: Secret again
hosts: [srv]
params:
  token: { secret: true, prompt: "API token" }
incident:
  id: 2026-12-01-secret-again
  title: Secret again
  startedAt: 2026-12-01T08:00:00.000Z
  responder: test
  template: secret.runbook.md
  target: [srv]
  parameters:
    token: "[REDACTED:secret]"
---

# Use the token

\`\`\`sh {id=use-token}
printf 'token-length=%s\\n' "$(printf '%s' {{token}} | wc -c)"
\`\`\`
`;

describe('UI both fronts: the notebook agrees with the CLI on roles, two ends and a group outlier', function () {
  let sshd: TestSshd;
  let workspace: string;
  let vscode: VsCode;

  before(async function () {
    sshd = await startTestSshd({ addresses: FRONTS_ADDRESSES, firstAddress: 150 });
    workspace = mkdtempSync(join(tmpdir(), 'runbook-ui-fronts-'));
    writeFileSync(join(workspace, 'fronts.runbook.md'), frontsRunbook(sshd));
    writeFileSync(join(workspace, 'runbook-inventory.yaml'), inventory(sshd));
    writeFileSync(join(workspace, 'secret.runbook.md'), SECRET_RECORD);
    vscode = await startVsCode({ workspace, trusted: true });
    await openFile(vscode.page, 'fronts.runbook.md');
    await notebookCells(vscode.page).filter({ hasText: 'ran-on' }).first().waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await vscode?.stop();
    await sshd?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await vscode?.screenshot(`fronts-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
      console.log(`messages: ${(await visibleMessages(vscode.page)).join(' | ')}`);
    }
  });

  const cellText: Record<string, string> = { who: 'ran-on', pairs: 'then printf', load: 'echo 5000' };
  let target = '';

  for (const c of FRONT_CASES) {
    it(`${c.step} on ${c.target}: shows ${c.hosts.join(', ')}; ${c.findings.length ? c.findings.map((f) => `${f.host || 'comparison'}: ${f.message}`).join('; ') : 'no finding'}`, async () => {
      const page: Page = vscode.page;
      if (target !== c.target) {
        await pickHost(page, c.target);
        target = c.target;
      }
      // The notebook renders only the cells in view: Go to Step brings the step's cell there.
      await goToStep(page, c.step, cellText[c.step]);
      await runStepCell(page, cellText[c.step]);
      const shown = await shownResult(notebookOutputs(page), c.step);
      assert.deepEqual([...shown.hosts].sort(), [...c.hosts].sort(), `hosts shown: ${shown.text}`);
      for (const f of c.findings) {
        assert.ok(
          shown.findings.some((s) => s.host === f.host && s.severity === f.severity && s.message.includes(f.message)),
          `${f.host || 'comparison'}: ${f.message} in ${JSON.stringify(shown.findings)}`,
        );
      }
      assert.equal(shown.findings.length, c.findings.length, `no other finding: ${JSON.stringify(shown.findings)}`);
      if (Object.keys(c.routes).length > 1) {
        // Step ids or titles: the table names steps by id, and these steps have no titles.
        assert.deepEqual(shown.routes, c.routes, `routes shown: ${shown.text}`);
        assert.doesNotMatch(shown.text, /End of runbook/, 'no single decision stands for the group');
        await vscode.screenshot('fronts-group-routes');
      } else {
        assert.equal(shown.next, Object.keys(c.routes)[0], `the decision shown: ${shown.text}`);
      }
    });
  }

  it('re-running a record whose secret is redacted asks for it in a password box, and sends what was typed', async () => {
    const page: Page = vscode.page;
    await openFile(page, 'secret.runbook.md');
    await notebookCells(page).filter({ hasText: 'token-length' }).first().waitFor({ timeout: 30_000 });
    await runStepCell(page, 'token-length');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'a password box');
    assert.match(await page.locator('.quick-input-widget').innerText(), /API token.*recorded value is redacted/s);
    await vscode.screenshot('fronts-secret-prompt');
    await input.fill('typed-secret');
    await page.keyboard.press('Enter');
    // The record is saved when the step ends: what it shows is what ran.
    const record = join(vscode.folder, 'secret.runbook.md');
    const deadline = Date.now() + 60_000;
    while (!readFileSync(record, 'utf8').includes('token-length=12') && Date.now() < deadline) await sleep(250);
    const saved = readFileSync(record, 'utf8');
    assert.match(saved, /token-length=12/, 'the typed value (12 bytes) reached the host');
    assert.doesNotMatch(saved, /typed-secret/, 'the secret is not in the record');
    assert.doesNotMatch(saved, /token-length=17/, 'the placeholder ([REDACTED:secret], 17 bytes) was never sent');
  });
});
