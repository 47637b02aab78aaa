// `runbook run --auto` against the local host follows a branch that depends on real values:
// the test makes its own TIME_WAIT sockets on a loopback address, and the runbook counts them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];
// An address of its own, so other tests' sockets are not counted.
const ADDRESS = '127.0.0.211';

function runbookFor(threshold: number): string {
  return `---
title: TIME_WAIT branch
hosts: local
---

# Count TIME_WAIT on the test's address

\`\`\`sh {id=count title="TIME_WAIT on ${ADDRESS}"}
ss -Htan state time-wait src ${ADDRESS} | wc -l
\`\`\`

\`\`\`check
parse: numbers
options: { names: [timewait] }
findings:
  - when: timewait >= ${threshold}
    severity: warning
    message: "{{timewait}} sockets in TIME_WAIT on ${ADDRESS}"
    hint: the server closes first; see the TIME_WAIT runbook
    next: many
next: few
\`\`\`

\`\`\`sh {id=many title="Many"}
echo branch=many
\`\`\`

\`\`\`check
next: end
\`\`\`

\`\`\`sh {id=few title="Few"}
echo branch=few
\`\`\`
`;
}

/** A server that closes each connection first (so TIME_WAIT lands on its side), hit `count` times. */
async function makeTimeWait(count: number): Promise<void> {
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
  const { port } = server.address() as net.AddressInfo;
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    await new Promise<void>((resolve) => {
      const client = net.connect(port, ADDRESS);
      client.on('data', () => undefined);
      client.on('end', () => client.end());
      client.on('close', () => resolve());
      client.on('error', () => resolve());
    });
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('runbook run --auto on the local host', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-auto-'));
    await makeTimeWait(120);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(threshold: number) {
    const file = path.join(dir, `t${threshold}.runbook.md`);
    fs.writeFileSync(file, runbookFor(threshold));
    const result = spawnSync(process.execPath, [...CLI, 'run', file, '--auto'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return result;
  }

  it('branches to "many" when the real TIME_WAIT count crosses the threshold, with the finding', () => {
    const result = run(100);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /branch=many/);
    assert.doesNotMatch(result.stdout, /branch=few/);
    const finding = /WARNING\s+(\d+) sockets in TIME_WAIT on 127\.0\.0\.211/.exec(result.stdout);
    assert.ok(finding, result.stdout);
    assert.ok(Number(finding[1]) >= 100, `the finding reports the real count: ${finding[1]}`);
    assert.match(result.stdout, /Path taken on local: count → many/);
  });

  it('takes the default branch when the count stays under the threshold', () => {
    const result = run(100_000);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /branch=few/);
    assert.match(result.stdout, /Path taken on local: count → few/);
    assert.match(result.stdout, /No findings\./);
  });
});
