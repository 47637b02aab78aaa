// `runbook hosts`: every name you can pass to --host or --group, and where it comes from.

import { listTargets } from '../hosts/targets';
import { bold, dim } from './print';
import { targetOptions } from './target';

export async function hostsCommand(options: { inventory?: string; sshConfig?: string }): Promise<number> {
  const targets = await listTargets(targetOptions(options));
  const width = Math.max(4, ...targets.map((t) => t.name.length));
  process.stdout.write(`${bold(`${'name'.padEnd(width)}  kind   source`)}\n`);
  for (const t of targets) {
    const members = t.members?.length ? `  ${dim(`[${t.members.join(', ')}]`)}` : '';
    process.stdout.write(`${t.name.padEnd(width)}  ${t.kind.padEnd(5)}  ${t.origin}${members}\n`);
  }
  return 0;
}
