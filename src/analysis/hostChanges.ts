// Commands that change a host (write a kernel setting, kill, restart, delete, change the firewall)
// must sit in a step marked `confirm`, so they never run by automatic progression.

export interface HostChange {
  /** Offsets in the line. */
  start: number;
  end: number;
  /** What it does, in words: "sysctl -w writes a kernel setting". */
  what: string;
}

/** Wrappers that run the command after them: `sudo`, `xargs -r`, `nohup`... */
const WRAPPERS = new Set(['sudo', 'doas', 'xargs', 'nohup', 'exec', 'env', 'timeout', 'nice', 'ionice', 'command', 'then', 'do', 'else', '!', 'time']);

/** The simple commands of a line (split at `|`, `;`, `&&`, `||`, `&`, `$(`, backquote) with their offsets. */
function simpleCommands(line: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i <= line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    // `2>&1` and `&>` are redirections, not a command separator.
    const separator = ch === '&' ? line[i - 1] !== '>' && line[i + 1] !== '>' : ch === '|' || ch === ';' || ch === '`' || ch === '(' || ch === ')';
    if (i === line.length || separator) {
      if (line.slice(start, i).trim() !== '') out.push({ text: line.slice(start, i), start });
      start = i + 1;
    }
  }
  return out;
}

/** The command name and its arguments, after wrappers and `VAR=value` assignments. */
function words(text: string): { name: string; args: string[] } {
  const all = text.trim().split(/\s+/);
  let i = 0;
  while (i < all.length) {
    const w = all[i];
    if (/^[A-Za-z_]\w*=/.test(w) || WRAPPERS.has(w)) {
      i++;
      // Options of the wrapper (`sudo -u root`, `timeout 5`, `xargs -r -n1`).
      while (i < all.length && (/^-/.test(all[i]) || /^\d+[smh]?$/.test(all[i]))) i++;
      continue;
    }
    break;
  }
  const name = (all[i] ?? '').replace(/^.*\//, '');
  return { name, args: all.slice(i + 1) };
}

function changeOf(text: string): string | undefined {
  const { name, args } = words(text);
  const joined = args.join(' ');
  const flags = args.filter((a) => /^-[a-zA-Z]/.test(a)).join('');
  switch (name) {
    case 'sysctl':
      if (/[wp]/.test(flags.replace(/-/g, '')) || /--(write|load|system)\b/.test(joined)) return 'sysctl -w/-p changes kernel settings';
      if (args.some((a) => /^[a-z0-9_.]+=/.test(a))) return 'sysctl key=value changes a kernel setting';
      return undefined;
    case 'kill':
      return /^-0$|^-l$|^-L$/.test(args[0] ?? '') ? undefined : 'kill stops a process';
    case 'pkill':
    case 'killall':
      return `${name} stops processes`;
    case 'reboot':
    case 'shutdown':
    case 'halt':
    case 'poweroff':
      return `${name} takes the host down`;
    case 'rm':
    case 'mv':
    case 'chmod':
    case 'chown':
      return `${name} changes files`;
    case 'tee':
      return args.some((a) => /^\/(proc\/sys|sys|etc)\//.test(a)) ? 'tee writes a system file' : undefined;
    case 'systemctl':
      return /^(restart|stop|reload|start|kill|disable|mask|try-restart|reload-or-restart)$/.test(args.find((a) => !a.startsWith('-')) ?? '')
        ? 'systemctl changes a service'
        : undefined;
    case 'service':
      return /^(restart|stop|reload|start|force-reload)$/.test(args[1] ?? '') ? 'service changes a service' : undefined;
    case 'iptables':
    case 'ip6tables':
      return /(^|\s)(-[AIDRFPNXZE]\w*|--(append|insert|delete|replace|flush|policy|new-chain|delete-chain|zero))\b/.test(joined)
        ? `${name} changes the firewall`
        : undefined;
    case 'iptables-restore':
    case 'ip6tables-restore':
      return `${name} replaces the firewall rules`;
    case 'nft':
      return /^(add|delete|flush|insert|replace|create|destroy|-f)$/.test(args.find((a) => a !== '-a' && a !== '-n') ?? '')
        ? 'nft changes the firewall'
        : undefined;
    case 'ip':
      return /^(link|addr|address|route|rule|neigh)\s+(set|add|del|delete|change|replace|flush)\b/.test(joined)
        ? 'ip changes the network configuration'
        : undefined;
    case 'conntrack':
      return /(^|\s)(-F|-D|--flush|--delete)\b/.test(joined) ? 'conntrack -F/-D deletes tracked connections' : undefined;
    case 'ss':
      return /(^|\s)(-[a-zA-Z]*K|--kill)\b/.test(joined) ? 'ss -K closes sockets' : undefined;
    case 'kubectl':
      return /^(drain|delete|cordon|scale|rollout)$/.test(args.find((a) => !a.startsWith('-')) ?? '') ? 'kubectl changes the cluster' : undefined;
    default:
      return undefined;
  }
}

/** Host changes in one line of a step's command; comment lines have none. */
export function hostChangesInLine(line: string): HostChange[] {
  if (/^\s*#/.test(line)) return [];
  const out: HostChange[] = [];
  for (const command of simpleCommands(line)) {
    const lead = command.text.length - command.text.trimStart().length;
    const start = command.start + lead;
    const end = command.start + command.text.trimEnd().length;
    const what = changeOf(command.text);
    if (what) out.push({ start, end, what });
    // Redirections write files wherever the command is: `echo 1 > /proc/sys/...`.
    const redirect = /(?<![<>&0-9])(\d?>>?)\s*(\/(?:proc\/sys|sys|etc)\/\S*)/.exec(command.text);
    if (redirect && !what) out.push({ start, end, what: `the redirection to ${redirect[2]} writes a system file` });
  }
  return out;
}
