// Two versions of the persistent shell against the same sshd, taking turns step by step (same load), next to
// the floor: this tree's SshPool and one from another checkout of the repository (e.g. `git archive` of an
// older commit unpacked with a node_modules link). Step `true`, as bench/ssh-latency.ts.
// Run as root: npx tsx bench/lane-ab.ts OTHER_CHECKOUT [steps] [gapMs]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SshConnection } from '../src/ssh/connection';
import { CredentialCache } from '../src/ssh/auth';
import { SshPool } from '../src/ssh/pool';
import { startTestSshd } from '../src/testbed/sshd';

const other = resolve(process.argv[2] ?? '');
const steps = Number(process.argv[3] ?? 200);
const gapMs = Number(process.argv[4] ?? 0);
const prompter = { askSecret: async () => undefined, confirm: async () => false };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => readFileSync('/proc/loadavg', 'utf8').trim();

async function main(): Promise<void> {
  const { SshPool: OtherPool } = (await import(`${other}/src/ssh/pool`)) as { SshPool: typeof SshPool };
  const bed = await startTestSshd({});
  try {
    const host = bed.hostConfig(bed.addresses[0]!, bed.users.test ?? bed.users.current);
    const conn = await SshConnection.open(host, {
      prompter,
      credentials: new CredentialCache(),
      keepaliveSeconds: 15,
      readyTimeoutMs: 10000,
      maxSessions: 10,
      log: () => {},
    });
    const channel = await conn.exec('exec /bin/sh');
    let seen = '';
    let wake = () => {};
    channel.on('data', (b: Buffer) => ((seen += b.toString()), wake()));
    let i = 0;
    const floor = () =>
      new Promise<number>((done) => {
        const t = performance.now();
        const want = `${++i}\n`;
        wake = () => seen.includes(want) && ((seen = ''), done(performance.now() - t));
        channel.write(`echo ${i}\n`);
      });
    const pools = [new SshPool({ prompter }), new OtherPool({ prompter })];
    const exs = pools.map((p) => p.executor(host));
    const step = async (n: number) => {
      const r = await exs[n]!.exec({ script: 'true', timeoutMs: 10000 });
      if (r.termination !== 'exit') throw new Error(r.error?.message);
      return r.durationMs;
    };
    await Promise.all([floor(), step(0), step(1)]);
    const times: number[][] = [[], [], []];
    console.log(`load before ${load()}; ${steps} steps, ${gapMs} ms between`);
    for (let k = 0; k < steps; k++) {
      for (const [n, f] of [floor, () => step(0), () => step(1)].entries()) {
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        times[n]!.push(await f());
      }
    }
    const [f, a, b] = times.map(median) as [number, number, number];
    console.log(
      `floor ${f.toFixed(2)} ms; this tree ${a.toFixed(2)} ms (${(a / f).toFixed(2)}x floor); other ${b.toFixed(2)} ms (${(b / f).toFixed(2)}x); this / other ${(a / b).toFixed(2)}`,
    );
    console.log(`load after ${load()}`);
    await Promise.all([...pools.map((p) => p.closeAll()), conn.end()]);
  } finally {
    await bed.stop();
  }
}

void main();
