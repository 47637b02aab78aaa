// A `samples=N` run is saved as one text with each sample under its heading; the samples must be
// split back from the record so the replay recomputes `delta.`/`rate.`, also when the step wrote to
// stderr (whose own headings follow stdout's in the saved text).
import assert from 'node:assert/strict';
import { replay } from '../../src/engine/replay';
import { splitSampleText } from '../../src/engine/sampleText';
import { IncidentSession } from '../../src/engine/session';
import { localHost } from '../../src/hosts/targets';
import { createRedactor } from '../../src/redact/redactor';
import { appendOutput } from '../../src/runbook/edit';
import { parseRunbook } from '../../src/runbook/parse';
import { printRunbook } from '../../src/runbook/print';
import { LocalExecutor } from '../../src/ssh/local';

const TEXT = `---
title: Rate
---

# Rate

\`\`\`sh {id=ticks samples=2 interval=300ms}
echo "ms=$(( $(date +%s%N) / 1000000 ))"
echo "a warning on stderr" >&2
\`\`\`

\`\`\`check
parse: kv
findings:
  - when: rate.ms > 500
    severity: warning
    message: "the clock runs at {{rate.ms}} ms per second"
next: end
\`\`\`
`;

describe('engine/sampleText: samples split back from a saved text', function () {
  this.timeout(20_000);

  it('takes the first complete sequence only: stderr headings are not samples', () => {
    const text = [
      '── sample 1 of 2 at 2026-12-01T10:00:00.000Z ──\nms=1000\n',
      '── sample 2 of 2 at 2026-12-01T10:00:01.000Z ──\nms=2000\n',
      '── sample 1 of 2 at 2026-12-01T10:00:00.000Z ──\nwarn\n',
      '── sample 2 of 2 at 2026-12-01T10:00:01.000Z ──\nwarn\n',
    ].join('');
    assert.deepEqual(
      splitSampleText(text).map((s) => [s.at.toISOString(), s.text]),
      [
        ['2026-12-01T10:00:00.000Z', 'ms=1000\n'],
        ['2026-12-01T10:00:01.000Z', 'ms=2000\n'],
      ],
    );
  });

  it('does not split a text whose headings are not a whole sequence', () => {
    assert.deepEqual(splitSampleText('── sample 2 of 3 at 2026-12-01T10:00:00.000Z ──\nx\n── sample 3 of 3 at 2026-12-01T10:00:01.000Z ──\ny\n'), []);
    assert.deepEqual(splitSampleText('just output\n'), []);
  });

  it('the replay of a record recomputes rate. from the saved samples and reaches the live finding', async () => {
    const runbook = parseRunbook(TEXT, 'rate.runbook.md');
    const local = new LocalExecutor();
    const session = new IncidentSession({ runbook, params: {}, executorFor: () => local, redactor: createRedactor() });
    try {
      const run = await session.run(runbook.steps[0], [localHost()]);
      const live = run.hostRuns[0].outcome;
      assert.equal(live?.findings.length, 1, `live: ${JSON.stringify(live)}`);
      const saved = await session.savedOutput(run.hostRuns[0]);
      assert.match(saved.text, /a warning on stderr/, 'stderr is in the saved text');
      const record = parseRunbook(printRunbook(appendOutput(runbook, 'ticks', saved)), 'rate.runbook.md');
      const output = record.steps[0].outputs[0];
      assert.deepEqual(output.samples, saved.samples);
      const [verdict] = replay({
        runbook: record,
        captures: [{ step: output.step, host: output.host, text: output.text, exitCode: output.exitCode, termination: output.termination }],
        parameters: {},
      });
      assert.deepEqual(verdict.inconclusive, []);
      assert.match(verdict.findings.ticks?.[0]?.message ?? '', /^the clock runs at \d+(\.\d+)? ms per second$/);
    } finally {
      session.close();
      await local.close();
    }
  });
});
