// Per-step latency of our SSH pool next to OpenSSH (ControlMaster warm master, and plain ssh per step),
// on the same test-bed sshd in the same run. Run: npx tsx bench/ssh-latency.ts [steps]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SshPool } from '../src/ssh/pool';
import { startTestSshd } from '../src/testbed/sshd';

const steps = Number(process.argv[2] ?? 200);

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

async function main(): Promise<void> {
  const bed = await startTestSshd({});
  const user = bed.users.test ?? bed.users.current;
  try {
    const pool = new SshPool({ prompter: { askSecret: async () => undefined, confirm: async () => false } });
    const ex = pool.executor(bed.hostConfig(bed.addresses[0]!, user));
    const first = await ex.exec({ script: 'true', timeoutMs: 10000 });
    const ours: number[] = [];
    const channel: number[] = [];
    const firstByte: number[] = [];
    for (let i = 0; i < steps; i++) {
      const r = await ex.exec({ script: 'true', timeoutMs: 10000 });
      if (r.termination !== 'exit') throw new Error(r.error?.message);
      ours.push(r.durationMs);
      channel.push(r.timings?.channelMs ?? 0);
      // `true` prints nothing: the time to the channel's close stands for the first byte.
      firstByte.push(r.timings?.firstByteMs ?? r.durationMs);
    }
    await pool.closeAll();

    const base = ['-F', bed.sshConfigPath, '-l', user];
    const cm = [...base, '-o', 'ControlMaster=auto', '-o', `ControlPath=${join(bed.dir, 'cm-%C')}`, '-o', 'ControlPersist=120', 'testbed-1', 'true'];
    timeSsh(cm, 1); // start the master
    const controlMaster = timeSsh(cm, steps);
    spawnSync('ssh', [...cm.slice(0, -2), '-O', 'exit', 'testbed-1'], { stdio: 'ignore' });
    const plain = timeSsh([...base, 'testbed-1', 'true'], steps);

    const row = (name: string, xs: number[]) =>
      `| ${name} | ${xs.length} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
    console.log(`OpenSSH sshd 9.2 on loopback, login user ${user}, ${steps} sequential steps of \`true\`\n`);
    console.log('| path | steps | median ms | min ms | max ms |\n| --- | --- | --- | --- | --- |');
    console.log(row('our pool (ssh2, one connection)', ours));
    console.log(row('ssh with ControlMaster (warm master)', controlMaster));
    console.log(row('plain ssh per step', plain));
    console.log(`\nratio ours / ControlMaster: ${(median(ours) / median(controlMaster)).toFixed(2)}x`);
    console.log(
      `\nbreakdown: first connection: connect+handshake ${first.timings?.connectMs?.toFixed(1)} ms, auth ${first.timings?.authMs?.toFixed(1)} ms; ` +
        `per step (median): channel open ${median(channel).toFixed(1)} ms, exit/first byte ${median(firstByte).toFixed(1)} ms, whole step ${median(ours).toFixed(1)} ms`,
    );
  } finally {
    await bed.stop();
  }
}

void main();
