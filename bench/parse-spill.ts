// The product's parsing path on big outputs, next to mawk and gawk in the same run: a spill file of
// `ss -tan`, `netstat -an` or `lsof -n -P -i` rows (built from the captured fixture lines, with ports
// and peers varied as on a busy host) parsed by parseSpilledOutput (src/engine/parseFull.ts), bundled
// with esbuild as the CLI ships, in a child process per run so its peak RSS (VmHWM) is its own.
// The peers read the same file from the page cache: `minimal` is the one-liner people type
// (`{ s[$1]++; p[$5]++ }`), `equivalent` counts what our parser counts (state, local address, local
// port, peer address; lsof: command, pid, type, state). Medians of several runs, interleaved.
// Also: peak RSS of a 1 GB single-line output through a streaming parser.
//
// Run: npx tsx bench/parse-spill.ts [--lines=1000000,5000000] [--reps=5] [--formats=ss-tan,netstat,lsof] [--peers=mawk,gawk] [--oneline-mb=1024] [--keep=DIR]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const fixtures = join(__dirname, '..', 'test', 'fixtures', 'outputs');
const MB = 1024 * 1024;

function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

export interface Format {
  parser: string;
  header: string[];
  /** Row shapes from a real capture. */
  rows: string[];
  minimal: string;
  equivalent: string;
}

