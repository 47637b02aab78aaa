// The whole test suite, as the README and CI run it: system packages, build, type-check, lint,
// unit + SSH tests (mocha, real sshd on loopback), then the UI tests in a real VS Code.
// Each stage prints its own "N passed, N failed" line; the last line sums them up.
// To stay inside 15 minutes on 2 cores, what does not need the unit tests runs beside them, in the
// background: the UI test bed install (from the start: it is the longest part before the UI stage),
// type-checks and lint, packaging the .vsix, and the field suite (lab faults over SSH, mostly waiting
// on samples and intervals; its three files in parallel, test/field.mocharc.json). Their output is
// printed whole when they end, and also kept in test-artifacts/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';

const skipUi = process.argv.includes('--no-ui') || process.env.RUNBOOK_SKIP_UI === '1';
const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };

/**
 * A stage in the foreground, its output streamed (and kept when `capture`). Not spawnSync: that would
 * stop this process's event loop, and the background stages' end times with it.
 */
async function run(label, command, args, options = {}) {
  const t0 = Date.now();
  console.log(`\n== ${label}: ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { stdio: ['inherit', options.capture ? 'pipe' : 'inherit', 'inherit'], env: { ...process.env, ...options.env } });
  const chunks = [];
  child.stdout?.on('data', (chunk) => {
    chunks.push(chunk);
    process.stdout.write(chunk);
  });
  const { status, signal } = await new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: null, signal: error.message }));
    child.on('close', (code, sig) => resolve({ status: code, signal: sig }));
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`== ${label}: ${status === 0 ? 'ok' : `FAILED (exit ${status ?? signal})`} in ${seconds} s`);
  return { status, stdout: Buffer.concat(chunks) };
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
  // `nice`: CPU-bound stages with slack (type-checks, lint, packaging) yield to the unit tests, which
  // are what the UI stage waits for. Not the field suite: its lab load generators must keep their rates.
  const [cmd, argv] = options.nice ? ['nice', ['-n', '10', command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { stdio: ['ignore', output, output], env: { ...process.env, ...options.env } });
  // The stage's own time, taken when it ends (not when the suite gets round to printing it).
  const ended = new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: null, signal: error.message, at: Date.now() }));
    child.on('close', (status, signal) => resolve({ status, signal, at: Date.now() }));
  });
  return {
    async wait() {
      const { status, signal, at } = await ended;
      const text = readFileSync(log);
      console.log(`\n== ${label} (background): output`);
      process.stdout.write(text);
      if (options.capture) countFrom(text);
      const seconds = ((at - t0) / 1000).toFixed(1);
      const ago = ((Date.now() - at) / 1000).toFixed(0);
      console.log(`== ${label}: ${status === 0 ? 'ok' : `FAILED (exit ${status ?? signal})`} in ${seconds} s (background, ended ${ago} s ago)`);
      if (status !== 0) failedStage = true;
      return status === 0;
    },
  };
}

const fieldSuite = 'test/field.mocharc.json';
const fieldFiles = JSON.parse(readFileSync(fieldSuite, 'utf8')).spec;

let failedStage = false;
const stage = async (label, command, args, options) => {
  const result = await run(label, command, args, options);
  if (options?.capture) countFrom(result.stdout);
  if (result.status !== 0) failedStage = true;
  return result.status === 0;
};

await stage('system packages', 'bash', ['scripts/setup-system.sh']);
const withUi = !skipUi && existsSync('scripts/test-ui.mjs');
// The UI test bed needs only the system packages (libkrb5-dev, Chromium) and the npm registry: it
// installs while everything else runs, and is most often the longest part before the UI stage.
const uiTestBed = withUi ? background('UI test bed', 'bash', ['scripts/setup-ui.sh']) : undefined;
// A fresh clone: install the npm dependencies first (the lock file pins them).
if (!existsSync('node_modules/.package-lock.json')) await stage('npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund']);
if (await stage('build', 'node', ['scripts/build.mjs'])) {
  // Type-checks, lint, formatting and the layer arrows (dependency-cruiser: exactly `npm run lint`)
  // need no test to have run: in the background, beside the tests.
  const staticChecks = background(
    'type-check, lint, format and layers',
    'bash',
    ['-c', 'set -e; npx tsc --noEmit -p .; echo "type-check: ok"; npx tsc --noEmit -p media; echo "type-check renderer: ok"; npm run --silent lint'],
    { nice: true },
  );
  const field = background('field suite', 'npx', ['mocha', '--config', fieldSuite], { capture: true, env: { RUNBOOK_TEST_LABEL: 'field suite' } });
  // The .vsix the UI tests install, made while the unit tests run.
  const packaging = withUi ? background('package', 'node', ['scripts/package.mjs'], { nice: true }) : undefined;
  const ignoreField = fieldFiles.flatMap((file) => ['--ignore', file]);
  await stage('unit and SSH tests', 'npx', ['mocha', ...ignoreField], { capture: true, env: { RUNBOOK_TEST_LABEL: 'unit and SSH tests' } });
  const packaged = packaging ? await packaging.wait() : false;
  if (withUi && (await uiTestBed.wait()) && packaged) {
    await stage('UI tests', 'node', ['scripts/test-ui.mjs'], { capture: true, env: { RUNBOOK_TEST_LABEL: 'UI tests', RUNBOOK_UI_PACKAGED: '1' } });
  }
  await staticChecks.wait();
  await field.wait();
} else if (uiTestBed) await uiTestBed.wait();

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\nwhole suite in ${minutes} min${failedStage ? ' — a stage FAILED (see above)' : ''}`);
console.log(`${totals.passed} passed, ${totals.failed + (failedStage && totals.failed === 0 ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
