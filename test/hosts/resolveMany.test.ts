// Host resolution for fleets: `ssh -G` never runs more than SSH_G_CONCURRENCY at once, answers
// are cached per configuration (an edited config is read again), and from 200 hosts the built-in
// evaluator takes over only where it agrees with `ssh -G` (same HostConfigs, a handful of ssh -G).

import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SSH_G_CONCURRENCY } from '../../src/hosts/sshG';
import { resolveTarget, type TargetOptions } from '../../src/hosts/targets';

describe('hosts/resolveMany: bounded, cached, and the evaluator where it agrees', function () {
  this.timeout(120_000);
  let dir: string;
  let log: string;
  let options: TargetOptions;
  const N = 240;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'resolve-many-'));
    log = path.join(dir, 'ssh.log');
    // A real `ssh` behind a wrapper that logs when each run starts and ends.
    const wrapper = path.join(dir, 'ssh');
    writeFileSync(wrapper, `#!/bin/sh\necho "start $$" >> ${log}\n/usr/bin/ssh "$@"\nrc=$?\necho "end $$" >> ${log}\nexit $rc\n`);
    chmodSync(wrapper, 0o755);
    writeFileSync(path.join(dir, 'ssh_config'), 'Host *\n  ServerAliveInterval 15\n  IdentitiesOnly yes\n');
    const lines = [
      '[web]',
      ...Array.from({ length: N }, (_, i) => `web-${String(i).padStart(3, '0')} ansible_host=10.1.${Math.floor(i / 250)}.${i % 250}`),
      '[web:vars]',
      'ansible_user=ops',
    ];
    writeFileSync(path.join(dir, 'hosts.ini'), `${lines.join('\n')}\n`);
    options = {
      workspaceRoot: dir,
      inventoryPath: path.join(dir, 'hosts.ini'),
      sshConfigPath: path.join(dir, 'ssh_config'),
      trustConfig: true,
      sshBinary: wrapper,
      ansible: { builtinOnly: true },
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const runs = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const maxAtOnce = (lines: string[]) => {
    let now = 0;
    let max = 0;
    for (const l of lines) max = Math.max(max, (now += l.startsWith('start') ? 1 : -1));
    return max;
  };

  it(`runs ssh -G at most ${SSH_G_CONCURRENCY} at a time, then answers from the cache, and reads an edited config again`, async () => {
    writeFileSync(log, '');
    const cold = await resolveTarget('web', { ...options, resolver: 'ssh' });
    assert.equal(cold.length, N);
    const first = runs();
    assert.equal(first.length, 2 * N, 'one ssh -G per host');
    assert.ok(maxAtOnce(first) <= SSH_G_CONCURRENCY, `at most ${SSH_G_CONCURRENCY} at once, saw ${maxAtOnce(first)}`);
    assert.ok(maxAtOnce(first) >= 2, 'and in parallel');

    const warm = await resolveTarget('web', { ...options, resolver: 'ssh' });
    assert.deepEqual(warm, cold);
    assert.equal(runs().length, 2 * N, 'no ssh -G for a configuration already resolved');

    await new Promise((r) => setTimeout(r, 250));
    appendFileSync(options.sshConfigPath!, 'Host web-001\n  Port 2201\n');
    const edited = await resolveTarget('web-001', { ...options, resolver: 'ssh' });
    assert.equal(edited[0].port, 2201);
  });

  it('from 200 hosts: the built-in evaluator, after a sample agreed with ssh -G, gives the same HostConfigs', async () => {
    const viaSsh = await resolveTarget('web', { ...options, resolver: 'ssh' });
    writeFileSync(log, '');
    appendFileSync(options.sshConfigPath!, '# a new configuration: nothing cached\n');
    await new Promise((r) => setTimeout(r, 250));
    const messages: string[] = [];
    const auto = await resolveTarget('web', { ...options, onResolver: (m) => messages.push(m) });
    assert.match(messages.join('\n'), /resolved with the built-in evaluator \(it agreed with ssh -G on 4 of them\)/);
    assert.ok(runs().length <= 8, `only the sample ran ssh -G (${runs().length / 2} runs)`);
    const strip = (hosts: typeof auto) => hosts.map((h) => ({ ...h, origin: '' }));
    assert.deepEqual(strip(auto), strip(viaSsh));
  });

  it('stays with ssh -G when the config has what only ssh evaluates', async () => {
    appendFileSync(options.sshConfigPath!, 'Match exec "true"\n  User other\n');
    await new Promise((r) => setTimeout(r, 250));
    const messages: string[] = [];
    const hosts = await resolveTarget('web', { ...options, onResolver: (m) => messages.push(m) });
    assert.match(messages.join('\n'), /resolved with ssh -G: the config uses "Match exec"/);
    assert.equal(hosts[0].user, 'ops', 'ansible_user wins over the config, as -o does');
  });
});
