// The parsing comparison in instructions instead of time: this machine's 2 cores are shared with other
// sessions' suites, and CPU times of the same run vary by 30-100% from one run to the next, more than
// most changes to a parser are worth. Valgrind (cachegrind, no cache simulation) counts the
// instructions each side executes, which the load does not change. Ours: the bundled product path
// (parseSpilledOutput on a spill file, as bench/parse-spill.ts), minus the same child on a one-line
// file (Node's start and the bundle's load); it includes V8 compiling the parser on its background
// threads, which a first parse pays. mawk: its `minimal` and `equivalent` programs on the same file.
// Instructions are not time (V8's code and mawk's differ in instructions per cycle and cache misses),
// so this is for comparing versions of our parser; the time against mawk stays parse-spill.ts's job.
//
// Run: npx tsx bench/parse-instructions.ts [--lines=100000] [--formats=ss-tan,netstat,lsof] [--bundle=FILE]
// (`--bundle`: a child bundle of another version, e.g. built from an older commit, measured beside this one)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild, formats, writeInput } from './parse-spill';

function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

/** Instructions executed by `command args` and every thread it starts. */
function instructions(command: string, args: string[]): number {
  const child = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', command, ...args], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(child.stderr);
  if (child.status !== 0 || !refs) throw new Error(`valgrind ${command} failed: ${child.stderr.slice(-500)}`);
  return Number(refs[1].replace(/,/g, ''));
}

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function main(): Promise<void> {
  const lines = Number(arg('lines', '100000'));
  const names = arg('formats', 'ss-tan,netstat,lsof').split(',');
  const other = arg('bundle', '');
  const dir = mkdtempSync(join(tmpdir(), 'parse-instructions-'));
  try {
    const bundles: [string, string][] = [['ours', await bundleChild(dir)]];
    if (other) bundles.push(['--bundle', other]);
    const M = (n: number) => `${(n / 1e6).toFixed(0)}M`;
    console.log(
      `| input | lines | load | ${bundles.map(([b]) => `${b} per row`).join(' | ')} | mawk min. per row | mawk equiv. per row | ours / mawk min. | ours / mawk equiv. |`,
    );
    console.log(`| --- | --- | --- | ${bundles.map(() => '---').join(' | ')} | --- | --- | --- | --- |`);
    for (const name of names) {
      const format = formats[name]();
      const file = join(dir, `${name}.txt`);
      const header = join(dir, `${name}-header.txt`);
      writeInput(file, format, lines);
      writeFileSync(header, `${format.header.join('\n')}\n`);
      const load = loadavg();
      // `--single-threaded`: V8 compiles on the main thread. Concurrent compiling makes the count vary by
      // 40% from run to run of the same bundle (when optimised code arrives depends on valgrind's thread
      // scheduling); on one thread it repeats to 0.01%. The compiling is counted either way.
      const count = (bundle: string, input: string) => instructions(process.execPath, ['--single-threaded', bundle, format.parser, input]);
      const ours = bundles.map(([, bundle]) => count(bundle, file) - count(bundle, header));
      const minimal = instructions('mawk', [format.minimal, file]);
      const equivalent = instructions('mawk', [format.equivalent, file]);
      const perRow = (n: number) => `${(n / lines).toFixed(0)} (${M(n)})`;
      console.log(
        `| ${name} | ${lines.toLocaleString('en-US')} | ${load} | ${ours.map(perRow).join(' | ')} | ${perRow(minimal)} | ${perRow(equivalent)} | ${(ours[0] / minimal).toFixed(2)} | ${(ours[0] / equivalent).toFixed(2)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
