// One trivial step on 50, 200 and 1,000 hosts, cold and warm, in the same run: our ssh2 pool and
// our Ansible engine against parallel-ssh and Ansible's own ad-hoc run. Wall, client CPU (with
// children), client peak RSS (process tree, sampled) and RSS per host. Real sshds for the sizes
// given with --real (default 50: 4 sshds); the SSH host simulator (src/testbed/sshSimulator.ts,
// executes nothing, canned output) for --sim sizes; simulated rows are labelled.
// Run: npx tsx bench/fleet.ts [--real 50] [--sim 50,200,1000] [--tools ssh2,ansible-ours,pssh,ansible]
//        [--ansible-warm-max 200] [--control-persist 900s]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionVars } from '../src/ssh/ansibleTargets';
import { resolveTarget } from '../src/hosts/targets';
import type { HostConfig } from '../src/hosts/types';
import { generateKey } from '../src/testbed/keys';
import { startSshSimulator } from '../src/testbed/sshSimulator';
import { currentUser, ensureTestUser, isRoot } from '../src/testbed/users';
import { startFleet } from '../test/fanout/fleet';
import { sampleTree } from './procTree';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = (s: string) => s.split(',').filter(Boolean).map(Number);
const REAL = sizes(arg('real', '50'));
const SIM = sizes(arg('sim', '50,200,1000'));
const TOOLS = arg('tools', 'ssh2,ansible-ours,pssh,ansible').split(',');
const COMMAND = 'echo ok';
const FORKS = 50;
/** Above this many hosts the Ansible rows run cold only: a warm run costs as long again on 2 shared cores. */
const ANSIBLE_WARM_MAX = Number(arg('ansible-warm-max', '200'));
/**
 * ControlPersist for both Ansible rows (`--control-persist 900s`); Ansible's default is 60 s. A cold
 * run on 1,000 hosts takes minutes here, so with 60 s most masters are gone before the warm run
 * starts and "warm" would be mostly cold: a warm row above 200 hosts needs it longer than the run.
 */
const CONTROL_PERSIST = arg('control-persist', '');

interface Phase {
  wallMs: number;
  cpuMs: number;
}
interface Row {
  backend: string;
  hosts: number;
  tool: string;
  cold?: Phase;
  warm?: Phase;
  peakKb: number;
  baseKb: number;
  processes: number;
  note?: string;
}

async function runChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number | null; peakKb: number; processes: number }> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = sampleTree(child.pid!, 100);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const { peakKb, processes } = sampler.stop();
  return { stdout, stderr, code, peakKb, processes };
}

/** `/usr/bin/time` around a peer: wall and the CPU of it and every child it waited for. */
async function timedPeer(cmd: string[], env: NodeJS.ProcessEnv, expectOk: (out: string) => boolean) {
  const r = await runChild('/usr/bin/time', ['-f', '@time %e %U %S', ...cmd], env);
  const m = /@time ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m || !expectOk(r.stdout)) throw new Error(`${cmd[0]} failed (exit ${r.code}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
  return { phase: { wallMs: Number(m[1]) * 1000, cpuMs: (Number(m[2]) + Number(m[3])) * 1000 }, peakKb: r.peakKb, processes: r.processes };
}

/** ssh ControlPersist masters Ansible left behind: detached, so outside the sampled tree; counted, then ended by pid. */
function mastersIn(controlDir: string): { count: number; rssKb: number } {
  let count = 0;
  let rssKb = 0;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(controlDir)) continue;
      count++;
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${e}/status`, 'utf8'))?.[1] ?? 0);
      process.kill(Number(e), 'SIGTERM');
    } catch {
      // Gone.
    }
  }
  return { count, rssKb };
}

