// The Ansible engine against the ssh2 pool on the same 20 loopback hosts (two real sshds, 16 +
// 4 addresses): one step through each engine gives the same outputs, exit codes, values,
// findings and decisions, through engine/runStep.ts; host keys stay strict; cancel stops ansible.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createExecutors, type EngineName } from '../../src/engine/executors';
import { runStep, type StepRun } from '../../src/engine/runStep';
import { ValueStore } from '../../src/engine/scope';
import { resolveTarget } from '../../src/hosts/targets';
import type { HostConfig } from '../../src/hosts/types';
import { parseRunbook } from '../../src/runbook/parse';
import { noPrompter, startFleet, type Fleet } from './fleet';

const FIRST = 60;

// Each host answers with facts of its own login (the address it was reached on), so hosts
// differ, findings fire on some of them and the decision splits the group.
const RUNBOOK = `---
title: Engines agree
---

\`\`\`sh {id=facts title="Facts of this login" timeout=20s}
set -- $SSH_CONNECTION
last=\${3##*.}
echo "address=$3"
echo "last=$last"
echo "parity=$((last % 2))"
echo "user=$(id -un)"
echo "to stderr" >&2
printf 'trailing\\n\\n'
exit $((last % 3 == 0 ? 3 : 0))
\`\`\`

\`\`\`check
parse: kv
findings:
  - when: parity == 1
    severity: warning
    message: "odd address {{address}}"
    next: odd
next: even
\`\`\`

\`\`\`sh {id=odd}
echo odd
\`\`\`

\`\`\`sh {id=even}
echo even
\`\`\`

\`\`\`sh {id=slow timeout=60s}
sleep 45; echo never
\`\`\`
`;

/** What a user sees of one host's run, engine-independent. */
function view(run: StepRun) {
  return new Map(
    run.hostRuns.map((r) => [
      r.host.name,
      {
        termination: r.result.termination,
        exitCode: r.result.exitCode,
        stdout: r.result.stdout.text,
        stderr: r.result.stderr.text,
        values: r.outcome?.values,
        findings: r.outcome?.findings.map((f) => [f.severity, f.message]),
        next: r.decision.next?.key,
      },
    ]),
  );
}

