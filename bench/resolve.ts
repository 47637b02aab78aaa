// Host resolution at 200, 1,000 and 10,000 hosts (an Ansible-style inventory: one line per host
// with ansible_host, and a small ssh_config with defaults), in the same run:
//   peer: the previous way, one `ssh -G` per host all at once (Promise.all over spawn);
//   ours: `ssh -G` bounded (SSH_G_CONCURRENCY) cold; the same again warm (cached per config);
//   ours: auto (the built-in evaluator once it agreed with ssh -G on a sample).
// The peer is not run at 10,000: it would start 10,000 processes at once on a shared machine.
// Run: npx tsx bench/resolve.ts [sizes]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveTarget } from '../src/hosts/targets';
import { SSH_G_CONCURRENCY, sshGRunning } from '../src/hosts/sshG';

const sizes = (process.argv[2] ?? '200,1000,10000').split(',').map(Number);
const PEER_MAX = 1000;

function unboundedSshG(name: string, hostname: string, config: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', ['-G', '-F', config, '-o', `HostName=${hostname}`, '--', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ssh -G ${name}: exit ${code}`))));
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; peak: number; value: T }> {
  const cpu = process.cpuUsage();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, sshGRunning())), 5);
  const t = performance.now();
  const value = await work();
  const ms = performance.now() - t;
  clearInterval(timer);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, peak, value };
}

/** Children of this process right now (the peer's simultaneous ssh -G). */
function childCount(): number {
  let n = 0;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) n++;
    } catch {
      // Gone.
    }
  }
  return n;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  process.stdout.write(
    `load before: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (${os.cpus().length} cores, shared); ssh -G bound ${SSH_G_CONCURRENCY}\n`,
  );
  for (const n of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-resolve-'));
    try {
      const config = path.join(dir, 'ssh_config');
      fs.writeFileSync(config, 'Host *\n  IdentitiesOnly yes\n  ServerAliveInterval 15\n  ConnectTimeout 5\n');
      const names = Array.from({ length: n }, (_, i) => `web-${String(i + 1).padStart(5, '0')}`);
      const address = (i: number) => `10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`;
      const inventory = path.join(dir, 'hosts.ini');
      fs.writeFileSync(inventory, `[web]\n${names.map((h, i) => `${h} ansible_host=${address(i)}`).join('\n')}\n[web:vars]\nansible_user=ops\n`);
      const options = { workspaceRoot: dir, inventoryPath: inventory, sshConfigPath: config, trustConfig: true, ansible: { builtinOnly: true } };
      if (n <= PEER_MAX) {
        let peakChildren = 0;
        const sampler = setInterval(() => (peakChildren = Math.max(peakChildren, childCount())), 20);
        const peer = await timed(() => Promise.all(names.map((h, i) => unboundedSshG(h, address(i), config))));
        clearInterval(sampler);
        rows.push(`| ${n} | peer: ssh -G per host, all at once | ${peer.ms.toFixed(0)} | ${peer.cpuMs.toFixed(0)} | ${peakChildren} (sampled) |`);
      } else rows.push(`| ${n} | peer: ssh -G per host, all at once | not run | | would be ${n} |`);
      const cold = await timed(() => resolveTarget('web', { ...options, resolver: 'ssh' }));
      if (cold.value.length !== n) throw new Error(`resolved ${cold.value.length} of ${n}`);
      rows.push(`| ${n} | ours: ssh -G bounded, cold | ${cold.ms.toFixed(0)} | ${cold.cpuMs.toFixed(0)} | ${cold.peak} |`);
      const warm = await timed(() => resolveTarget('web', { ...options, resolver: 'ssh' }));
      rows.push(`| ${n} | ours: same again, cached | ${warm.ms.toFixed(0)} | ${warm.cpuMs.toFixed(0)} | ${warm.peak} |`);
      fs.appendFileSync(config, '# touched: a new configuration, so a cold cache\n');
      const auto = await timed(() => resolveTarget('web', { ...options, resolver: 'auto' }));
      rows.push(
        `| ${n} | ours: auto (built-in evaluator after a 4-host sample agreed with ssh -G) | ${auto.ms.toFixed(0)} | ${auto.cpuMs.toFixed(0)} | ${auto.peak} |`,
      );
      const same = JSON.stringify(auto.value.map((h) => ({ ...h, origin: '' }))) === JSON.stringify(cold.value.map((h) => ({ ...h, origin: '' })));
      rows.push(`| ${n} | (auto and ssh -G give the same HostConfigs: ${same ? 'yes' : 'NO'}) | | | |`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(['| hosts | how | wall ms | client CPU ms | ssh -G at once |', '| ---: | --- | ---: | ---: | ---: |', ...rows].join('\n'));
  process.stdout.write(`\nload after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
