// Throughput and memory of the `ss -tan` parser on 1,000,000 lines built from real line shapes
// (test/fixtures/outputs/ss-tan/), streaming and whole-text. Run: npx tsx bench/parse-ss.ts
// Each mode runs in its own child process so peak RSS is not shared between them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSsAccumulator, getParser } from '../src/checks/parsers/index';

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

function* ssLines(): Generator<string> {
  const rows = pool();
  yield 'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';
  for (let i = 1; i < LINES; i++) yield rows[i % rows.length];
}

interface Sample { rss: number; heap: number }
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
  if (mode === 'stream') {
    const acc = createSsAccumulator({});
    const start = process.hrtime.bigint();
    let i = 0;
    for (const line of ssLines()) {
      acc.push(line);
      bytes += line.length + 1;
      if (++i % 50_000 === 0) s.take();
    }
    total = acc.result().values.total as number;
    ms = Number(process.hrtime.bigint() - start) / 1e6;
  } else {
    const parts: string[] = [];
    for (const line of ssLines()) parts.push(line);
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
  process.stdout.write(JSON.stringify({ mode, lines: LINES, rowsCounted: total, ms, cpuMs, bytes, peakRssMB: s.peak.rss / MB, peakHeapMB: s.peak.heap / MB }));
}

if (process.argv[2] === 'stream' || process.argv[2] === 'text') {
  runMode(process.argv[2]);
} else {
  for (const mode of ['stream', 'text']) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, mode], { encoding: 'utf8', timeout: 120_000 });
    if (child.status !== 0) {
      console.error(`${mode} failed: ${child.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const r = JSON.parse(child.stdout) as { mode: string; lines: number; rowsCounted: number; ms: number; cpuMs: number; bytes: number; peakRssMB: number; peakHeapMB: number };
    console.log(`${r.mode.padEnd(6)} ${r.lines} lines (${(r.bytes / MB).toFixed(1)} MB, ${r.rowsCounted} rows counted) in ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU: ` +
      `${Math.round(r.lines / (r.ms / 1000)).toLocaleString('en-US')} lines/s, ${(r.bytes / MB / (r.ms / 1000)).toFixed(1)} MB/s, ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB, peak heap ${r.peakHeapMB.toFixed(0)} MB`);
  }
}