describe('Ansible engine vs ssh2 on 20 loopback hosts', function () {
  this.timeout(240_000);
  let fleet: Fleet;
  const runbook = parseRunbook(RUNBOOK, 'engines.runbook.md');
  let iniPath: string;

  before(async () => {
    fleet = await startFleet({ count: 20, firstAddress: FIRST, connectTimeout: 5 });
    const bed = fleet.beds[0];
    // The same fleet as an Ansible inventory: ranges, a group, connection vars.
    iniPath = path.join(fleet.dir, 'fleet.ini');
    const lines = ['[fleet]'];
    fleet.hosts.forEach((h, i) => lines.push(`${h} ansible_host=${fleet.address(i)} ansible_port=${fleet.beds[Math.floor(i / 16)].port}`));
    lines.push(
      '[fleet:vars]',
      `ansible_user=${fleet.user}`,
      `ansible_ssh_private_key_file=${bed.clientKey.privatePath}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${path.join(fleet.dir, 'known_hosts')} -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes'`,
    );
    fs.writeFileSync(iniPath, `${lines.join('\n')}\n`);
  });
  after(async () => {
    await fleet?.stop();
  });

  async function runWith(engine: EngineName, hosts: HostConfig[], stepKey = 'facts', signal?: AbortSignal, env?: NodeJS.ProcessEnv): Promise<StepRun> {
    const executors = createExecutors({ prompter: noPrompter, engine, ansible: { env } });
    try {
      const step = runbook.steps.find((s) => s.key === stepKey)!;
      return await runStep({
        runbook,
        step,
        hosts,
        executorFor: (h) => executors.executorFor(h),
        values: new ValueStore({}),
        concurrency: executors.concurrencyFor(hosts.length),
        signal,
      });
    } finally {
      await executors.closeAll();
    }
  }

  it('hosts from ssh_config: the same values, findings and decisions through both engines', async () => {
    const hosts = await resolveTarget('fleet', { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true });
    assert.equal(hosts.length, 20);
    const viaSsh2 = view(await runWith('ssh2', hosts));
    const viaAnsible = view(await runWith('ansible', hosts));
    for (const [name, v] of viaSsh2) {
      assert.equal(v.termination, 'exit', `${name} over ssh2`);
      assert.deepEqual(viaAnsible.get(name), v, `${name}: ansible differs from ssh2`);
    }
    const split = [...viaSsh2.values()].map((v) => v.next);
    assert.ok(split.includes('odd') && split.includes('even'), 'the decision splits the group');
    assert.ok([...viaSsh2.values()].some((v) => v.exitCode === 3));
    assert.equal(viaSsh2.get('h01')!.stdout.endsWith('trailing\n\n'), true);
  });

  it('hosts from an Ansible inventory: ansible runs with that inventory and agrees with ssh2', async () => {
    const hosts = await resolveTarget('fleet:!h20', { workspaceRoot: fleet.dir, inventoryPath: iniPath, trustConfig: true });
    assert.equal(hosts.length, 19);
    assert.deepEqual(hosts[0].ansible, { inventory: [iniPath], name: 'h01' });
    const viaSsh2 = view(await runWith('ssh2', hosts));
    const viaAnsible = view(await runWith('ansible', hosts));
    assert.deepEqual([...viaAnsible.entries()], [...viaSsh2.entries()]);
  });

  it('runbook run --executor ansible --group PATTERN runs through ansible on the hosts the pattern selects (CLI)', () => {
    const file = path.join(fleet.dir, 'parent.runbook.md');
    // The step's parent process tells the engines apart: python (Ansible's shell module) or our sh bootstrap.
    fs.writeFileSync(file, '```sh {id=parent}\necho "python=$(ps -o comm= -p $PPID | grep -c python)"\n```\n\n```check\nparse: kv\n```\n');
    const cli = (executor: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          path.resolve('src/cli/main.ts'),
          'run',
          file,
          '--group',
          'h0*:!h03',
          '--executor',
          executor,
          '-i',
          fleet.inventoryPath,
          '-F',
          fleet.sshConfigPath,
        ],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
      );
    const viaAnsible = cli('ansible');
    assert.equal(viaAnsible.status, 0, viaAnsible.stderr);
    assert.match(viaAnsible.stdout, /on 8 hosts: 8 ran/);
    // The per-host chart of kv.python: 1 under Ansible.
    assert.match(viaAnsible.stdout, /^\s+h01\s+\S+ 1$/m);
    assert.doesNotMatch(viaAnsible.stdout, /h03 /);
    const viaSsh2 = cli('ssh2');
    assert.equal(viaSsh2.status, 0, viaSsh2.stderr);
    assert.match(viaSsh2.stdout, /on 8 hosts: 8 ran/);
    assert.match(viaSsh2.stdout, /^\s+h01\s+\S* ?0$/m);
  });

  it('keeps host keys strict: a changed key fails that host alone, with its kind', async () => {
    const known = path.join(fleet.dir, 'known_hosts');
    const saved = fs.readFileSync(known, 'utf8');
    try {
      const other = path.join(fleet.dir, 'other_host_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const wrong = fs.readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      const target = `[${fleet.address(2)}]:${fleet.beds[0].port}`;
      fs.writeFileSync(
        known,
        saved
          .split('\n')
          .map((l) => (l.startsWith(`${target} `) ? `${target} ${wrong}` : l))
          .join('\n'),
      );
      const hosts = await resolveTarget('fleet', { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true });
      // Fresh ControlMaster sockets: a master still open from the last test would skip the key check, as it does for ssh.
      const controlDir = fs.mkdtempSync(path.join(fleet.dir, 'cp-'));
      const run = await runWith('ansible', hosts.slice(0, 5), 'facts', undefined, { ...process.env, ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir });
      const bad = run.hostRuns.find((r) => r.host.name === 'h03')!;
      assert.equal(bad.result.termination, 'error');
      assert.equal(bad.result.error?.kind, 'host-key-changed', bad.result.error?.message);
      assert.equal(run.hostRuns.filter((r) => r.result.termination === 'exit').length, 4);
    } finally {
      fs.writeFileSync(known, saved);
    }
  });

  it('cancel kills the ansible process group: every host ends cancelled, quickly', async () => {
    const hosts = await resolveTarget('fleet', { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 4000);
    const run = await runWith('ansible', hosts.slice(0, 4), 'slow', controller.signal);
    assert.deepEqual(
      run.hostRuns.map((r) => r.result.termination),
      ['cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.ok(Date.now() - started < 30_000, 'did not wait for the 45 s sleep');
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('runbook-ansible-') && !l.includes('ps -eo'));
    assert.deepEqual(left, [], 'no ansible process of ours is left');
  });
});
