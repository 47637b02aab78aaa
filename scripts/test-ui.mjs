// `npm run test:ui`: installs the UI test bed if missing (scripts/setup-ui.sh), packages the .vsix,
// then runs the UI tests (test/ui, real VS Code in headless Chromium). Exits non-zero on failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const codeServer = join(root, '.cache', 'ui', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function step(name, command, args) {
  const started = Date.now();
  console.log(`test-ui: ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`test-ui: ${name} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}) after ${seconds}s`);
    process.exit(result.status || 1);
  }
  console.log(`test-ui: ${name} done in ${seconds}s`);
}

if (!existsSync(codeServer)) step('setup (code-server, Node 24)', 'bash', [join(root, 'scripts', 'setup-ui.sh')]);
// `npm test` packages while the UI test bed installs, and says so (RUNBOOK_UI_PACKAGED=1).
if (process.env.RUNBOOK_UI_PACKAGED !== '1') step('package', process.execPath, [join(root, 'scripts', 'package.mjs')]);
// Extra arguments go to mocha, e.g. `npm run test:ui -- --grep smoke`.
step('UI tests', process.execPath, [
  join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--config',
  join(root, 'test', 'ui', '.mocharc.json'),
  ...process.argv.slice(2),
]);
