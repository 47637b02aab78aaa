// No secret reaches any file: a secret parameter echoed back by the host (plain, base64, percent-
// encoded), parsed into a value and put into a finding's message and hint, and a GitHub token in the
// output, must appear nowhere under the incident folder (record, journal, outputs), in any encoding.
// Files there are the owner's only. Over a real sshd, through the CLI in-process.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/cli/run';
import { secretForms } from '../../src/redact/exactValues';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const SECRET = "S3cr!t'Value(1)";
// Printed by the host in two halves, so the runbook's own text does not hold it.
const TOKEN = `github_pat_11ABCDEFG0${'x'.repeat(70)}`;

const RUNBOOK = `---
title: Secret in everything
params:
  token: { secret: true }
---

# Echo the secret back every way a host might

\`\`\`sh {id=leak}
printf 'token=%s\\n' {{token}}
printf '%s' {{token}} | base64
printf 'encoded=%s\\n' "$(printf '%s' {{token}} | od -An -tx1 | tr -d ' \\n' | sed 's/../%&/g')"
printf 'header: %s_%s\\n' github_pat '${TOKEN.slice('github_pat_'.length)}'
\`\`\`

\`\`\`check
parse: kv
findings:
  - when: token != ""
    severity: warning
    message: "the host printed {{token}}"
    hint: "rotate {{token}}"
next: end
\`\`\`
`;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('pipeline: redaction of everything persisted', function () {
  let sshd: TestSshd;
  let dir: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 149 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-redact-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 'leak.runbook.md'), RUNBOOK);
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no form of the secret and no token in the record, the journal or the outputs; files 0600 in 0700 folders', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    const writes = [process.stdout.write, process.stderr.write];
    let out = '';
    process.stdout.write = process.stderr.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runCommand(path.join(dir, 'runbooks', 'leak.runbook.md'), {
        host: 'testbed-1',
        sshConfig: sshd.sshConfigPath,
        incident: 'leak',
        var: [`token=${SECRET}`],
      });
    } finally {
      [process.stdout.write, process.stderr.write] = writes;
      process.chdir(cwd);
    }
    assert.equal(code, 0, out);
    const files = walk(path.join(dir, 'incidents'));
    assert.ok(files.some((f) => f.endsWith('.journal.jsonl')) && files.some((f) => f.includes('.outputs')), files.join('\n'));
    const forms = [...secretForms(SECRET), Buffer.from(SECRET).toString('hex').replace(/../g, '%$&'), TOKEN];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const form of forms)
        assert.ok(!text.includes(form) && !text.toLowerCase().includes(form.toLowerCase()), `${path.relative(dir, file)} holds ${form}`);
      assert.equal(fs.statSync(file).mode & 0o077, 0, `${file} is readable by others`);
    }
    const record = fs.readFileSync(
      files.find((f) => f.endsWith('.runbook.md'))!,
      'utf8',
    );
    assert.match(record, /the host printed \[REDACTED:secret\]/, 'the finding is kept, its secret masked');
    assert.match(record, /header: \[REDACTED[^\]]*\]/, 'the token was printed, and masked');
    assert.equal(fs.statSync(path.join(dir, 'incidents')).mode & 0o077, 0, "the incidents folder is the owner's only");
  });
});
