// One run of the product's path for bench/parse-spill.ts: parseSpilledOutput on a spill file, timed
// inside this process (the engine is already running when a step's output is parsed), with the
// process's own peak RSS (VmHWM) at the end. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { parseFast, parseSpilledOutput } from '../src/engine/parseFull';
import { getParser } from '../src/checks/parsers/index';

async function main(): Promise<void> {
  const [parser, file] = process.argv.slice(2);
  // The regex parser needs a pattern: one that streams line by line.
  const options = parser === 'regex' ? { pattern: '^ESTAB\\s' } : {};
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await parseSpilledOutput({ parse: parser, options, findings: [], spans: {} }, file);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  const values = (result?.values ?? {}) as Record<string, unknown>;
  // Which path read it (after the timing, not timed): the WebAssembly fast path, or the parser (declined).
  const fastPath = (await parseFast(getParser(parser)!, options, file)) !== undefined;
  process.stdout.write(
    JSON.stringify({
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMB: hwm / 1024,
      total: values.total ?? values.count ?? 0,
      states: values.states ?? {},
      warnings: result?.warnings ?? [],
      fastPath,
    }),
  );
}

void main();
