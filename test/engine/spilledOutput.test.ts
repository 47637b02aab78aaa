// An output larger than the in-memory cap is still counted in full: the engine streams the
// spilled file through the parser instead of reading only the head and tail kept in memory.

import assert from 'node:assert/strict';
import { runStep } from '../../src/engine/runStep';
import { ValueStore } from '../../src/engine/scope';
import { localHost } from '../../src/hosts/targets';
import { parseRunbook } from '../../src/runbook/parse';
import { LocalExecutor } from '../../src/ssh/local';

const ROWS = 200_000;
const runbook = parseRunbook(
  `
\`\`\`sh {id=states}
echo 'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port'
awk 'BEGIN { for (i = 0; i < ${ROWS}; i++) printf "TIME-WAIT  0      0      127.0.0.1:%d  127.0.0.2:2181\\n", 20000 + i % 40000 }'
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: states.TIME_WAIT >= ${ROWS}
    severity: critical
    message: "{{states.TIME_WAIT}} in TIME_WAIT"
\`\`\`
`,
  'spill.runbook.md',
);

describe('a step whose output exceeds the memory cap', function () {
  this.timeout(60_000);
  it('parses every line from the spilled file', async () => {
    const executor = new LocalExecutor();
    const run = await runStep({
      runbook,
      step: runbook.steps[0],
      hosts: [localHost()],
      executorFor: () => executor,
      values: new ValueStore({}),
      outputCapBytes: 64 * 1024,
    });
    const { result, outcome } = run.hostRuns[0];
    assert.equal(result.stdout.truncated, true, 'the output was over the cap');
    assert.ok(result.stdout.text.length < 200_000, 'memory holds only part of it');
    const states = outcome?.values.states as Record<string, number>;
    assert.equal(states.TIME_WAIT, ROWS);
    assert.equal(outcome?.findings[0]?.severity, 'critical');
  });
});
