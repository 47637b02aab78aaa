// The whole test suite, as the README and CI run it: system packages, build, type-check, lint,
// unit + SSH tests (mocha, real sshd on loopback), then the UI tests in a real VS Code.
// Each stage prints its own "N passed, N failed" line; the last line sums them up.
// Two stages run in the background to keep the suite inside its 15 minutes on 2 cores: installing the
// UI test bed (network-bound, needed only by the UI stage) and the field suite (lab faults over SSH:
// mostly waiting on samples and intervals; its three files run in parallel, test/field.mocharc.json,
// on their own loopback addresses and free ports: 3.6 min instead of 7-14). Their output is printed whole
// when they end, and also kept in test-artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';

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

/** Starts a stage in the background, its output to a file; `wait()` prints it and the stage's ending. */
function background(label, command, args, options = {}) {
  mkdirSync('test-artifacts', { recursive: true });
  const log = `test-artifacts/${label.replace(/[^a-z0-9]+/gi, '-')}.log`;
  const output = openSync(log, 'w');
  const t0 = Date.now();
  console.log(`\n== ${label}: started in the background (output in ${log}): ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { stdio: ['ignore', output, output], env: { ...process.env, ...options.env } });
  const ended = new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: null, signal: error.message }));
    child.on('close', (status, signal) => resolve({ status, signal }));
  });
  return {
    async wait() {
      const { status, signal } = await ended;
      const text = readFileSync(log);
      console.log(`\n== ${label} (background): output`);
      process.stdout.write(text);
      if (options.capture) countFrom(text);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`== ${label}: ${status === 0 ? 'ok' : `FAILED (exit ${status ?? signal})`} in ${seconds} s (background)`);
      if (status !== 0) failedStage = true;
      return status === 0;
    },
  };
}

const fieldSuite = 'test/field.mocharc.json';
const fieldFiles = JSON.parse(readFileSync(fieldSuite, 'utf8')).spec;

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
const withUi = !skipUi && existsSync('scripts/test-ui.mjs');
const uiTestBed = withUi ? background('UI test bed', 'bash', ['scripts/setup-ui.sh']) : undefined;
if (stage('build', 'node', ['scripts/build.mjs'])) {
  stage('type-check', 'npx', ['tsc', '--noEmit', '-p', '.']);
  stage('type-check renderer', 'npx', ['tsc', '--noEmit', '-p', 'media']);
  // Lint, formatting and the layer arrows (dependency-cruiser): exactly `npm run lint`.
  stage('lint, format and layers', 'npm', ['run', '--silent', 'lint']);
  const field = background('field suite', 'npx', ['mocha', '--config', fieldSuite], { capture: true, env: { RUNBOOK_TEST_LABEL: 'field suite' } });
  // The .vsix the UI tests install, made while the UI test bed is still installing.
  const packaged = withUi && stage('package', 'node', ['scripts/package.mjs']);
  const ignoreField = fieldFiles.flatMap((file) => ['--ignore', file]);
  stage('unit and SSH tests', 'npx', ['mocha', ...ignoreField], { capture: true, env: { RUNBOOK_TEST_LABEL: 'unit and SSH tests' } });
  if (withUi && (await uiTestBed.wait()) && packaged) {
    stage('UI tests', 'node', ['scripts/test-ui.mjs'], { capture: true, env: { RUNBOOK_TEST_LABEL: 'UI tests', RUNBOOK_UI_PACKAGED: '1' } });
  }
  await field.wait();
} else if (uiTestBed) await uiTestBed.wait();

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\nwhole suite in ${minutes} min${failedStage ? ' — a stage FAILED (see above)' : ''}`);
console.log(`${totals.passed} passed, ${totals.failed + (failedStage && totals.failed === 0 ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
