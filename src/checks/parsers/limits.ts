// Resource limit names shared by `ulimit -a` (bash, dash, busybox) and `/proc/PID/limits`: the names
// of /etc/security/limits.conf (`nofile`, `nproc`...), which is where a responder fixes them.
import type { ValueInfo } from '../spec';

export interface LimitName {
  name: string;
  /** The `ulimit` flag letter printed by bash and busybox, e.g. `n` in `(-n)`. */
  flag: string;
  /** The label dash prints, e.g. `nofiles`. */
  dash?: string;
  /** The label in /proc/PID/limits, e.g. `Max open files`. */
  proc?: string;
  description: string;
}

export const limitNames: LimitName[] = [
  { name: 'nofile', flag: 'n', dash: 'nofiles', proc: 'Max open files', description: 'Open files (file descriptors, sockets included).' },
  { name: 'nproc', flag: 'u', dash: 'process', proc: 'Max processes', description: 'Processes (threads) per user.' },
  { name: 'core', flag: 'c', dash: 'coredump(blocks)', proc: 'Max core file size', description: 'Core file size.' },
  { name: 'data', flag: 'd', dash: 'data(kbytes)', proc: 'Max data size', description: 'Data segment size.' },
  { name: 'fsize', flag: 'f', dash: 'file(blocks)', proc: 'Max file size', description: 'File size.' },
  { name: 'stack', flag: 's', dash: 'stack(kbytes)', proc: 'Max stack size', description: 'Stack size.' },
  { name: 'cpu', flag: 't', dash: 'time(seconds)', proc: 'Max cpu time', description: 'CPU time in seconds.' },
  { name: 'rss', flag: 'm', dash: 'memory(kbytes)', proc: 'Max resident set', description: 'Resident set size.' },
  { name: 'memlock', flag: 'l', dash: 'locked memory(kbytes)', proc: 'Max locked memory', description: 'Locked memory.' },
  { name: 'as', flag: 'v', dash: 'vmemory(kbytes)', proc: 'Max address space', description: 'Virtual memory (address space).' },
  { name: 'locks', flag: 'x', dash: 'locks', proc: 'Max file locks', description: 'File locks.' },
  { name: 'sigpending', flag: 'i', proc: 'Max pending signals', description: 'Pending signals.' },
  { name: 'msgqueue', flag: 'q', proc: 'Max msgqueue size', description: 'POSIX message queue bytes.' },
  { name: 'nice', flag: 'e', proc: 'Max nice priority', description: 'Scheduling priority (nice ceiling).' },
  { name: 'rtprio', flag: 'r', dash: 'rtprio', proc: 'Max realtime priority', description: 'Real-time priority.' },
  { name: 'rttime', flag: 'R', proc: 'Max realtime timeout', description: 'Real-time non-blocking time (microseconds).' },
  { name: 'pipe', flag: 'p', description: 'Pipe size in 512-byte blocks (ulimit only, not settable).' },
];

export function limitValueInfos(kind: 'ulimit' | 'proc'): ValueInfo[] {
  return limitNames
    .filter((l) => kind === 'ulimit' || l.proc !== undefined)
    .map((l) =>
      kind === 'ulimit'
        ? { name: l.name, type: 'number', description: `${l.description} \`unlimited\` is Infinity.` }
        : { name: l.name, type: 'object', description: `${l.description} \`{ soft, hard, units }\`; \`unlimited\` is Infinity.` },
    );
}
