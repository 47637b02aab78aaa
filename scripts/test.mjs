// The whole test suite, as the README and CI run it: system packages, build, type-check, lint,
// unit + SSH tests (mocha, real sshd on loopback), then the UI tests in a real VS Code.
// Each stage prints its own "N passed, N failed" line; the last line sums them up.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const skipUi = process.argv.includes('--no-ui') || process.env.RUNBOOK_SKIP_UI === '1';
const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args, options = {}) {
  const t0 = Date.now();
  console.log(`\n== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', env: { ...process.env, ...options.env } });
  if (options.capture) process.stdout.write(result.stdout);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`== ${label}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`);
  return result;
}

function countFrom(output) {
  const match = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(output.toString());
  if (match) {
    totals.passed += Number(match[1]);
    totals.failed += Number(match[2]);
    totals.skipped += Number(match[3]);
  }
}

let failedStage = false;
const stage = (label, command, args, options) => {
  const result = run(label, command, args, options);
  if (options?.capture) countFrom(result.stdout);
  if (result.status !== 0) failedStage = true;
  return result.status === 0;
};

stage('system packages', 'bash', ['scripts/setup-system.sh']);
// A fresh clone: install the npm dependencies first (the lock file pins them).
if (!existsSync('node_modules/.package-lock.json')) stage('npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund']);
if (stage('build', 'node', ['scripts/build.mjs'])) {
  stage('type-check', 'npx', ['tsc', '--noEmit', '-p', '.']);
  stage('type-check renderer', 'npx', ['tsc', '--noEmit', '-p', 'media']);
  // Lint, formatting and the layer arrows (dependency-cruiser): exactly `npm run lint`.
  stage('lint, format and layers', 'npm', ['run', '--silent', 'lint']);
  stage('unit and SSH tests', 'npx', ['mocha'], { capture: true, env: { RUNBOOK_TEST_LABEL: 'unit and SSH tests' } });
  if (!skipUi && existsSync('scripts/test-ui.mjs')) {
    stage('UI tests', 'node', ['scripts/test-ui.mjs'], { capture: true, env: { RUNBOOK_TEST_LABEL: 'UI tests' } });
  }
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\nwhole suite in ${minutes} min${failedStage ? ' — a stage FAILED (see above)' : ''}`);
console.log(`${totals.passed} passed, ${totals.failed + (failedStage && totals.failed === 0 ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
