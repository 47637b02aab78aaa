// Mocha's spec reporter plus one closing line "N passed, N failed, N skipped" that CI reads.
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const label = process.env.RUNBOOK_TEST_LABEL || 'tests';
      process.stdout.write(`\n${label}: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpecWithTotals;
