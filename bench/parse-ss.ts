// Throughput and memory of the `ss -tan` parser on 1,000,000 lines built from real line shapes
// (test/fixtures/outputs/ss-tan/), streaming and whole-text, next to a peer measured in the same run:
// `awk` counting states and peers over the same lines, what a person does by hand with `ss | awk`.
// Run: npx tsx bench/parse-ss.ts. Each mode runs in its own child process so peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSsAccumulator, getParser } from '../src/checks/parsers/index';
import { canonicalState } from '../src/checks/tcpStates';

const LINES = 1_000_000;
const fixtureDir = join(__dirname, '..', 'test', 'fixtures', 'outputs', 'ss-tan');

/** Real rows from the captured fixtures; ports and the last address byte vary so the maps grow as on a busy host. */
function shapes(): string[] {
  const rows: string[] = [];
  for (const name of ['ss-tanpo-loopback.txt', 'ss-tan-loopback.txt', 'ss-ltn-listen-overflow.txt']) {
    for (const line of readFileSync(join(fixtureDir, name), 'utf8').split('\n')) {
      if (line.trim() !== '' && !line.startsWith('State')) rows.push(line);
    }
  }
  return rows;
}

/** 10,000 distinct rows made once, then cycled: enough variety for the maps, no generation cost in the timing. */
function pool(): string[] {
  const rows = shapes();
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const row = rows[i % rows.length];
    // Vary the client port and peer host the way thousands of clients would.
    out.push(row.replace(/:(\d{5})(\s)/, `:${32768 + (i % 28000)}$2`).replace(/127\.0\.0\.1:(\d+)(\s*)$/, `127.0.${(i >> 8) & 255}.${i & 255}:$1$2`));
  }
  return out;
}

const HEADER = 'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';

/** The lines, as a reader hands them over. Built from a pool made beforehand, so the timing is the parser's (the generator itself costs about 25 ms per million lines). */
function* ssLines(rows: string[]): Generator<string> {
  yield HEADER;
  for (let i = 1; i < LINES; i++) yield rows[i % rows.length];
}

interface Sample {
  rss: number;
  heap: number;
}
function sampler(): { take(): void; peak: Sample } {
  const peak = { rss: 0, heap: 0 };
  return {
    take() {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
    },
    peak,
  };
}

const MB = 1024 * 1024;

function runMode(mode: string): void {
  const s = sampler();
  let bytes = 0;
  let total = 0;
  let ms = 0;
  let cpuStart = process.cpuUsage();
  let states: Record<string, number> = {};
  const rows = pool();
  if (mode === 'stream') {
    const acc = createSsAccumulator({});
    cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    let i = 0;
    for (const line of ssLines(rows)) {
      acc.push(line);
      bytes += line.length + 1;
      if (++i % 50_000 === 0) s.take();
    }
    const { values } = acc.result();
    ms = Number(process.hrtime.bigint() - start) / 1e6;
    total = values.total as number;
    states = values.states as Record<string, number>;
  } else {
    const parts: string[] = [];
    for (const line of ssLines(rows)) parts.push(line);
    const text = parts.join('\n');
    parts.length = 0;
    bytes = text.length;
    s.take();
    cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const timer = setInterval(() => s.take(), 20);
    total = getParser('ss-tan')!.parse(text, {}).values.total as number;
    clearInterval(timer);
    ms = Number(process.hrtime.bigint() - start) / 1e6;
  }
  s.take();
  const cpu = process.cpuUsage(cpuStart);
  // CPU time next to wall time: on a shared machine the wall clock also counts other people's work.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(
    JSON.stringify({ mode, lines: LINES, rowsCounted: total, states, ms, cpuMs, bytes, peakRssMB: s.peak.rss / MB, peakHeapMB: s.peak.heap / MB }),
  );
}

interface PeerRun {
  awk: string;
  ms: number;
  cpuMs: number | undefined;
  states: Record<string, number>;
}

/**
 * The peer: the same lines in a file, `awk` counting states and peers (`ss -tan | awk ...` by hand).
 * awk reads the file from the page cache; our parser reads lines already in memory but counts far more
 * (ports, local addresses, processes, queues, timers, rows).
 */
