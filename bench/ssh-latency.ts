// Per-step latency of our SSH pool next to its floor and OpenSSH, on the same test-bed sshd in the same run:
// the persistent-shell floor (one raw `sh` on one channel answering `echo` round trips), our pool with the
// persistent shell, our old one-exec-per-step path, OpenSSH ControlMaster (warm) and plain ssh; then the
// same with a login whose ~/.bashrc costs ~90 ms. The paths take turns step by step, so they share the load.
// Run as root (for the users): npx tsx bench/ssh-latency.ts [steps]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshConnection } from '../src/ssh/connection';
import { CredentialCache } from '../src/ssh/auth';
import { SshPool } from '../src/ssh/pool';
import { startTestSshd, type TestSshd } from '../src/testbed/sshd';
import { ensureHeavyRcUser, isRoot } from '../src/testbed/users';

const steps = Number(process.argv[2] ?? 200);
const prompter = { askSecret: async () => undefined, confirm: async () => false };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeSsh(args: string[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync('ssh', args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`ssh ${args.join(' ')} failed with ${r.status}`);
    out.push(performance.now() - t);
  }
  return out;
}

type Timed = () => Promise<number>;

/** The floor: one `sh` on one channel; each call writes `echo i` and waits for its line. */
async function floorPath(bed: TestSshd, user: string): Promise<{ step: Timed; close: () => Promise<void> }> {
  const conn = await SshConnection.open(bed.hostConfig(bed.addresses[0]!, user), {
    prompter,
    credentials: new CredentialCache(),
    keepaliveSeconds: 15,
    readyTimeoutMs: 10000,
    maxSessions: 10,
    log: () => {},
  });
  const channel = await conn.exec('exec /bin/sh');
  let buffered = '';
  let waiter: (() => void) | undefined;
  channel.on('data', (b: Buffer) => {
    buffered += b.toString();
    waiter?.();
  });
  let i = 0;
  const step = () =>
    new Promise<number>((resolve) => {
      const t = performance.now();
      const want = `${++i}\n`;
      waiter = () => {
        if (!buffered.includes(want)) return;
        buffered = '';
        resolve(performance.now() - t);
      };
      channel.write(`echo ${i}\n`);
    });
  await step();
  return { step, close: () => conn.end() };
}

async function poolPath(bed: TestSshd, user: string, persistentShell: boolean) {
  const p = new SshPool({ prompter, persistentShell });
  const ex = p.executor(bed.hostConfig(bed.addresses[0]!, user));
  const run = async () => {
    const r = await ex.exec({ script: 'true', timeoutMs: 10000 });
    if (r.termination !== 'exit') throw new Error(r.error?.message);
    return r.durationMs;
  };
  const first = await run();
  return { first, step: run, close: () => p.closeAll() };
}

function controlMasterPath(bed: TestSshd, user: string) {
  const base = ['-F', bed.sshConfigPath, '-l', user];
  const cm = [...base, '-o', 'ControlMaster=auto', '-o', `ControlPath=${join(bed.dir, `cm-${user}-%C`)}`, '-o', 'ControlPersist=120', 'testbed-1', 'true'];
  timeSsh(cm, 1); // start the master
  return {
    step: async () => timeSsh(cm, 1)[0]!,
    close: async () => void spawnSync('ssh', [...cm.slice(0, -2), '-O', 'exit', 'testbed-1'], { stdio: 'ignore' }),
  };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const row = (name: string, xs: number[], first?: number) =>
  `| ${name} | ${xs.length} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} | ${first === undefined ? '—' : fmt(first)} |`;
const header = '| path | steps | median ms | min ms | max ms | first step ms (connect included) |\n| --- | --- | --- | --- | --- | --- |';

/** All paths connected first, then one step of each in turn, n rounds: every path sees the same load. */
async function measure(bed: TestSshd, user: string, n: number, plain: boolean): Promise<void> {
  const floor = await floorPath(bed, user);
  const ours = await poolPath(bed, user, true);
  const old = await poolPath(bed, user, false);
  const cm = controlMasterPath(bed, user);
  const times = { floor: [] as number[], ours: [] as number[], old: [] as number[], cm: [] as number[] };
  try {
    for (let i = 0; i < n; i++) {
      times.floor.push(await floor.step());
      times.ours.push(await ours.step());
      times.old.push(await old.step());
      times.cm.push(await cm.step());
    }
  } finally {
    await Promise.all([floor.close(), ours.close(), old.close(), cm.close()]);
  }
  const ssh = plain ? timeSsh(['-F', bed.sshConfigPath, '-l', user, 'testbed-1', 'true'], Math.min(n, 30)) : undefined;
  console.log(header);
  console.log(row('floor: raw `sh` on one channel, `echo` round trip', times.floor));
  console.log(row('ours: persistent shell (step `true`)', times.ours, ours.first));
  console.log(row('ours: one exec per step (old path, fallback)', times.old, old.first));
  console.log(row('OpenSSH ControlMaster, warm master', times.cm));
  if (ssh) console.log(row('plain ssh per step', ssh));
  const m = (xs: number[]) => median(xs);
  console.log(
    `\nours / floor: ${(m(times.ours) / m(times.floor)).toFixed(2)}x; ours / ControlMaster: ${(m(times.ours) / m(times.cm)).toFixed(2)}x; ` +
      `ours / old per-exec: ${(m(times.ours) / m(times.old)).toFixed(2)}x\n`,
  );
}

async function main(): Promise<void> {
  const bed = await startTestSshd({});
  try {
    console.log(`OpenSSH sshd on loopback, ${steps} sequential steps per path; load before: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
    const light = bed.users.test ?? bed.users.current;
    console.log(`### login ${light} (bash, Debian's stock .bashrc: returns at once when not interactive)\n`);
    await measure(bed, light, steps, true);
    if (isRoot()) {
      const heavy = ensureHeavyRcUser(0.09);
      const n = Math.min(steps, 40);
      console.log(`### login ${heavy} (bash, ~/.bashrc runs \`sleep 0.09\` first, like a version manager's hook)\n`);
      await measure(bed, heavy, n, false);
    }
    console.log(`load after: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  } finally {
    await bed.stop();
  }
}

void main();
