// Hostile output end to end, over a real sshd into an incident record: a catastrophic pattern on a
// crafted line ends at once (RE2), a 200 MB single line is cut with a warning and the run goes on, and
// the spill file of the big output lives with the record, not in $TMPDIR.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/cli/run';
import { startIncident } from '../../src/engine/incident';
import { parseRunbook } from '../../src/runbook/parse';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const RUNBOOK = `# Hostile output

\`\`\`sh {id=redos timeout=10s}
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\\n'
\`\`\`

\`\`\`check
parse: regex
options: { pattern: "(a+)+$" }
next: big
\`\`\`

\`\`\`sh {id=big timeout=60s}
head -c 200000000 /dev/zero | tr '\\0' a; printf '\\nafter the long line\\n'
\`\`\`

\`\`\`check
parse: lines
findings:
  - when: count >= 1
    severity: info
    message: "{{count}} lines read"
next: end
\`\`\`
`;

describe('pipeline: hostile output through a record', function () {
  this.timeout(120_000);
  let sshd: TestSshd;
  let dir: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 142 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-hostile-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'hostile.runbook.md'), RUNBOOK);
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends a catastrophic pattern at once, cuts a 200 MB line with a warning, keeps the spill with the record', async () => {
    const { recordPath } = startIncident(path.join(dir, 'runbooks', 'hostile.runbook.md'), { folder: path.join(dir, 'incidents'), title: 'hostile' });
    const writes = [process.stdout.write, process.stderr.write];
    let out = '';
    process.stdout.write = process.stderr.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
    const started = Date.now();
    let code: number;
    try {
      code = await runCommand(recordPath, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, quiet: true });
    } finally {
      [process.stdout.write, process.stderr.write] = writes;
    }
    assert.ok(code === 0 || code === 3, out);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
    const record = parseRunbook(fs.readFileSync(recordPath, 'utf8'), recordPath);
    const [redos] = record.steps.find((s) => s.id === 'redos')!.outputs;
    assert.equal(redos.termination, 'exit', 'the step with the catastrophic pattern finished');
    assert.ok(redos.durationMs < 10_000, `the pattern ran in ${redos.durationMs} ms`);
    const [big] = record.steps.find((s) => s.id === 'big')!.outputs;
    assert.equal(big.termination, 'exit');
    assert.match(out, /line 1 cut at 65536 bytes/, 'the cut is a parser warning the user sees');
    assert.match(JSON.stringify(big.findings), /2 lines read/, 'the line after the cut was still counted');
    const spill = path.join(
      path.dirname(recordPath),
      fs.readdirSync(path.dirname(recordPath)).find((f) => f.endsWith('.outputs'))!,
      'spill',
    );
    assert.ok(fs.existsSync(spill) && fs.readdirSync(spill).length > 0, 'the full output is spilled beside the record');
    assert.equal(fs.statSync(spill).mode & 0o077, 0, "the spill folder is the owner's only");
  });
});
