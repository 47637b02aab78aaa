// Fail closed, through the CLI in-process over a real sshd: a step whose `confirm` is malformed never
// runs without a yes (and `--auto` refuses the runbook), a value a second shell would parse is refused,
// and a `hosts=local` step in a remote run is refused unless the front matter allows it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, type RunOptions } from '../../src/cli/run';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

async function cli(file: string, options: RunOptions): Promise<{ code: number; out: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  const capture = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await runCommand(file, options), out };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

const MALFORMED = ['confirm=yes', 'confirm=1', 'CONFIRM', 'confirm confirm', 'confrim'];

describe('pipeline: fail closed on unclear steps', function () {
  let sshd: TestSshd;
  let dir: string;

  before(async function () {
    sshd = await startTestSshd({ firstAddress: 148 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-guards-'));
    fs.chmodSync(dir, 0o777); // the unprivileged login user writes markers here
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  for (const attribute of [...MALFORMED, 'JSON "confirm":"yes"', 'JSON confirm twice']) {
    it(`a step written {${attribute}} does not run under --auto, nor alone without a yes`, async () => {
      const marker = path.join(dir, `changed-${attribute.replace(/\W+/g, '_')}`);
      const info = attribute.startsWith('JSON')
        ? attribute.endsWith('twice')
          ? '{"id":"fix","confirm":true,"confirm":false}'
          : '{"id":"fix","confirm":"yes"}'
        : `{id=fix ${attribute}}`;
      const file = write(
        `m-${attribute.replace(/\W+/g, '_')}.runbook.md`,
        `# Change\n\n\`\`\`sh {id=look}\necho looked\n\`\`\`\n\n\`\`\`sh ${info}\ntouch ${marker}\n\`\`\`\n`,
      );
      const auto = await cli(file, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, auto: true });
      assert.equal(fs.existsSync(marker), false, `--auto ran the step: ${auto.out}`);
      assert.notEqual(auto.code, 0, auto.out);
      const alone = await cli(file, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['fix'] });
      assert.equal(fs.existsSync(marker), false, `the step ran without a yes: ${alone.out}`);
      assert.match(alone.out, /needs a yes/);
    });
  }

  it('refuses a value that a second shell would parse, and runs nothing', async () => {
    const marker = path.join(dir, 'reparsed');
    const file = write(
      'reparse.runbook.md',
      `---\nparams:\n  name: { default: "x; touch ${marker}" }\n---\n\n# Reparse\n\n\`\`\`sh {id=greet}\nsh -c "echo {{name}}"\n\`\`\`\n`,
    );
    const run = await cli(file, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['greet'] });
    assert.equal(run.code, 2, run.out);
    assert.match(run.out, /reparse\.runbook\.md:\d+: step "greet" puts \{\{name\}\} where a second shell parses it again \(sh -c\)/);
    assert.equal(fs.existsSync(marker), false);
  });

  it('refuses a hosts=local step in a run on a remote host unless the front matter allows it, and then asks', async () => {
    const marker = path.join(os.tmpdir(), `runbook-local-${process.pid}`);
    const body = `# Local\n\n\`\`\`sh {id=here hosts=local}\ntouch ${marker}\n\`\`\`\n`;
    const refused = await cli(write('local.runbook.md', body), { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['here'] });
    assert.equal(refused.code, 2, refused.out);
    assert.match(refused.out, /runs on this machine \(hosts=local\) while the run targets remote hosts/);
    const allowed = await cli(write('local-ok.runbook.md', `---\nallow-local: true\n---\n\n${body}`), {
      host: 'testbed-1',
      sshConfig: sshd.sshConfigPath,
      step: ['here'],
    });
    assert.match(allowed.out, /needs a yes: it runs on this machine/);
    assert.equal(fs.existsSync(marker), false, 'no terminal to say yes on: nothing ran');
  });

  it("shows a confirm step's command with every control character visible: a CR or ESC[8m cannot hide a touch", async () => {
    const marker = path.join(dir, 'spoofed');
    const hidden = `touch ${marker}\r\u001b[8msystemctl status nginx\u001b[0m`;
    const file = write('spoof.runbook.md', `# Spoof\n\n\`\`\`sh {id=fix confirm}\n${hidden}\n\`\`\`\n`);
    const { out } = await cli(file, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['fix'] });
    assert.ok(out.includes(`touch ${marker}\u240d\u241b[8msystemctl status nginx\u241b[0m`), out);
    assert.doesNotMatch(out, /\r|\u001b\[8m/, 'no raw CR or ESC reaches the terminal');
    assert.equal(fs.existsSync(marker), false);
  });

  it('a hostile value in any quoting position runs nothing on the host and arrives as text', async () => {
    const marker = path.join(dir, 'quoted');
    const hostile = `x$(touch ${marker})'; touch ${marker}; '"; touch ${marker}; "`;
    const file = write(
      'quoting.runbook.md',
      `---\nparams:\n  v: { default: ${JSON.stringify(hostile)} }\n---\n\n# Quoting\n\n\`\`\`sh {id=all}\nprintf '[%s]\\n' {{v}} "{{v}}" '{{v}}' "a{{v}}b"\ncat <<EOF\n{{v}}\nEOF\n\`\`\`\n`,
    );
    const run = await cli(file, { host: 'testbed-1', sshConfig: sshd.sshConfigPath, step: ['all'] });
    assert.equal(run.code, 0, run.out);
    assert.equal(fs.existsSync(marker), false, `a value ran on the host: ${run.out}`);
    assert.equal(run.out.split(`[${hostile}]`).length - 1, 3, `printed as text three times: ${run.out}`);
    assert.ok(run.out.includes(`[a${hostile}b]`), run.out);
  });
});