function fixtureLines(parser: string, name: string): string[] {
  return readFileSync(join(fixtures, parser, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

const endpointCounts = (local: string, peer: string) =>
  `i = match(${local}, /:[^:]*$/); la[substr(${local}, 1, i - 1)]++; lp[substr(${local}, i + 1)]++; ` +
  `j = match(${peer}, /:[^:]*$/); pa[substr(${peer}, 1, j - 1)]++`;

export const formats: Record<string, () => Format> = {
  'ss-tan': () => {
    const lines = fixtureLines('ss-tan', 'ss-tan-loopback.txt');
    return {
      parser: 'ss-tan',
      header: [lines[0]],
      rows: lines.slice(1),
      minimal: '{ s[$1]++; p[$5]++ } END { for (k in s) print k, s[k] }',
      equivalent: `NR > 1 { s[$1]++; ${endpointCounts('$4', '$5')} } END { for (k in s) print k, s[k] }`,
    };
  },
  netstat: () => {
    const lines = fixtureLines('netstat', 'netstat-an-loopback.txt');
    return {
      parser: 'netstat',
      header: lines.slice(0, 2),
      rows: lines.slice(2),
      minimal: '{ s[$6]++; p[$5]++ } END { for (k in s) print k, s[k] }',
      equivalent: `/^tcp/ { s[$6]++; ${endpointCounts('$4', '$5')} } END { for (k in s) print k, s[k] }`,
    };
  },
  lsof: () => {
    const lines = fixtureLines('lsof', 'lsof-i-loopback.txt');
    return {
      parser: 'lsof',
      header: [lines[0]],
      rows: lines.slice(1),
      minimal: '{ c[$1]++; s[$NF]++ } END { for (k in s) print k, s[k] }',
      equivalent:
        'NR > 1 { c[$1]++; p[$2]++; t[$5]++; if ($8 == "TCP" && match($0, /\\([A-Z_]+\\)$/)) s[substr($0, RSTART + 1, RLENGTH - 2)]++ } END { for (k in s) print k, s[k] }',
    };
  },
};

/** 10,000 distinct rows, cycled: the peer endpoint (the last `127.0.0.1:port`) varies like thousands of clients; listeners stay. */
function pool(format: Format): string[] {
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const row = format.rows[i % format.rows.length];
    const at = row.lastIndexOf('127.0.0.1:');
    const endpoint = at >= 0 ? /^127\.0\.0\.1:\d+/.exec(row.slice(at)) : null;
    if (!endpoint || /LISTEN/.test(row)) {
      out.push(row);
      continue;
    }
    const peer = `127.${1 + (i % 3)}.${(i >> 8) & 255}.${i & 255}:${32768 + (i % 28000)}`;
    out.push(row.slice(0, at) + peer + row.slice(at + endpoint[0].length));
  }
  return out;
}

export function writeInput(file: string, format: Format, lines: number): number {
  const fd = openSync(file, 'w');
  const rows = pool(format);
  let chunk: string[] = [...format.header];
  let bytes = 0;
  for (let i = format.header.length; i < lines; i++) {
    chunk.push(rows[i % rows.length]);
    if (chunk.length === 20_000) {
      bytes += writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length > 0) bytes += writeSync(fd, chunk.join('\n') + '\n');
  closeSync(fd);
  return bytes;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
  states: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Our side: the bundled child parses the file once and reports its own timing and VmHWM. */
function runOurs(bundle: string, parser: string, file: string): Run & { warnings: string[]; total: number; fastPath: boolean } {
  const child = spawnSync(process.execPath, [bundle, parser, file], { encoding: 'utf8', timeout: 600_000 });
  if (child.status !== 0) throw new Error(`our child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Run & { warnings: string[]; total: number; fastPath: boolean };
}

/** A peer through GNU time: wall from here, user+sys and max RSS from time(1). */
function runAwk(awk: string, program: string, file: string): Run {
  const start = process.hrtime.bigint();
  const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', awk, program, file], { encoding: 'utf8', timeout: 600_000 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${awk} failed: ${child.stderr}`);
  const [user, sys, rssKB] = child.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const states: Record<string, number> = {};
  for (const line of child.stdout.trim().split('\n')) {
    const at = line.lastIndexOf(' ');
    if (at > 0) states[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return { wallMs, cpuMs: (user + sys) * 1000, maxRssMB: rssKB / 1024, states };
}

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** awk counts spellings (`TIME-WAIT`); ours canonical states. Same totals per canonical state? */
function agree(ours: Record<string, number>, theirs: Record<string, number>, canonical: (s: string) => string | undefined): boolean {
  const summed: Record<string, number> = {};
  for (const [spelling, n] of Object.entries(theirs)) {
    const state = canonical(spelling);
    if (state) summed[state] = (summed[state] ?? 0) + n;
  }
  return Object.entries(ours).every(([state, n]) => (summed[state] ?? 0) === n);
}

export async function bundleChild(dir: string): Promise<string> {
  const entry = join(__dirname, 'parse-spill-child.ts');
  const outfile = join(dir, 'child.cjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  return outfile;
}

async function main(): Promise<void> {
  const sizes = arg('lines', '1000000,5000000').split(',').map(Number);
  const reps = Number(arg('reps', '5'));
  const names = arg('formats', 'ss-tan,netstat,lsof').split(',');
  const onelineMB = Number(arg('oneline-mb', '1024'));
  // `--keep=DIR`: leave the generated inputs there (for profiling); they are removed otherwise.
  const keep = arg('keep', '');
  const dir = mkdtempSync(join(tmpdir(), 'parse-spill-'));
  const { canonicalState } = await import('../src/checks/tcpStates');
  try {
    const bundle = await bundleChild(dir);
    // `--peers=mawk` leaves gawk out (its equivalent program takes ~5x mawk's time: minutes at 5M lines on a loaded machine).
    const peers = arg('peers', 'mawk,gawk')
      .split(',')
      .map((name) => ({ name, path: spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() }));
    console.log(`node ${process.version}; peers: ${peers.map((p) => `${p.name}=${p.path || 'missing'}`).join(', ')}; ${reps} runs each, interleaved, medians`);
    console.log(
      '| input | lines | MB | load before | ours wall | ours CPU | ours peak RSS | mawk min. | mawk equiv. | gawk min. | gawk equiv. | ours / mawk equiv. (wall, CPU) | ours / mawk min. (wall, CPU) | states agree | read by |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const name of names) {
      const format = formats[name]();
      for (const lines of sizes) {
        const file = join(keep || dir, `${name}-${lines}.txt`);
        const bytes = writeInput(file, format, lines);
        spawnSync('cat', [file], { stdio: 'ignore' }); // in the page cache, as right after the capture
        const load = loadavg();
        const ours: Run[] = [];
        const awk: Record<string, Run[]> = {};
        let agreeAll = true;
        let total = 0;
        const paths = new Set<string>();
        for (let rep = 0; rep < reps; rep++) {
          const jobs: [string, () => Run][] = [['ours', () => runOurs(bundle, format.parser, file)]];
          for (const peer of peers.filter((p) => p.path)) {
            jobs.push([`${peer.name} min.`, () => runAwk(peer.path, format.minimal, file)]);
            jobs.push([`${peer.name} equiv.`, () => runAwk(peer.path, format.equivalent, file)]);
          }
          // Rotate the order: whoever runs first does not always get the quieter machine.
          for (let j = 0; j < jobs.length; j++) {
            const [label, job] = jobs[(j + rep) % jobs.length];
            const r = job();
            if (label === 'ours') {
              ours.push(r);
              total = (r as Run & { total: number }).total;
              paths.add((r as Run & { fastPath: boolean }).fastPath ? 'fast path (WebAssembly)' : 'parser (fast path declined)');
            } else (awk[label] ??= []).push(r);
          }
          const equivalent = awk['mawk equiv.']?.at(-1);
          if (equivalent && !agree(ours.at(-1)!.states, equivalent.states, (s) => canonicalState(s))) agreeAll = false;
        }
        const m = (rs: Run[] | undefined, key: 'wallMs' | 'cpuMs') => (rs ? median(rs.map((r) => r[key])) : NaN);
        const fmt = (rs: Run[] | undefined) => (rs ? `${m(rs, 'wallMs').toFixed(0)} ms (CPU ${m(rs, 'cpuMs').toFixed(0)})` : '—');
        const ratio = (label: string) =>
          awk[label] ? `${(m(ours, 'wallMs') / m(awk[label], 'wallMs')).toFixed(2)}, ${(m(ours, 'cpuMs') / m(awk[label], 'cpuMs')).toFixed(2)}` : '—';
        console.log(
          `| ${name} | ${lines.toLocaleString('en-US')} (${total.toLocaleString('en-US')} read) | ${(bytes / MB).toFixed(0)} | ${load} | ${m(ours, 'wallMs').toFixed(0)} ms | ${m(ours, 'cpuMs').toFixed(0)} ms | ${Math.max(...ours.map((r) => r.maxRssMB)).toFixed(0)} MB | ` +
            `${fmt(awk['mawk min.'])} | ${fmt(awk['mawk equiv.'])} | ${fmt(awk['gawk min.'])} | ${fmt(awk['gawk equiv.'])} | ${ratio('mawk equiv.')} | ${ratio('mawk min.')} | ${agreeAll ? 'yes' : 'NO'} | ${[...paths].join(', ')} |`,
        );
        if (!keep) rmSync(file, { force: true });
      }
    }
    if (onelineMB > 0) {
      const file = join(dir, 'one-line.txt');
      const fd = openSync(file, 'w');
      writeSync(fd, 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n');
      const block = Buffer.alloc(MB, 'x');
      for (let i = 0; i < onelineMB; i++) writeSync(fd, block);
      writeSync(fd, '\nESTAB  0      0      10.0.0.1:22        10.0.0.9:50000\n');
      closeSync(fd);
      for (const parser of ['ss-tan', 'lines', 'regex']) {
        const load = loadavg();
        const r = runOurs(bundle, parser, file);
        console.log(
          `one line of ${onelineMB} MB + 1 row, ${parser}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, peak RSS (VmHWM) ${r.maxRssMB.toFixed(0)} MB, ` +
            `rows/lines read ${r.total}, warnings: ${JSON.stringify(r.warnings.filter((w) => w.includes('cut at')))} (load ${load})`,
        );
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// bench/parse-instructions.ts borrows the inputs and the bundle from here.
if (require.main === module) {
  void main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
