// A step's duration is the command's time on the host: the host-key question (here answered after
// 1.5 s, as a person reading a fingerprint would) and connecting are not counted. Real sshd.
import assert from 'node:assert/strict';
import { runStep } from '../../src/engine/runStep';
import { ValueStore } from '../../src/engine/scope';
import { parseRunbook } from '../../src/runbook/parse';
import { SshPool } from '../../src/ssh/pool';
import type { Prompter } from '../../src/base/prompter';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const PROMPT_DELAY_MS = 1500;

describe('engine: step durations start when the command starts on the host', function () {
  this.timeout(60_000);
  let bed: TestSshd;
  let pool: SshPool | undefined;

  before(async () => {
    bed = await startTestSshd();
  });
  afterEach(async () => {
    await pool?.closeAll();
  });
  after(async () => {
    await bed?.stop();
  });

  it('a host-key prompt answered after 1.5 s is not in the duration of a `cat`', async () => {
    bed.writeKnownHosts({ omit: [bed.addresses[0]!] });
    const asked: number[] = [];
    const slowYes: Prompter = {
      askSecret: async () => undefined,
      confirm: async () => {
        asked.push(Date.now());
        await new Promise((r) => setTimeout(r, PROMPT_DELAY_MS));
        return true;
      },
    };
    pool = new SshPool({ prompter: slowYes });
    const host = bed.hostConfig(bed.addresses[0]!, undefined, { strictHostKeyChecking: 'ask' });
    const runbook = parseRunbook('# T\n\n```sh {id=quick}\ncat /etc/hostname\n```\n', 'duration.runbook.md');
    const began = Date.now();
    const run = await runStep({ runbook, step: runbook.steps[0]!, hosts: [host], executorFor: (h) => pool!.executor(h), values: new ValueStore({}) });
    const wall = Date.now() - began;
    const result = run.hostRuns[0]!.result;
    assert.equal(result.termination, 'exit', result.error?.message);
    assert.equal(asked.length, 1, 'the host key was asked about');
    assert.ok(wall >= PROMPT_DELAY_MS, `the run waited for the answer (${wall} ms)`);
    // The prompt alone is 1.5 s; a `cat` over an open connection is far below that even on a loaded machine.
    assert.ok(result.durationMs < PROMPT_DELAY_MS, `duration ${result.durationMs} ms must not include the ${PROMPT_DELAY_MS} ms prompt (wall ${wall} ms)`);
    assert.ok(result.startedAt.getTime() >= asked[0]! + PROMPT_DELAY_MS, 'the step started after the host key was trusted');
    assert.ok((result.timings?.connectMs ?? 0) + (result.timings?.authMs ?? 0) > 0, 'connecting is measured apart');
  });
});