function runPeer(): PeerRun | string {
  const awk = spawnSync('sh', ['-c', 'readlink -f "$(command -v awk)"'], { encoding: 'utf8' }).stdout.trim();
  if (awk === '') return 'no awk on this machine';
  const dir = mkdtempSync(join(tmpdir(), 'parse-ss-'));
  try {
    const file = join(dir, 'ss-tan.txt');
    const fd = openSync(file, 'w');
    const rows = pool();
    let chunk: string[] = [];
    for (const line of ssLines(rows)) {
      chunk.push(line);
      if (chunk.length === 10_000) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
    closeSync(fd);
    spawnSync('cat', [file], { stdio: 'ignore' }); // warm the page cache, as after capturing the output
    const script = `awk '{ s[$1]++; p[$5]++ } END { for (k in s) print k, s[k] }' '${file}'; times`;
    const start = process.hrtime.bigint();
    const child = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) return `awk failed: ${child.stderr}`;
    const out = child.stdout.trim().split('\n');
    // bash `times`: the last line is the children's user and system time, e.g. `0m0.912s 0m0.052s`.
    const clock = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(out.at(-1) ?? '');
    const cpuMs = clock ? (Number(clock[1]) * 60 + Number(clock[2]) + Number(clock[3]) * 60 + Number(clock[4])) * 1000 : undefined;
    const states: Record<string, number> = {};
    for (const line of out.slice(0, -2)) {
      const [state, n] = line.split(' ');
      states[state] = Number(n);
    }
    return { awk, ms, cpuMs, states };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ModeRun {
  mode: string;
  lines: number;
  rowsCounted: number;
  states: Record<string, number>;
  ms: number;
  cpuMs: number;
  bytes: number;
  peakRssMB: number;
  peakHeapMB: number;
}

function report(r: ModeRun): void {
  console.log(
    `${r.mode.padEnd(6)} ${r.lines} lines (${(r.bytes / MB).toFixed(1)} MB, ${r.rowsCounted} rows counted) in ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU: ` +
      `${Math.round(r.lines / (r.ms / 1000)).toLocaleString('en-US')} lines/s, ${(r.bytes / MB / (r.ms / 1000)).toFixed(1)} MB/s, ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB, peak heap ${r.peakHeapMB.toFixed(0)} MB`,
  );
}

/** awk counts raw spellings (`TIME-WAIT`, `ESTAB`); sum them per canonical state to compare with ours. */
function sameStates(ours: Record<string, number>, awk: Record<string, number>): boolean {
  const theirs: Record<string, number> = {};
  for (const [spelling, n] of Object.entries(awk)) {
    const state = canonicalState(spelling);
    if (state) theirs[state] = (theirs[state] ?? 0) + n;
  }
  return Object.entries(ours).every(([state, n]) => (theirs[state] ?? 0) === n);
}

if (process.argv[2] === 'stream' || process.argv[2] === 'text') {
  runMode(process.argv[2]);
} else {
  const runs: ModeRun[] = [];
  for (const mode of ['stream', 'text']) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, mode], { encoding: 'utf8', timeout: 120_000 });
    if (child.status !== 0) {
      console.error(`${mode} failed: ${child.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const r = JSON.parse(child.stdout) as ModeRun;
    runs.push(r);
    report(r);
  }
  const peer = runPeer();
  const stream = runs.find((r) => r.mode === 'stream');
  if (typeof peer === 'string') {
    console.log(`peer   not measured: ${peer}`);
  } else {
    console.log(
      `peer   ${peer.awk} '{ s[$1]++; p[$5]++ }' over the same lines in a file: ${peer.ms.toFixed(0)} ms wall` +
        `${peer.cpuMs === undefined ? '' : `, ${peer.cpuMs.toFixed(0)} ms CPU`}`,
    );
    if (stream) {
      console.log(
        `ratio  stream / awk: ${(stream.ms / peer.ms).toFixed(2)} wall` +
          `${peer.cpuMs === undefined ? '' : `, ${(stream.cpuMs / peer.cpuMs).toFixed(2)} CPU`}; ` +
          `state counts ${sameStates(stream.states, peer.states) ? 'agree' : 'DIFFER'} with awk's`,
      );
      if (!sameStates(stream.states, peer.states)) process.exitCode = 1;
    }
  }
}
