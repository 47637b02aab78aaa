// The built-in reader of Ansible's static YAML inventories (`all: { hosts:, children:, vars: }`),
// after ansible/plugins/inventory/yaml.py, with file:line in every error.

import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { RunbookError } from '../base/failure';
import { addChild, addGroup, addHost, type AnsibleInventory } from './ansibleModel';
import { expandHostRange, parseAddress } from './ansibleRange';

export function readYamlInventory(inv: AnsibleInventory, text: string, file: string): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: unknown): string => {
    const range = (node as Node | null)?.range;
    return `${file}:${range ? lines.linePos(range[0]).line : 1}`;
  };
  const fail = (node: unknown, message: string, hint: string): never => {
    throw new RunbookError('config', `${at(node)}: ${message}`, hint);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new RunbookError('config', `${file}:${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`, 'Fix the YAML syntax (indentation, colons).');
  }
  const root = doc.contents;
  if (root === null) return;
  if (!isMap(root)) fail(root, 'an Ansible YAML inventory is a mapping of groups', 'Start with `all:` and `hosts:`/`children:` under it.');
  const items = (node: unknown): Pair[] => (node as { items: Pair[] }).items;
  const key = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
  const isNull = (node: unknown): boolean => node === null || node === undefined || (isScalar(node) && node.value === null);

  const readGroup = (name: string, node: unknown, keyNode: unknown): void => {
    addGroup(inv, name, at(keyNode));
    if (isNull(node)) return;
    if (!isMap(node)) fail(node, `group "${name}" must be a mapping with hosts:, children: or vars:`, 'Write e.g. `web: { hosts: { web-1: } }`.');
    for (const section of items(node)) {
      const k = key(section);
      const value = section.value;
      if (isNull(value)) continue;
      if (!['hosts', 'children', 'vars'].includes(k))
        fail(section.key, `unexpected key "${k}" in group "${name}"`, 'Only hosts:, children: and vars: are valid in a group.');
      // A plain string is allowed for one entry, as Ansible allows it.
      const entries: Array<[string, unknown, unknown]> = isScalar(value)
        ? [[String(value.value), null, value]]
        : isMap(value)
          ? items(value).map((p) => [key(p), p.value, p.key])
          : fail(value, `"${k}" of group "${name}" must be a mapping`, `Write \`${k}: { name: ... }\`.`);
      if (k === 'vars') {
        for (const [v, valueNode] of entries) inv.groups.get(name)!.vars[v] = isNull(valueNode) ? null : (valueNode as Node & { toJSON(): unknown }).toJSON();
      } else if (k === 'children') {
        for (const [child, childNode, childKey] of entries) {
          readGroup(child, childNode, childKey);
          addChild(inv, name, child);
        }
      } else {
        for (const [pattern, hostNode, hostKey] of entries) readHosts(name, pattern, hostNode, hostKey);
      }
    }
  };
  const readHosts = (group: string, pattern: string, node: unknown, keyNode: unknown): void => {
    const parsed = parseAddress(pattern);
    if (!parsed) fail(keyNode, `"${pattern}" is not a host name, address or range`, 'Write e.g. `web[01:20].example.com:`.');
    let names: string[] = [];
    try {
      names = expandHostRange(parsed!.host);
    } catch (error) {
      fail(keyNode, (error as Error).message, 'Write ranges as [01:20] or [a:f].');
    }
    if (!isNull(node) && !isMap(node)) fail(node, `host "${pattern}" must map to its variables`, 'Write `web-1: { ansible_host: 10.0.0.5 }` or `web-1:`.');
    const vars = isNull(node) ? {} : ((node as Node & { toJSON(): unknown }).toJSON() as Record<string, unknown>);
    for (const h of names) {
      const host = addHost(inv, h, group, at(keyNode));
      if (parsed!.port !== undefined) host.vars.ansible_port = parsed!.port;
      Object.assign(host.vars, vars);
    }
  };
  for (const pair of items(root)) readGroup(key(pair), pair.value, pair.key);
}
