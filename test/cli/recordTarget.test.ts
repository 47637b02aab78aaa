// A record remembers the target it was started on: `runbook run RECORD` without --host goes back to
// those hosts (as --only-failed does), and --host still wins. A template with no default stays
// refused without a target.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIncident } from '../../src/engine/incident';
import { runCli } from '../runbooks/cli';

describe('cli: a record runs on the target it was started on', function () {
  this.timeout(60000);
  let dir: string;
  let template: string;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-cli-target-'));
    template = path.join(dir, 'probe.runbook.md');
    fs.writeFileSync(template, '---\ntitle: Probe\n---\n\n```sh {id=hello}\necho hello-from-step\n```\n');
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the template alone has no target and runs nothing', async function () {
    const run = await runCli(['run', template, '--step', 'hello']);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /no target/);
    assert.doesNotMatch(run.stdout, /hello-from-step/);
  });

  it('a record started on local runs there again without --host', async function () {
    const record = startIncident(template, { responder: 'mei.lin', target: ['local'] }).recordPath;
    const run = await runCli(['run', record, '--step', 'hello']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /hello-from-step/);
    assert.match(fs.readFileSync(record, 'utf8'), /hello-from-step/, 'the output is saved in the record');
  });

  it('--host still wins over the recorded target', async function () {
    const record = startIncident(template, { responder: 'mei.lin', title: 'elsewhere', target: ['nosuch-host-xyz'] }).recordPath;
    const run = await runCli(['run', record, '--step', 'hello', '--host', 'local']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /hello-from-step/);
  });
});
