// Every bundled runbook passes `runbook check` cleanly: no format errors, no branch to a missing
// step, no unreachable step, and every command that changes a host sits in a `confirm` step.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

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

describe('runbook check over several files, some broken', function () {
  this.timeout(40_000);
  it('reports each file at its line and column, goes on after a broken one, and exits 1 at the end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-check-many-'));
    try {
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n');
      const step = '\n```sh {id=a}\nuptime\n```\n';
      const files: [string, string | Buffer][] = [
        ['1-bomb.runbook.md', `---\ntitle: x\n${bomb}\n---\n${step}`],
        ['2-tabs.runbook.md', `---\ntitle: x\nparams:\n\tport: 1\n---\n${step}`],
        ['3-binary.runbook.md', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x0a])],
        ['4-duplicate.runbook.md', `---\ntitle: x\ntitle: y\n---\n${step}`],
        ['5-good.runbook.md', `---\ntitle: fine\n---\n${step}`],
      ];
      const paths = files.map(([name, content]) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        return file;
      });
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', 'main.ts'), 'check', ...paths], { encoding: 'utf8', cwd: root, timeout: 30_000 });
      assert.equal(run.status, 1, run.stderr);
      const out = run.stdout;
      assert.match(out, new RegExp(`${esc(paths[0])}:4:8: error: line 4: front matter is not valid YAML: Excessive alias count`));
      assert.match(out, new RegExp(`${esc(paths[1])}:4:1: error: .*Tabs are not allowed as indentation`));
      assert.match(out, new RegExp(`${esc(paths[2])}:1:7: error: .*the file contains a NUL byte`));
      assert.match(out, new RegExp(`${esc(paths[3])}:3:1: error: .*Map keys must be unique`));
      assert.doesNotMatch(out, new RegExp(esc(paths[4])));
      assert.match(run.stderr, /5 files checked: 4 errors, 0 warnings/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
