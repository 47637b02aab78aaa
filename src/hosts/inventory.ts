// The project's inventory (`runbook-inventory.yaml`): named hosts that refine ssh_config
// entries, and groups (lists, globs, or roles such as client/server). Errors carry file:line.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { RunbookError } from '../base/failure';

export interface InventoryHost {
  name: string;
  /** The name handed to ssh_config resolution: `ssh:` if given, else the inventory name. */
  sshName: string;
  /** Become `-o Key=value` for that resolution, so ssh_config still applies underneath. */
  overrides: Record<string, string>;
  description?: string;
  /** `runbook-inventory.yaml:4` */
  origin: string;
}

export interface InventoryGroup {
  name: string;
  /** Member names or globs over known host names, as written; roles flattened in order. */
  members: Array<{ pattern: string; origin: string }>;
  /** For groups written as `{ role: [members] }`. */
  roles?: Record<string, Array<{ pattern: string; origin: string }>>;
  description?: string;
  origin: string;
}

export interface Inventory {
  file: string;
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}

/** Inventory keys and the ssh_config keyword each one sets. */
const HOST_FIELDS: Record<string, string> = {
  hostname: 'HostName',
  port: 'Port',
  user: 'User',
  identityFile: 'IdentityFile',
  proxyJump: 'ProxyJump',
  identitiesOnly: 'IdentitiesOnly',
  connectTimeout: 'ConnectTimeout',
  hostKeyAlias: 'HostKeyAlias',
  // A team can keep its fleet's host keys in the repository beside the inventory.
  userKnownHostsFile: 'UserKnownHostsFile',
};
/** Settings whose value may hold spaces (a path; several known_hosts files). */
const SPACED_FIELDS = ['description', 'identityFile', 'userKnownHostsFile'];
const OTHER_FIELDS = ['ssh', 'description'];
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:-]*$/;

/** Reads the inventory; undefined when the file does not exist (an inventory is optional). */
export async function loadInventory(file: string, displayName = file): Promise<Inventory | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunbookError('config', `Cannot read inventory ${displayName}: ${(err as Error).message}`, 'Check the runbook.inventory setting.', { cause: err });
  }
  return parseInventory(text, displayName);
}

