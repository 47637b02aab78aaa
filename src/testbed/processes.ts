// Looks at processes on this machine through /proc: which processes descend from a test sshd,
// and which ones are still running a given command line (used to prove a step left nothing behind).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  args: string;
}

/** A snapshot of every process we can see; processes that exit while we read are skipped. */
export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm is in parentheses and may contain spaces; the fields after the last ')' are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.push({ pid: Number(entry), ppid: Number(fields[1]), comm, args });
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** All descendants of `root` (not including it). */
export function descendantsOf(root: number, all = listProcesses()): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** Processes whose command line contains `text`, excluding this Node process. */
export function processesRunning(text: string): ProcessInfo[] {
  return listProcesses().filter((p) => p.pid !== process.pid && p.args.includes(text));
}

/** Signals each pid, ignoring ones that already exited. */
export function signalPids(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
