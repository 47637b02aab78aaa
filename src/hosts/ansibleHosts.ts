// Ansible's connection variables, mapped onto what our ssh_config resolution takes: the name to
// resolve and `-o Key=value` overrides, so ~/.ssh/config still applies underneath, as it does
// for Ansible's own ssh connection.

import { RunbookError } from '../base/failure';
import type { AnsibleVars } from './ansibleModel';
import { shellWords } from './ansibleIni';

export interface AnsibleConnection {
  local: boolean;
  /** What ssh would be asked to connect to (the inventory name unless ansible_host says otherwise). */
  sshName: string;
  overrides: Record<string, string>;
  /** Settings the ssh2 engine does not honour (e.g. ProxyCommand): the caller warns. */
  unsupported: string[];
}

const SSH_CONNECTIONS = ['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh'];
const LOCAL_CONNECTIONS = ['local', 'ansible.builtin.local'];

/** ansible_host/port/user, ansible_ssh_private_key_file and the ssh args of `host` (whose vars are merged), as overrides. */
export function ansibleConnection(host: string, vars: AnsibleVars, where: string): AnsibleConnection {
  const text = (key: string): string | undefined => {
    const v = vars[key];
    if (v === undefined || v === null || v === '') return undefined;
    const s = String(v);
    if (s.includes('{{') || s.includes('{%')) {
      throw new RunbookError(
        'config',
        `${where}: host "${host}" has ${key}=${s}, a Jinja template, which only Ansible can evaluate`,
        'Use --executor ansible for this inventory, or give a literal value (ansible-inventory --host NAME shows the vars).',
      );
    }
    return s;
  };
  const connection = text('ansible_connection');
  if (connection && LOCAL_CONNECTIONS.includes(connection)) return { local: true, sshName: host, overrides: {}, unsupported: [] };
  if (connection && !SSH_CONNECTIONS.includes(connection)) {
    throw new RunbookError(
      'config',
      `${where}: host "${host}" uses ansible_connection=${connection}`,
      'Only ssh and local hosts can run steps; use --executor ansible for other connections.',
    );
  }
  const overrides: Record<string, string> = {};
  const unsupported: string[] = [];
  const hostname = text('ansible_host') ?? text('ansible_ssh_host');
  if (hostname) overrides.HostName = hostname;
  const port = text('ansible_port') ?? text('ansible_ssh_port');
  if (port) {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      throw new RunbookError('config', `${where}: host "${host}" has ansible_port=${port}`, 'A port is 1-65535.');
    overrides.Port = port;
  }
  const user = text('ansible_user') ?? text('ansible_ssh_user');
  if (user) overrides.User = user;
  const key = text('ansible_ssh_private_key_file') ?? text('ansible_private_key_file');
  if (key) overrides.IdentityFile = key;
  for (const argsKey of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const args = text(argsKey);
    if (args)
      sshArgs(args, overrides, unsupported, () => {
        throw new RunbookError('config', `${where}: host "${host}" has unbalanced quotes in ${argsKey}`, 'Fix the quoting.');
      });
  }
  for (const k of Object.keys(overrides)) {
    if (/[\0-\x1f]/.test(overrides[k])) throw new RunbookError('config', `${where}: host "${host}" has a control character in ${k}`, 'Fix the value.');
  }
  return { local: false, sshName: host, overrides, unsupported };
}

/** The ssh options Ansible users put in *_ssh_common_args: -o K=V, -J, -i, -p, -l. */
function sshArgs(args: string, overrides: Record<string, string>, unsupported: string[], onError: () => never): void {
  const words = shellWords(args, onError);
  const flagKeys: Record<string, string> = { '-J': 'ProxyJump', '-i': 'IdentityFile', '-p': 'Port', '-l': 'User' };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let option: string | undefined;
    if (w === '-o') option = words[++i];
    else if (w.startsWith('-o')) option = w.slice(2);
    else if (flagKeys[w] && words[i + 1] !== undefined) overrides[flagKeys[w]] = words[++i];
    else if (flagKeys[w.slice(0, 2)]) overrides[flagKeys[w.slice(0, 2)]] = w.slice(2);
    else unsupported.push(w);
    if (option === undefined) continue;
    const m = /^([A-Za-z]+)\s*[= ]\s*(.*)$/.exec(option);
    if (!m) {
      unsupported.push(option);
      continue;
    }
    const keyword = m[1];
    // The ssh2 engine has no ProxyCommand; say so instead of connecting straight to the host.
    if (/^proxycommand$/i.test(keyword)) unsupported.push(`ProxyCommand=${m[2]}`);
    else if (!(keyword in overrides)) overrides[keyword] = m[2];
  }
}
