// `runbook check` prints the same analysis as `file:line:col: severity: message [code]`, or JSON,
// and exits 1 when there is an error.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function check(text: string, ...args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-check-'));
  const file = path.join(dir, 'x.runbook.md');
  fs.writeFileSync(file, text);
  try {
    const run = spawnSync(tsx, [path.join(root, 'src', 'cli', 'main.ts'), 'check', ...args, file], { encoding: 'utf8', timeout: 30_000 });
    return { ...run, file };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('runbook check', function () {
  this.timeout(40_000);
  const text = '```sh {id=a}\nuptime\n```\n\n```check\nparse: lines\nnext: bb\n```\n\n```sh {id=b}\npkill nginx\n```\n';

  it('prints file:line:col: severity: message [code] and exits 1 on errors', () => {
    const run = check(text);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(
      lines[0],
      `${run.file}:7:7: error: line 7: no step has id "bb"; did you mean "b"? use a step id (a, b) or "end", or add a step with {id=bb} [unknown-next]`,
    );
    assert.match(lines[1], new RegExp(`^${run.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10:1: warning: .*\\[unreachable-step\\]$`));
    assert.match(lines[2], /:11:1: warning: .*pkill stops processes.*\[unconfirmed-change\]$/);
  });

  it('--format json gives the same diagnostics; no errors exits 0', () => {
    const run = check(text.replace('next: bb', 'next: b').replace('{id=b}', '{id=b confirm}'), '--format', 'json');
    assert.equal(run.status, 0, run.stdout);
    const json = JSON.parse(run.stdout) as { errors: number; warnings: number; files: { diagnostics: unknown[] }[] };
    assert.deepEqual([json.errors, json.warnings, json.files[0].diagnostics.length], [0, 0, 0]);
  });
});
