// `npm run package`: production build, then `vsce package --no-dependencies` to dist/incident-runbooks.vsix.
// The allow-list in .vscodeignore keeps the .vsix to the bundles and assets; prints what went in.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'incident-runbooks.vsix');
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

// The CLI is not part of the .vsix, so only the bundles it carries are built.
run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', '--only=extension,server,renderer,checkCell,map']);

for (const bundle of ['extension.js', 'server.js', 'renderer.js', 'checkCell.js', 'map.js', 'map.css']) {
  const file = join(root, 'dist', bundle);
  if (!existsSync(file)) {
    console.error(`package: dist/${bundle} is missing after the build; see the build errors above.`);
    process.exit(1);
  }
  console.log(`package: dist/${bundle} ${(statSync(file).size / 1024).toFixed(1)} KiB`);
}

// Loaded on first use, not at activation (see scripts/build.mjs).
for (const lazy of readdirSync(join(root, 'dist', 'lazy')).filter((f) => f.endsWith('.js'))) {
  console.log(`package: dist/lazy/${lazy} ${(statSync(join(root, 'dist', 'lazy', lazy)).size / 1024).toFixed(1)} KiB (lazy)`);
}

run(process.execPath, [
  join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  // No public repository yet: README links stay relative instead of being rewritten to a repository URL.
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out',
  out,
]);
console.log(`package: ${out} ${(statSync(out).size / 1024).toFixed(1)} KiB`);
