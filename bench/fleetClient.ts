// One client run for bench/fleet.ts, in its own process so its CPU and memory are its own: the
// trivial step on every host, cold (new connections) then warm (again), through one engine.
// Prints one JSON line. Run by bench/fleet.ts, not by hand.
import { readFileSync } from 'node:fs';
import { createExecutors, type EngineName } from '../src/engine/executors';
import { runStep } from '../src/engine/runStep';
import { ValueStore } from '../src/engine/scope';
import type { HostConfig } from '../src/hosts/types';
import { parseRunbook } from '../src/runbook/parse';

const [engine, hostsFile, command, warmArg] = process.argv.slice(2) as [EngineName, string, string, string | undefined];
const hosts = JSON.parse(readFileSync(hostsFile, 'utf8')) as HostConfig[];
const runbook = parseRunbook(`\`\`\`sh {id=trivial timeout=300s}\n${command}\n\`\`\`\n`, 'bench.runbook.md');
const noPrompter = { askSecret: async () => undefined, confirm: async () => false };

/** CPU of this process (µs precision) and of its waited-for children (ansible and its ssh; 10 ms ticks), in ms. */
function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime, cstime are fields 16-17 (1-based); after ")" they are at index 13 and 14.
  const self = process.cpuUsage();
  return (self.user + self.system) / 1000 + (Number(f[13]) + Number(f[14])) * 10;
}

async function phase(executors: ReturnType<typeof createExecutors>) {
  const cpu = cpuMs();
  const t = performance.now();
  const run = await runStep({
    runbook,
    step: runbook.steps[0],
    hosts,
    executorFor: (h) => executors.executorFor(h),
    values: new ValueStore({}),
    concurrency: executors.concurrencyFor(hosts.length, 50),
  });
  const wallMs = performance.now() - t;
  const bad = run.hostRuns.filter((r) => r.result.termination !== 'exit' || r.result.exitCode !== 0);
  if (bad.length)
    throw new Error(`${bad.length}/${hosts.length} hosts failed: ${bad[0].host.name}: ${bad[0].result.error?.message ?? bad[0].result.stderr.text}`);
  return { wallMs, cpuMs: cpuMs() - cpu, rssKb: process.memoryUsage().rss / 1024 };
}

async function main() {
  process.stdout.write(`ready ${JSON.stringify({ rssKb: process.memoryUsage().rss / 1024 })}\n`);
  const executors = createExecutors({ prompter: noPrompter, engine, ansible: { forks: 50 } });
  const cold = await phase(executors);
  const warm = warmArg === 'no-warm' ? undefined : await phase(executors);
  await executors.closeAll();
  process.stdout.write(`result ${JSON.stringify({ cold, warm })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
