// Peak resident memory of a process and all its descendants, sampled from /proc: what a fleet
// run costs the client machine (ssh children of parallel-ssh and Ansible included).
import { readdirSync, readFileSync } from 'node:fs';

function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone between readdir and read.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples every `everyMs` until stopped; `peakKb` is the largest sum seen, `processes` the most processes at once. */
export function sampleTree(root: number, everyMs = 100): { stop(): { peakKb: number; processes: number } } {
  let peakKb = 0;
  let processes = 0;
  const tick = () => {
    const pids = tree(root);
    processes = Math.max(processes, pids.length);
    peakKb = Math.max(
      peakKb,
      pids.reduce((sum, p) => sum + rssKb(p), 0),
    );
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { peakKb, processes };
    },
  };
}
