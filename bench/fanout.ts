// One step on 50 loopback hosts: our pool cold (50 handshakes) and warm, next to parallel-ssh
// (Debian pssh, -p 32) and to one host alone, on the same sshds in the same run.
// Run: npx tsx bench/fanout.ts [rounds]   (as root: hosts log in as the non-root test user)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createExecutors } from '../src/engine/executors';
import { runStep, type StepRun } from '../src/engine/runStep';
import { ValueStore } from '../src/engine/scope';
import { resolveTarget } from '../src/hosts/targets';
import type { HostConfig } from '../src/hosts/types';
import { parseRunbook } from '../src/runbook/parse';
import { noPrompter, startFleet } from '../test/fanout/fleet';

const rounds = Number(process.argv[2] ?? 5);
const HOSTS = 50;
const COMMAND = 'ss -Htan state time-wait | wc -l';
const runbook = parseRunbook(
  `\`\`\`sh {id=tw}\n${COMMAND}\n\`\`\`\n\n\`\`\`check\nparse: numbers\noptions: { names: [timewait] }\n\`\`\`\n`,
  'bench.runbook.md',
);

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(work: () => Promise<StepRun>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const run = await work();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const bad = run.hostRuns.filter((r) => r.result.termination !== 'exit');
  if (bad.length) throw new Error(`${bad.length} hosts failed: ${bad[0].host.name}: ${bad[0].result.error?.message}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** parallel-ssh under /usr/bin/time: wall and the CPU of pssh and all its ssh children. */
function pssh(hostsFile: string, sshConfig: string): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'parallel-ssh', '-h', hostsFile, '-p', '32', '-t', '30', '-x', `-F ${sshConfig}`, COMMAND], {
    encoding: 'utf8',
  });
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const ok = (r.stdout.match(/\[SUCCESS\]/g) ?? []).length;
  if (ok !== HOSTS) throw new Error(`parallel-ssh: ${ok}/${HOSTS} hosts succeeded:\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-500)}`);
  return { wallMs: wall * 1000, cpuMs: (user + sys) * 1000 };
}

async function main(): Promise<void> {
  const fleet = await startFleet({ count: HOSTS, firstAddress: 140, connectTimeout: 10 });
  try {
    const options = { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true };
    const resolveStart = performance.now();
    const hosts = await resolveTarget('fleet', options);
    const resolveMs = performance.now() - resolveStart;
    const hostsFile = path.join(fleet.dir, 'pssh-hosts');
    fs.writeFileSync(hostsFile, `${fleet.hosts.join('\n')}\n`);

    const run = (pool: ReturnType<typeof createExecutors>, on: HostConfig[]) => () =>
      runStep({ runbook, step: runbook.steps[0], hosts: on, executorFor: (h) => pool.executorFor(h), values: new ValueStore({}), concurrency: 32 });
    const results: Record<string, Sample[]> = { cold: [], warm: [], pssh: [], one: [] };
    for (let i = 0; i < rounds; i++) {
      const pool = createExecutors({ prompter: noPrompter });
      results.cold.push(await timed(run(pool, hosts)));
      results.warm.push(await timed(run(pool, hosts)));
      await pool.closeAll();
      results.pssh.push(pssh(hostsFile, fleet.sshConfigPath));
      const single = createExecutors({ prompter: noPrompter });
      results.one.push(await timed(run(single, hosts.slice(0, 1))));
      await single.closeAll();
    }
    const row = (name: string, s: Sample[]) => `| ${name} | ${median(s.map((x) => x.wallMs)).toFixed(0)} | ${median(s.map((x) => x.cpuMs)).toFixed(0)} |`;
    const lines = [
      `${HOSTS} hosts (${fleet.beds.length} sshds on loopback, ${fleet.user}), step \`${COMMAND}\`, ${rounds} rounds, medians. Host resolution (ssh -G x ${HOSTS}, once): ${resolveMs.toFixed(0)} ms.`,
      '',
      '| run | wall ms | CPU ms |',
      '| --- | ---: | ---: |',
      row('ours, cold pool (50 handshakes), concurrency 32', results.cold),
      row('parallel-ssh -p 32 (CPU: pssh + ssh children)', results.pssh),
      row('ours, warm pool (same 50 hosts again)', results.warm),
      row('ours, one host alone, cold', results.one),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const cold = median(results.cold.map((x) => x.wallMs));
    const warm = median(results.warm.map((x) => x.wallMs));
    const ps = median(results.pssh.map((x) => x.wallMs));
    process.stdout.write(`\ncold / parallel-ssh = ${(cold / ps).toFixed(2)} (target <= 1); warm / parallel-ssh = ${(warm / ps).toFixed(2)} (target <= 0.5)\n`);
  } finally {
    await fleet.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
