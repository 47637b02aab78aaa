// `runbook plan`: what a run would do, without connecting. The bundled triage on a 3-host group matches
// a golden file, and nothing connects: two hosts point at listeners that count every connection they
// get (none), the third at a port nobody listens on (the plan still prints). Gates, sudo, missing
// parameters and values from earlier steps on a small runbook.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { planCommand } from '../../src/cli/plan';
import { planRun, planText } from '../../src/pipeline/plan';
import { parseRunbook } from '../../src/runbook/parse';
import { golden } from '../report/golden';

async function quietly(work: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  let err = '';
  process.stdout.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += c.toString()), true)) as typeof process.stderr.write;
  try {
    return { code: await work(), out, err };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

/** A TCP listener on loopback that counts the connections it accepts. */
async function countingListener(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port that was free a moment ago: nobody listens there. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('cli: runbook plan', function () {
  this.timeout(60000);
  let dir: string;
  let listeners: Awaited<ReturnType<typeof countingListener>>[];
  let down: number;
  let inventory: string;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-plan-'));
    listeners = [await countingListener(), await countingListener()];
    down = await closedPort();
    inventory = path.join(dir, 'runbook-inventory.yaml');
    fs.writeFileSync(
      inventory,
      [
        'hosts:',
        `  web-1: { hostname: 127.0.0.1, port: ${listeners[0].port}, user: ops }`,
        `  web-2: { hostname: 127.0.0.1, port: ${listeners[1].port}, user: ops }`,
        `  web-3: { hostname: 127.0.0.1, port: ${down}, user: ops }`,
        'groups:',
        '  web: [web-1, web-2, web-3]',
        '',
      ].join('\n'),
    );
  });
  after(async function () {
    await Promise.all(listeners.map((l) => l.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the bundled triage on a 3-host group matches the golden plan, and no host was contacted', async function () {
    const r = await quietly(() => planCommand(path.resolve('runbooks/triage.runbook.md'), { group: 'web', inventory, var: ['port=8443'] }));
    assert.equal(r.code, 0, r.err);
    // Give a connection attempt, had there been one, time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      listeners.map((l) => l.count()),
      [0, 0],
      'the plan opened no connection',
    );
    assert.match(r.out, /web-3 {2}ops@127\.0\.0\.1:\d+/, 'the host that is down is planned like the others');
    assert.match(r.out, /Steps that need sudo: capture/);
    assert.match(r.out, /RB_V1='8443'/, 'the command after substitution, as the run sends it');
    const ports = new Map([
      [String(listeners[0].port), 'PORT1'],
      [String(listeners[1].port), 'PORT2'],
      [String(down), 'PORT3'],
    ]);
    golden(
      'plan-triage-3-hosts.txt',
      r.out
        .replace(/127\.0\.0\.1:(\d+)/g, (_m, p: string) => `127.0.0.1:${ports.get(p) ?? p}`)
        .split(path.resolve('.'))
        .join('.'),
    );
  });

  it('names the confirm gates, sudo steps, missing parameters and values only a run can know', async function () {
    const runbook = parseRunbook(
      [
        '---',
        'title: Small',
        'hosts: [local]',
        'params:',
        '  port: { type: port }',
        '  token: { secret: true, default: "hunter2-token-x" }',
        '---',
        '',
        '```sh {id=look fetch=/tmp/cap-{{port}}.pcap fetch-max=2MiB}',
        'ss -tn state established "( sport = :{{port}} )" | wc -l',
        '```',
        '',
        '```check',
        'parse: numbers',
        'options: { names: [count] }',
        'next: fix',
        '```',
        '',
        '```sh {id=fix confirm sudo}',
        'echo {{count}} {{token}}',
        '```',
        '',
      ].join('\n'),
      'small.runbook.md',
    );
    const plan = await planRun(runbook, [], {}, { workspaceRoot: dir });
    assert.deepEqual(plan.hosts, [{ name: 'local', address: 'this machine' }]);
    assert.equal(plan.parameters.find((p) => p.name === 'port')?.missing, 'no value and no default');
    assert.equal(plan.parameters.find((p) => p.name === 'token')?.value, '[secret]');
    const [look, fix] = plan.steps;
    assert.deepEqual(look.missingParameters, ['port']);
    assert.match(look.command, /<port: missing parameter>/);
    assert.deepEqual(look.fetch, ['/tmp/cap-{{port}}.pcap (no value for {{port}}.)'], 'a fetch path waits for its parameter');
    assert.equal(look.fetchMax, 2 * 1024 * 1024);
    assert.match(
      planText(plan),
      /^ {3}fetches: \/tmp\/cap-\{\{port\}\}\.pcap \(no value for \{\{port\}\}\.\) \(at most 2 MiB each\)$/m,
      'the cap is shown before the capture runs',
    );
    assert.equal(fix.fetchMax, undefined, 'no cap for a step that fetches nothing');
    assert.deepEqual([fix.confirm, fix.sudo, fix.runtimeValues], [true, true, ['count']]);
    assert.match(fix.command, /<count: from an earlier step>/);
    assert.equal(fix.command.includes('hunter2-token-x'), false, 'a secret is never shown');
  });

  it('says which step a run would refuse (a value a second shell parses again)', async function () {
    const runbook = parseRunbook(['---', 'hosts: [local]', '---', '', '```sh {id=bad}', 'sh -c "echo {{x}}"', '```', ''].join('\n'), 'bad.runbook.md');
    const plan = await planRun(runbook, [], { x: 'y' }, { workspaceRoot: dir });
    assert.match(plan.steps[0].refused ?? '', /second shell parses it again/);
  });
});
