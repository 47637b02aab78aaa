// In-process look at a line parser: the same spill-file bytes (read once into memory) parsed N times in
// one process, CPU per pass. The first pass is what the product pays (the engine parses a step's output
// once); the later ones show the steady state once V8 has optimised the hot loop, i.e. how much of the
// first pass is warm-up and fixed cost (key texts, result objects) rather than per-line work.
// Run: npx tsx bench/parse-micro.ts <parser|noop> <file> [passes=5]
import { readFileSync } from 'node:fs';
import { LineSplitter } from '../src/checks/parsers/byteLines';
import { getParser } from '../src/checks/evaluate';
import type { LineAccumulator } from '../src/checks/parsers/types';

const [parser, file, passes] = process.argv.slice(2);
if (!parser || !file) throw new Error('usage: npx tsx bench/parse-micro.ts <parser|noop> <file> [passes]');
const data = readFileSync(file);
const CHUNK = 1 << 20;
const times: number[] = [];
/** CPU of `end()` alone (the result: key texts, maps of 10,000 peers), part of each pass's time. */
const endTimes: number[] = [];
let total: unknown;
for (let pass = 0; pass < Number(passes ?? 5); pass++) {
  // `noop`: only the line cutting (LineSplitter), the floor under every line parser.
  const accumulator: LineAccumulator =
    parser === 'noop' ? { push() {}, pushBytes() {}, result: () => ({ values: {}, warnings: [] }) } : getParser(parser)!.stream!({});
  const before = process.cpuUsage();
  const splitter = new LineSplitter(accumulator);
  for (let at = 0; at < data.length; at += CHUNK) splitter.write(data.subarray(at, Math.min(at + CHUNK, data.length)));
  const beforeEnd = process.cpuUsage();
  const result = splitter.end();
  const used = process.cpuUsage(before);
  const usedEnd = process.cpuUsage(beforeEnd);
  endTimes.push((usedEnd.user + usedEnd.system) / 1000);
  times.push((used.user + used.system) / 1000);
  total = result.values.total ?? result.values.count;
}
console.log(
  `${parser}: CPU ms per pass, in order: ${times.map((t) => t.toFixed(0)).join(' ')} (of which the result: ${endTimes.map((t) => t.toFixed(0)).join(' ')}; rows ${String(total)}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
);