export function parseInventory(text: string, file: string): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined): string => `${file}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  const fail = (node: Node | null | undefined, message: string, hint: string): never => {
    throw new RunbookError('config', `${at(node)}: ${message}`, hint);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line ?? lines.linePos(e.pos[0]).line;
    throw new RunbookError('config', `${file}:${line}: ${e.message.split('\n')[0]}`, 'Fix the YAML syntax (indentation, colons, brackets).');
  }
  const inventory: Inventory = { file, hosts: new Map(), groups: new Map() };
  const root = doc.contents;
  if (root === null) return inventory;
  if (!isMap(root)) fail(root, 'the inventory must be a mapping with `hosts:` and `groups:`', 'Start the file with `hosts:`.');
  const rootMap = root as unknown as { items: Pair[] };
  for (const pair of rootMap.items) {
    const key = keyOf(pair);
    if (key === 'hosts') readHosts(pair.value as Node | null, inventory, at, fail);
    else if (key === 'groups') readGroups(pair.value as Node | null, inventory, at, fail);
    else fail(pair.key as Node, `unknown top-level key "${key}"`, 'Only `hosts:` and `groups:` are allowed.');
  }
  for (const group of inventory.groups.values()) {
    if (inventory.hosts.has(group.name)) {
      throw new RunbookError('config', `${group.origin}: "${group.name}" is both a host and a group`, 'Rename the group or the host.');
    }
  }
  return inventory;
}

type At = (node: Node | null | undefined) => string;
type Fail = (node: Node | null | undefined, message: string, hint: string) => never;

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function checkName(node: Node, name: string, what: string, fail: Fail): void {
  if (!NAME.test(name)) fail(node, `bad ${what} name "${name}"`, 'Use letters, digits, and . _ - @ :, not starting with - or .');
  if (name === 'local') fail(node, '"local" is the built-in name for this machine', `Give the ${what} another name.`);
}

function readHosts(node: Node | null, inventory: Inventory, at: At, fail: Fail): void {
  if (node === null) return;
  if (!isMap(node)) fail(node, '`hosts:` must map names to settings', 'Write e.g. `web-1: { hostname: 10.0.0.5, user: ops }`.');
  for (const pair of (node as unknown as { items: Pair[] }).items) {
    const name = keyOf(pair);
    const keyNode = pair.key as Node;
    checkName(keyNode, name, 'host', fail);
    if (inventory.hosts.has(name)) fail(keyNode, `host "${name}" is listed twice`, 'Keep one entry.');
    const value = pair.value as Node | null;
    const host: InventoryHost = { name, sshName: name, overrides: {}, origin: at(keyNode) };
    if (value !== null && !(isScalar(value) && value.value === null)) {
      if (!isMap(value)) fail(value, `host "${name}" must be a mapping`, 'Write `{}` or `{ hostname: ..., port: ..., user: ... }`.');
      for (const field of (value as unknown as { items: Pair[] }).items) readHostField(name, field, host, fail);
    }
    inventory.hosts.set(name, host);
  }
}

function readHostField(name: string, field: Pair, host: InventoryHost, fail: Fail): void {
  const key = keyOf(field);
  const valueNode = field.value as Node | null;
  const allowed = [...Object.keys(HOST_FIELDS), ...OTHER_FIELDS];
  if (!allowed.includes(key)) fail(field.key as Node, `unknown setting "${key}" for host "${name}"`, `Use one of: ${allowed.join(', ')}.`);
  if (!isScalar(valueNode) || valueNode.value === null || typeof valueNode.value === 'object') {
    fail(valueNode ?? (field.key as Node), `"${key}" of host "${name}" needs a single value`, 'Write a plain value, e.g. `port: 2222`.');
  }
  const value = String((valueNode as unknown as { value: unknown }).value);
  // Values become `-o Key=value`; one line, and no leading `-` that ssh could take as an option.
  if (/[\0-\x1f]/.test(value) || value === '' || (/\s/.test(value) && !SPACED_FIELDS.includes(key))) {
    fail(valueNode, `"${key}" of host "${name}" has a bad value "${value}"`, 'Use a single word without spaces or control characters.');
  }
  if (key === 'port' && !(/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535)) {
    fail(valueNode, `port of host "${name}" must be 1-65535, got "${value}"`, 'Write e.g. `port: 2222`.');
  }
  if (key === 'userKnownHostsFile' && value.split(/\s+/).some((f) => !/^(\/|~)/.test(f))) {
    fail(
      valueNode,
      `userKnownHostsFile of host "${name}" must be an absolute path or start with ~, got "${value}"`,
      'A relative path would depend on the folder the run starts in: write e.g. `userKnownHostsFile: ~/fleet/known_hosts`.',
    );
  }
  if (key === 'ssh') {
    if (value.startsWith('-')) fail(valueNode, `ssh alias "${value}" cannot start with -`, 'Name a Host from ~/.ssh/config.');
    host.sshName = value;
  } else if (key === 'description') {
    host.description = value;
  } else {
    host.overrides[HOST_FIELDS[key]] = value;
  }
}

function readGroups(node: Node | null, inventory: Inventory, at: At, fail: Fail): void {
  if (node === null) return;
  if (!isMap(node)) fail(node, '`groups:` must map group names to members', 'Write e.g. `web: [web-1, web-2]`.');
  for (const pair of (node as unknown as { items: Pair[] }).items) {
    const name = keyOf(pair);
    const keyNode = pair.key as Node;
    checkName(keyNode, name, 'group', fail);
    if (inventory.groups.has(name)) fail(keyNode, `group "${name}" is listed twice`, 'Keep one entry.');
    const value = pair.value as Node | null;
    const group: InventoryGroup = { name, members: [], origin: at(keyNode) };
    if (isSeq(value)) {
      group.members = memberList(value, name, at, fail);
    } else if (isMap(value)) {
      group.roles = {};
      for (const rolePair of (value as unknown as { items: Pair[] }).items) {
        const role = keyOf(rolePair);
        const roleValue = rolePair.value as Node | null;
        if (!isSeq(roleValue))
          fail(roleValue ?? (rolePair.key as Node), `role "${role}" of group "${name}" must be a list`, `Write e.g. \`${role}: [web-1]\`.`);
        group.roles[role] = memberList(roleValue as Node, name, at, fail);
        group.members.push(...group.roles[role]);
      }
    } else {
      fail(value ?? keyNode, `group "${name}" must be a list of hosts or a mapping of roles`, 'Write `[web-1, "relay-*"]` or `{ client: [a], server: [b] }`.');
    }
    if (group.members.length === 0) fail(value ?? keyNode, `group "${name}" has no members`, 'List at least one host.');
    inventory.groups.set(name, group);
  }
}

function memberList(node: Node, group: string, at: At, fail: Fail): Array<{ pattern: string; origin: string }> {
  const out: Array<{ pattern: string; origin: string }> = [];
  for (const item of (node as unknown as { items: Node[] }).items) {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value === '') {
      fail(item, `members of group "${group}" must be host names or globs`, 'Quote globs: `"relay-*"`.');
    }
    out.push({ pattern: String((item as unknown as { value: string }).value), origin: at(item) });
  }
  return out;
}
