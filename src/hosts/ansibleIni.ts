// The built-in reader of Ansible's static INI inventories, for machines without Ansible: sections
// `[group]`, `[group:vars]`, `[group:children]`, host lines with ranges, ports and key=value vars.
// Follows ansible/plugins/inventory/ini.py; errors name file:line like Ansible's.

import { RunbookError } from '../base/failure';
import { addChild, addGroup, addHost, type AnsibleInventory } from './ansibleModel';
import { expandHostRange, parseAddress } from './ansibleRange';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

export function readIniInventory(inv: AnsibleInventory, text: string, file: string): void {
  const fail = (line: number, message: string, hint = 'Fix the line, or check it with `ansible-inventory -i FILE --list`.'): never => {
    throw new RunbookError('config', `${file}:${line}: ${message}`, hint);
  };
  const pending = new Map<string, { line: number; state: string; parent?: string }>();
  let group = 'ungrouped';
  let state = 'hosts';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const no = i + 1;
    const line = lines[i].trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      state = m[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state))
        fail(no, `section [${m[1]}:${m[2]}] has unknown type "${state}"`, 'Use [group], [group:vars] or [group:children].');
      if (!inv.groups.has(group) && state === 'vars' && !pending.has(group)) pending.set(group, { line: no, state });
      addGroup(inv, group, `${file}:${no}`);
      if (pending.has(group) && state !== 'vars') pending.delete(group);
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']'))
      fail(no, `invalid section "${line}"`, 'Section names have no spaces: [group], [group:vars], [group:children].');
    if (state === 'hosts') {
      const tokens = shellWords(line, () => fail(no, `unbalanced quotes in "${line}"`));
      const parsed = parseAddress(tokens[0]);
      if (!parsed) fail(no, `"${tokens[0]}" is not a host name, address or range`, 'Write e.g. `web[01:20].example.com ansible_user=ops`.');
      if (tokens[0].endsWith(':')) fail(no, `host "${tokens[0]}" ends in ":"`, 'A ":" must be followed by a port.');
      const vars: Record<string, unknown> = {};
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf('=');
        if (eq <= 0) fail(no, `expected key=value after the host name, got "${t}"`, 'Write variables as `ansible_port=2222`.');
        vars[t.slice(0, eq)] = iniValue(t.slice(eq + 1));
      }
      let names: string[] = [];
      try {
        names = expandHostRange(parsed!.host);
      } catch (error) {
        fail(no, (error as Error).message);
      }
      for (const name of names) {
        const host = addHost(inv, name, group, `${file}:${no}`);
        if (parsed!.port !== undefined) host.vars.ansible_port = parsed!.port;
        Object.assign(host.vars, vars);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) fail(no, `expected key=value in [${group}:vars], got "${line}"`);
      addGroup(inv, group, `${file}:${no}`).vars[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1).trim());
    } else {
      const child = line.split(/[\s#;]/)[0];
      if (!inv.groups.has(child)) {
        if (!pending.has(child)) pending.set(child, { line: no, state, parent: group });
        addGroup(inv, child, `${file}:${no}`);
      }
      addChild(inv, group, child);
    }
  }
  for (const [name, p] of pending) {
    if (p.state === 'vars') fail(p.line, `section [${name}:vars] is for a group that is never defined`, `Add a [${name}] or [${name}:children] section.`);
    fail(p.line, `section [${p.parent}:children] names "${name}", which is never defined`, `Add a [${name}] section with its hosts.`);
  }
}

/** ini.py's _parse_value: Python literals (numbers, quoted strings, True/False) become values, the rest stays text. */
function iniValue(v: string): unknown {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^-?\d+\.\d*$/.test(v)) return Number(v);
  if (v === 'True') return true;
  if (v === 'False') return false;
  if (v === 'None') return null;
  const q = /^(['"])(.*)\1$/s.exec(v);
  if (q) return q[2].replace(/\\(.)/g, '$1');
  return v;
}

/** shlex.split(line, comments=True), the part of it host lines use: quotes, backslashes, `#` comments. */
export function shellWords(line: string, onError: () => never): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) onError();
      cur += c === '"' ? line.slice(i + 1, end).replace(/\\(["\\$`])/g, '$1') : line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
