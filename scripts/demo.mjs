// `npm run demo`: a real TCP fault on this machine, the triage runbook finding its cause over SSH,
// and the postmortem exported. Installs dependencies first on a clean clone; needs no root.
// `node scripts/demo.mjs --update-example` also copies the postmortem to docs/examples/.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (!existsSync(path.join(root, 'node_modules', 'tsx'))) {
  console.log('node_modules is missing: running npm ci first (once).');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('npm ci failed; fix the error above and run npm run demo again.');
    process.exit(install.status ?? 1);
  }
}

// The driver runs in its own process so a Ctrl-C reaches it and it can stop the fault and sshd.
const driver = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'demo', 'demo.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => driver.kill(signal));
driver.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
