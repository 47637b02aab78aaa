// Every bundled runbook passes `runbook check` cleanly: no format errors, no branch to a missing
// step, no unreachable step, and every command that changes a host sits in a `confirm` step.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

describe('bundled runbooks', () => {
  const files = fs.readdirSync('runbooks').filter((f) => f.endsWith('.runbook.md')).map((f) => path.join('runbooks', f));

  it('are the seven runbooks the docs describe', () => {
    assert.deepEqual(files.map((f) => path.basename(f)).sort(), [
      'close-wait.runbook.md', 'conn-cap.runbook.md', 'conntrack.runbook.md', 'half-open.runbook.md',
      'open-files.runbook.md', 'time-wait.runbook.md', 'triage.runbook.md',
    ]);
  });

  it('pass runbook check with no errors and no warnings', function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', ...files], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, new RegExp(`${files.length} files checked: 0 errors, 0 warnings`));
  });
});
