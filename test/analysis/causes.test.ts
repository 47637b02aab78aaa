// `runbook check` across steps for suspected causes: verify names an existing read-only step, and
// confirms/refutes name a cause some finding suspects; each problem at its place in the file.
import assert from 'node:assert/strict';
import { analyzeRunbook } from '../../src/analysis/analyze';
import { parseRunbook } from '../../src/runbook/parse';

const runbook = (verify: string, confirms: string) => `# Causes

\`\`\`sh {id=count}
echo 9
\`\`\`

\`\`\`check
parse: numbers
findings:
  - when: value > 5
    severity: warning
    message: "suspect"
    cause: conn-cap
    verify: [${verify}]
\`\`\`

\`\`\`sh {id=capture}
echo fin
\`\`\`

\`\`\`check
parse: lines
findings:
  - when: count > 0
    severity: critical
    message: "confirmed"
    confirms: ${confirms}
\`\`\`

\`\`\`sh {id=fix confirm}
echo changed
\`\`\`
`;

const problems = (text: string) =>
  analyzeRunbook(parseRunbook(text, 'causes.runbook.md'))
    .filter((d) => ['unknown-verify-step', 'verify-changes-host', 'verify-self', 'unknown-cause'].includes(d.code))
    .map((d) => `${d.range.start.line + 1}: ${d.code}`);

describe('analysis: suspected causes across steps', () => {
  it('accepts a read-only verify step and a confirms that names the suspected cause', () => {
    assert.deepEqual(problems(runbook('capture', 'conn-cap')), []);
  });

  it('flags a confirm step or a missing step in verify, and a confirms naming no suspected cause, each on its line', () => {
    assert.deepEqual(problems(runbook('fix, nope', 'conn-cop')), ['14: verify-changes-host', '14: unknown-verify-step', '27: unknown-cause']);
  });
});
