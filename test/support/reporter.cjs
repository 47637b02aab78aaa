// Mocha's spec reporter plus one closing line "N passed, N failed, N skipped" that CI reads, and the
// slowest test files (the suite has a 15-minute budget; this says where the time goes).
const Mocha = require('mocha');
const { relative } = require('node:path');

const { EVENT_RUN_END, EVENT_TEST_END, EVENT_HOOK_END } = Mocha.Runner.constants;

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const secondsByFile = new Map();
    const count = (runnable) => {
      const file = runnable.file ? relative(process.cwd(), runnable.file) : '(no file)';
      secondsByFile.set(file, (secondsByFile.get(file) ?? 0) + (runnable.duration ?? 0) / 1000);
    };
    runner.on(EVENT_TEST_END, count);
    runner.on(EVENT_HOOK_END, count);
    runner.once(EVENT_RUN_END, () => {
      const slowest = [...secondsByFile].sort((a, b) => b[1] - a[1]).slice(0, 8);
      if (slowest.length > 0 && slowest[0][1] >= 5) {
        process.stdout.write('\nslowest files (tests + hooks):\n');
        for (const [file, seconds] of slowest) process.stdout.write(`  ${seconds.toFixed(1).padStart(7)} s  ${file}\n`);
      }
      const { passes, failures, pending } = runner.stats;
      const label = process.env.RUNBOOK_TEST_LABEL || 'tests';
      process.stdout.write(`\n${label}: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpecWithTotals;
