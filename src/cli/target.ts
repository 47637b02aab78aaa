// Which hosts a CLI run targets: --host or --group, else the runbook's own default, with errors
// that say where names come from.

import path from 'node:path';
import type { HostConfig } from '../hosts/types';
import { resolveTarget } from '../hosts/targets';
import { RunbookError } from '../base/failure';
import type { Runbook } from '../runbook/model';

/** `-i` may be given several times: the first is the inventory (either format), the rest more Ansible sources. */
export function targetOptions(options: { inventory?: string | string[]; sshConfig?: string }) {
  const inventories = (Array.isArray(options.inventory) ? options.inventory : options.inventory ? [options.inventory] : []).map((i) =>
    i.includes(',') ? i : path.resolve(i),
  );
  return {
    workspaceRoot: process.cwd(),
    inventoryPath: inventories[0],
    ansibleInventories: inventories.slice(1),
    sshConfigPath: options.sshConfig ? path.resolve(options.sshConfig) : undefined,
    // A config the user names on the command line is theirs: let `ssh -G` read it as ssh would.
    trustConfig: true,
    onWarning: (message: string) => process.stderr.write(`warning: ${message}\n`),
  };
}

export async function resolveCliTarget(
  runbook: Runbook,
  options: { host?: string; group?: string; inventory?: string | string[]; sshConfig?: string },
): Promise<HostConfig[] | undefined> {
  const fm = runbook.frontMatter;
  const names = options.group ? [options.group] : options.host ? [options.host] : fm?.group ? [fm.group] : (fm?.hosts ?? []);
  if (names.length === 0) {
    process.stderr.write(
      `${runbook.fileName}: no target. Pass --host NAME (a host from ~/.ssh/config, the inventory, or "local") or --group NAME. "runbook hosts" lists them.\n`,
    );
    return undefined;
  }
  const hosts: HostConfig[] = [];
  try {
    for (const name of names) hosts.push(...(await resolveTarget(name, targetOptions(options))));
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return undefined;
  }
  return hosts;
}
