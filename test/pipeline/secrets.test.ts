// Re-running an incident record whose secret parameter is saved as a placeholder: the pipeline asks
// for the value (a terminal prompt in the CLI), sends the typed value, never the placeholder, and with
// no terminal stops with an error that says what to do. Over a real sshd.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCommand } from '../../src/cli/run';
import { terminalPrompter } from '../../src/cli/prompt';
import { createExecutors } from '../../src/engine/executors';
import { startIncident } from '../../src/engine/incident';
import { openIncidentRun } from '../../src/pipeline/incidentRun';
import { readRunbookFile } from '../../src/pipeline/load';
import { createRedactor } from '../../src/redact/redactor';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const RUNBOOK = (marker: string) => `---
title: Secret parameter
params:
  token: { secret: true, prompt: "API token" }
---

# Use the token

\`\`\`sh {id=use}
printf '%s' {{token}} > ${marker}
\`\`\`
`;

describe('pipeline: a record whose secret is redacted', function () {
  let sshd: TestSshd;
  let dir: string;
  let record: string;
  let marker: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 146 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-secret-'));
    fs.chmodSync(dir, 0o777); // the unprivileged login user writes the marker here
    marker = path.join(dir, 'sent');
    fs.mkdirSync(path.join(dir, 'runbooks'));
    fs.writeFileSync(path.join(dir, 'runbooks', 's.runbook.md'), RUNBOOK(marker));
    record = startIncident(path.join(dir, 'runbooks', 's.runbook.md'), {
      folder: path.join(dir, 'incidents'),
      parameters: { token: 'first-value' },
    }).recordPath;
    assert.match(fs.readFileSync(record, 'utf8'), /token: "?\[REDACTED:secret\]"?/, 'the record keeps only a placeholder');
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the value on the terminal and sends what was typed', async () => {
    fs.rmSync(marker, { force: true });
    const input = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream;
    const output = new PassThrough() as unknown as NodeJS.WriteStream;
    let asked = '';
    (output as unknown as PassThrough).on('data', (d: Buffer) => (asked += d.toString()));
    const prompter = terminalPrompter({}, input, output);
    setTimeout(() => (input as unknown as PassThrough).write('typed-again\n'), 300);
    const executors = createExecutors({ prompter });
    const run = await openIncidentRun({
      runbook: readRunbookFile(record),
      recordPath: record,
      targetNames: ['testbed-1'],
      targetOptions: { sshConfigPath: sshd.sshConfigPath, trustConfig: true },
      given: {},
      prompter,
      executors,
      redactor: createRedactor(),
    });
    try {
      await run.steps(run.runbook.steps);
    } finally {
      run.close();
      await executors.closeAll();
    }
    assert.match(asked, /API token — its recorded value is redacted/);
    assert.equal(fs.readFileSync(marker, 'utf8'), 'typed-again', 'the typed value reached the host, not the placeholder');
    assert.doesNotMatch(fs.readFileSync(record, 'utf8'), /typed-again/, 'and it is not in the record');
  });

  it('without a terminal stops before anything runs, saying how to give the value', async () => {
    fs.rmSync(marker, { force: true });
    const writes = process.stderr.write;
    let err = '';
    process.stderr.write = ((c: string | Uint8Array) => ((err += c.toString()), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runCommand(record, { host: 'testbed-1', sshConfig: sshd.sshConfigPath });
    } finally {
      process.stderr.write = writes;
    }
    assert.equal(code, 2);
    assert.match(err, /parameter "token" has no value: its recorded value is redacted/);
    assert.match(err, /--var token=VALUE/);
    assert.equal(fs.existsSync(marker), false, 'nothing ran: the placeholder was never sent');
  });
});
