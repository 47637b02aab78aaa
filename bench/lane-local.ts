// The persistent shell's remote half on local pipes, no ssh: how long a trivial step takes in the loop
// itself (bench/ssh-latency.ts measures it over sshd). Next to it, the floor's work: `echo` in a warm sh.
// Run: npx tsx bench/lane-local.ts [steps]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { laneProgram, stepRequest } from '../src/ssh/shellLoop';

const steps = Number(process.argv[2] ?? 500);
const token = '0123456789abcdef01234567';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Resolves when every `want` string has appeared on its stream since the last call. */
function waiter(child: ReturnType<typeof spawn>) {
  const seen = { out: '', err: '' };
  let check = () => {};
  child.stdout!.on('data', (b: Buffer) => ((seen.out += b.toString('latin1')), check()));
  child.stderr!.on('data', (b: Buffer) => ((seen.err += b.toString('latin1')), check()));
  return (out: RegExp, err: RegExp) =>
    new Promise<void>((resolve) => {
      check = () => {
        const o = out.exec(seen.out);
        const e = err.exec(seen.err);
        if (!o || !e) return;
        // Consumed up to the match: what came after it (the loop's E after the shell's X) is kept.
        seen.out = seen.out.slice(o.index + o[0].length);
        seen.err = seen.err.slice(e.index + e[0].length);
        check = () => {};
        resolve();
      };
      check();
    });
}

/** Experiments on the loop text (LANE_VARIANT=...), to see what each part costs. */
function variant(p: { bootstrap: string; loop: string }): { bootstrap: string; loop: string } {
  let loop = p.loop;
  const v = process.env.LANE_VARIANT ?? '';
  if (v.includes('nokill')) loop = loop.replace(/if kill -TERM[\s\S]*?\n  fi\n/, '');
  if (v.includes('noX')) loop = loop.replace(/trap "printf[^\n]*EXIT/, 'true');
  const bytes = Buffer.byteLength(loop);
  return { bootstrap: p.bootstrap.replace(/head -c \d+/, `head -c ${bytes}`), loop };
}

async function lane(gapMs = 0, atLoopEnd = false): Promise<number[]> {
  const program = variant(laneProgram(token));
  const child = spawn('/bin/sh', ['-c', program.bootstrap], { stdio: ['pipe', 'pipe', 'pipe'] });
  const wait = waiter(child);
  child.stdin!.write(program.loop);
  await wait(/READY/, /P \d+/);
  const times: number[] = [];
  const request = stepRequest(Buffer.from('true'));
  for (let i = 0; i < steps; i++) {
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    const t = performance.now();
    // Timed to the shell's X (what the lane ends a step at) or to the loop's E; the next step waits for the Es either way.
    const done = atLoopEnd ? wait(/ E \d+\n/, / E \d+\n/) : wait(/ X \d+\n/, / X \d+\n/);
    child.stdin!.write(request);
    await done;
    times.push(performance.now() - t);
    if (!atLoopEnd) await wait(/ E \d+\n/, / E \d+\n/);
  }
  child.stdin!.end();
  return times;
}

async function floor(): Promise<number[]> {
  const child = spawn('/bin/sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const wait = waiter(child);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    const done = wait(new RegExp(`^${i}\n`), /^/);
    child.stdin!.write(`echo ${i}\n`);
    await done;
    times.push(performance.now() - t);
  }
  child.stdin!.end();
  return times;
}

async function main(): Promise<void> {
  console.log(`load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (let round = 0; round < 3; round++) {
    const f = await floor();
    const l = await lane();
    const g = await lane(5);
    const e = await lane(5, true);
    console.log(
      `5 ms between steps: ended at the shell's X median ${median(g).toFixed(3)} ms (min ${Math.min(...g).toFixed(3)}); at the loop's E ${median(e).toFixed(3)} ms (min ${Math.min(...e).toFixed(3)})`,
    );
    console.log(
      `floor (echo in a warm sh) median ${median(f).toFixed(3)} ms; lane (step \`true\`) median ${median(l).toFixed(3)} ms, min ${Math.min(...l).toFixed(3)}; ratio ${(median(l) / median(f)).toFixed(2)}`,
    );
  }
}

void main();
