// `runbook hosts [PATTERN]`: every name you can pass to --host or --group, and where it comes
// from; with an Ansible pattern, the hosts it selects (as `ansible PATTERN --list-hosts`).

import { isRunbookError } from '../base/failure';
import { listTargets, matchTargets } from '../hosts/targets';
import type { TargetEntry } from '../hosts/types';
import { bold, dim } from './print';
import { targetOptions } from './target';

/** Members shown per group; `runbook hosts GROUP` lists them all. */
const MEMBERS_SHOWN = 12;

export async function hostsCommand(options: { inventory?: string | string[]; sshConfig?: string }, pattern?: string): Promise<number> {
  let targets: TargetEntry[];
  try {
    targets = pattern === undefined ? await listTargets(targetOptions(options)) : await matchTargets(pattern, targetOptions(options));
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return 2;
  }
  if (pattern !== undefined && targets.length === 0) {
    process.stderr.write(`"${pattern}" selects no host. "runbook hosts" lists the names.\n`);
    return 1;
  }
  const width = Math.max(4, ...targets.map((t) => t.name.length));
  process.stdout.write(`${bold(`${'name'.padEnd(width)}  kind   source`)}\n`);
  for (const t of targets) {
    const shown = t.members?.slice(0, MEMBERS_SHOWN).join(', ');
    const more = t.members && t.members.length > MEMBERS_SHOWN ? `, ... ${t.members.length} hosts` : '';
    const members = t.members?.length ? `  ${dim(`[${shown}${more}]`)}` : '';
    process.stdout.write(`${t.name.padEnd(width)}  ${t.kind.padEnd(5)}  ${t.origin}${members}\n`);
  }
  if (pattern !== undefined) process.stdout.write(`${dim(`${targets.length} host${targets.length === 1 ? '' : 's'} selected by ${pattern}`)}\n`);
  return 0;
}
