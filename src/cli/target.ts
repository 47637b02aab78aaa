// The CLI's host-resolution options (-i inventories, --ssh-config). Which names a run targets is the
// pipeline's rule (src/pipeline/targets.ts), shared with the notebook.

import path from 'node:path';

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