async function measure(backend: string, hosts: HostConfig[], dir: string, sshConfig: string): Promise<Row[]> {
  const rows: Row[] = [];
  const n = hosts.length;
  const hostsJson = path.join(dir, 'hosts.json');
  fs.writeFileSync(hostsJson, JSON.stringify(hosts));
  const psshHosts = path.join(dir, 'pssh-hosts');
  fs.writeFileSync(psshHosts, `${hosts.map((h) => h.name).join('\n')}\n`);
  const inventory = path.join(dir, 'inventory.json');
  fs.writeFileSync(inventory, JSON.stringify({ all: { hosts: Object.fromEntries(hosts.map((h) => [h.name, connectionVars(h)])) } }));
  const ansibleEnv = (controlDir: string) => ({
    ...process.env,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_STDOUT_CALLBACK: 'oneline',
    ANSIBLE_LOAD_CALLBACK_PLUGINS: 'True',
    ...(CONTROL_PERSIST ? { ANSIBLE_SSH_ARGS: `-C -o ControlMaster=auto -o ControlPersist=${CONTROL_PERSIST}` } : {}),
  });
  for (const tool of TOOLS) {
    process.stderr.write(`  ${backend} ${n} hosts: ${tool} ...\n`);
    const started = Date.now();
    if (tool === 'ssh2' || tool === 'ansible-ours') {
      const controlDir = fs.mkdtempSync(path.join(dir, 'cp-'));
      const r = await runChild(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(__dirname, 'fleetClient.ts'),
          tool === 'ssh2' ? 'ssh2' : 'ansible',
          hostsJson,
          COMMAND,
          tool !== 'ssh2' && n > ANSIBLE_WARM_MAX ? 'no-warm' : 'warm',
        ],
        ansibleEnv(controlDir),
      );
      const result = /^result (.*)$/m.exec(r.stdout);
      if (!result) throw new Error(`${tool} client failed: ${r.stderr.slice(-2000)}`);
      const { cold, warm } = JSON.parse(result[1]) as { cold: Phase; warm?: Phase };
      const base = JSON.parse(/^ready (.*)$/m.exec(r.stdout)![1]) as { rssKb: number };
      const masters = mastersIn(controlDir);
      rows.push({
        backend,
        hosts: n,
        tool: tool === 'ssh2' ? 'ours, ssh2 pool' : 'ours, Ansible engine',
        cold,
        warm,
        peakKb: r.peakKb,
        baseKb: base.rssKb,
        processes: r.processes,
        note: masters.count ? `+${masters.count} ControlPersist masters, ${(masters.rssKb / 1024).toFixed(0)} MB` : undefined,
      });
    } else if (tool === 'pssh') {
      const r = await timedPeer(
        ['parallel-ssh', '-h', psshHosts, '-p', String(FORKS), '-t', '300', '-x', `-F ${sshConfig}`, COMMAND],
        process.env,
        (out) => (out.match(/\[SUCCESS\]/g) ?? []).length === n,
      );
      rows.push({
        backend,
        hosts: n,
        tool: `parallel-ssh -p ${FORKS}`,
        cold: r.phase,
        peakKb: r.peakKb,
        baseKb: 0,
        processes: r.processes,
        note: 'no warm mode: new connections every run',
      });
    } else if (tool === 'ansible') {
      const controlDir = fs.mkdtempSync(path.join(dir, 'cp-'));
      const cmd = ['ansible', 'all', '-i', inventory, '-m', 'ansible.builtin.shell', '-a', COMMAND, '-f', String(FORKS)];
      const ok = (out: string) => (out.match(/\| CHANGED \| rc=0/g) ?? []).length === n;
      const cold = await timedPeer(cmd, ansibleEnv(controlDir), ok);
      const warm = n > ANSIBLE_WARM_MAX ? undefined : await timedPeer(cmd, ansibleEnv(controlDir), ok);
      const masters = mastersIn(controlDir);
      rows.push({
        backend,
        hosts: n,
        tool: `ansible ad-hoc -f ${FORKS}`,
        cold: cold.phase,
        warm: warm?.phase,
        peakKb: Math.max(cold.peakKb, warm?.peakKb ?? 0),
        baseKb: 0,
        processes: Math.max(cold.processes, warm?.processes ?? 0),
        note: masters.count ? `+${masters.count} ControlPersist masters, ${(masters.rssKb / 1024).toFixed(0)} MB` : undefined,
      });
    }
    process.stderr.write(`    ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // Each row as soon as it is measured: a long run cut short still leaves its figures.
    process.stdout.write(`${table(rows.slice(-1)).split('\n').slice(2).join('\n')}  (load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})\n`);
  }
  return rows;
}

function simulatedConfig(dir: string, sim: { addresses: string[]; port: number; knownHostsPath: string }, key: string, user: string) {
  const file = path.join(dir, 'ssh_config');
  const names = sim.addresses.map((_, i) => `s${String(i + 1).padStart(4, '0')}`);
  fs.writeFileSync(
    file,
    sim.addresses
      .map(
        (a, i) =>
          `Host ${names[i]}\n  HostName ${a}\n  Port ${sim.port}\n  User ${user}\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${sim.knownHostsPath}\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 60\n`,
      )
      .join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'runbook-inventory.yaml'), 'groups:\n  fleet: ["s*"]\n');
  return file;
}

function table(rows: Row[]): string {
  const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(0));
  const out = [
    '| backend | hosts | tool | cold wall ms | cold CPU ms | warm wall ms | warm CPU ms | peak RSS MB | RSS/host KB | max procs | note |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const perHost = (r.peakKb - r.baseKb) / r.hosts;
    out.push(
      `| ${r.backend} | ${r.hosts} | ${r.tool} | ${f(r.cold?.wallMs)} | ${f(r.cold?.cpuMs)} | ${f(r.warm?.wallMs)} | ${f(r.warm?.cpuMs)} | ${(r.peakKb / 1024).toFixed(0)} | ${perHost.toFixed(0)} | ${r.processes} | ${r.note ?? ''} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').trim();
  process.stdout.write(`load before: ${load()} (${os.cpus().length} cores, shared with other sessions)\n`);
  for (const n of REAL) {
    const fleet = await startFleet({ count: n, firstAddress: 150, connectTimeout: 60 });
    try {
      const hosts = await resolveTarget('fleet', { workspaceRoot: fleet.dir, sshConfigPath: fleet.sshConfigPath, trustConfig: true });
      rows.push(...(await measure('real sshd', hosts, fleet.dir, fleet.sshConfigPath)));
    } finally {
      await fleet.stop();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fleet-bench-'));
  const key = generateKey(path.join(dir, 'client_ed25519'));
  const user = isRoot() ? ensureTestUser() : currentUser();
  for (const n of SIM) {
    const sim = await startSshSimulator({ count: n, clientKey: key });
    const simDir = fs.mkdtempSync(path.join(dir, `sim-${n}-`));
    try {
      const sshConfig = simulatedConfig(simDir, sim, key.privatePath, user);
      const hosts = await resolveTarget('fleet', { workspaceRoot: simDir, sshConfigPath: sshConfig, trustConfig: true });
      rows.push(...(await measure('simulated', hosts, simDir, sshConfig)));
    } finally {
      await sim.stop();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${table(rows)}\nload after: ${load()}\n`);
  spawnSync('true');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
