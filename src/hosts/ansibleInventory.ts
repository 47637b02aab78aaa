// Reads Ansible inventories: through `ansible-inventory -i SRC --list` when Ansible is installed
// (dynamic inventories, plugins, group_vars and host_vars all work as in Ansible), else with the
// built-in reader for static INI and YAML files, directories of them, and group_vars/host_vars.

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RunbookError } from '../base/failure';
import { addChild, addGroup, addHost, emptyInventory, reconcile, type AnsibleInventory, type AnsibleVars } from './ansibleModel';
import { readIniInventory } from './ansibleIni';
import { readYamlInventory } from './ansibleYaml';

export interface AnsibleReadOptions {
  /** Default `ansible-inventory`; a binary that is not installed means the built-in reader is used. */
  ansibleInventoryBinary?: string;
  env?: NodeJS.ProcessEnv;
  /** Force the built-in reader (tests, or when Ansible is too slow to start for a host picker). */
  builtinOnly?: boolean;
  timeoutMs?: number;
}

/** Ansible's INVENTORY_IGNORE_EXTS and ignored names: files in an inventory directory that are not inventories. */
const IGNORED = /(~|\.(orig|ini|cfg|retry|pyc|pyo|swp|bak|rpm|md|txt|rst))$|^\./;

/** `ANSIBLE_INVENTORY` as Ansible reads it: comma-separated sources; empty when unset. */
export function ansibleInventoryFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.ANSIBLE_INVENTORY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Reads sources once per change: the key includes the modification times of everything read. */
const cache = new Map<string, { at: number; inventory: Promise<AnsibleInventory> }>();
const DYNAMIC_TTL_MS = 60_000;

export function loadAnsibleInventory(sources: string[], options: AnsibleReadOptions = {}): Promise<AnsibleInventory> {
  const key = JSON.stringify([sources, options.builtinOnly ?? false, options.ansibleInventoryBinary ?? '', sources.map(fingerprint)]);
  const hit = cache.get(key);
  const dynamic = sources.some(isExecutable);
  if (hit && (!dynamic || Date.now() - hit.at < DYNAMIC_TTL_MS)) return hit.inventory;
  const inventory = readSources(sources, options);
  cache.set(key, { at: Date.now(), inventory });
  inventory.catch(() => cache.delete(key));
  if (cache.size > 32) cache.delete(cache.keys().next().value!);
  return inventory;
}

async function readSources(sources: string[], options: AnsibleReadOptions): Promise<AnsibleInventory> {
  for (const s of sources) {
    if (!s.includes(',') && !existsSync(s)) {
      throw new RunbookError('config', `Ansible inventory ${s} does not exist`, 'Check the -i/--inventory path or ANSIBLE_INVENTORY.');
    }
  }
  if (!options.builtinOnly) {
    const viaAnsible = await runAnsibleInventory(sources, options);
    if (viaAnsible) return viaAnsible;
  }
  const inv = emptyInventory(sources, 'built-in parser', false);
  for (const s of sources) readStatic(inv, s);
  reconcile(inv);
  for (const s of sources) if (!s.includes(',')) readVarsDirs(inv, statSync(s).isDirectory() ? s : path.dirname(s));
  return inv;
}

function readStatic(inv: AnsibleInventory, source: string): void {
  if (source.includes(',') && !existsSync(source)) {
    // Ansible's host_list plugin: `-i 'web-1,web-2,'`.
    for (const h of source
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean))
      addHost(inv, h, 'ungrouped', 'host list');
    return;
  }
  if (statSync(source).isDirectory()) {
    for (const name of readdirSync(source).sort()) {
      if (IGNORED.test(name) || name === 'group_vars' || name === 'host_vars') continue;
      const file = path.join(source, name);
      if (statSync(file).isFile()) readStatic(inv, file);
    }
    return;
  }
  if (isExecutable(source)) {
    throw new RunbookError(
      'config',
      `${source} is a dynamic inventory (an executable), which needs Ansible`,
      'Install ansible-core (scripts/setup-system.sh does), or export the inventory to a static file.',
    );
  }
  const text = readFileSync(source, 'utf8');
  if (/\.(ya?ml|json)$/i.test(source) || looksLikeYaml(text)) {
    if (/^\s*plugin\s*:/m.test(text)) {
      throw new RunbookError('config', `${source} configures an inventory plugin, which needs Ansible`, 'Install ansible-core (scripts/setup-system.sh does).');
    }
    readYamlInventory(inv, text, source);
  } else readIniInventory(inv, text, source);
}

/** A YAML inventory starts with a `name:` line; an INI one with a host or a [section]. */
function looksLikeYaml(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
  return /^---/.test(first) || /^[^\s[=]+:\s*(#.*)?$/.test(first);
}

/** group_vars/ and host_vars/ next to the inventory: NAME, NAME.yml/.yaml/.json, or a directory NAME/ of such files. */
function readVarsDirs(inv: AnsibleInventory, dir: string): void {
  const read = (kind: 'group_vars' | 'host_vars', name: string): AnsibleVars | undefined => {
    const base = path.join(dir, kind, name);
    const files = ['', '.yml', '.yaml', '.json'].map((e) => base + e).filter((f) => existsSync(f));
    let out: AnsibleVars | undefined;
    for (const f of files) {
      const list = statSync(f).isDirectory()
        ? readdirSync(f)
            .sort()
            .filter((n) => !IGNORED.test(n))
            .map((n) => path.join(f, n))
        : [f];
      for (const file of list) {
        let data: unknown;
        try {
          data = parseYaml(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new RunbookError('config', `${file}: ${(error as Error).message.split('\n')[0]}`, 'Fix the YAML syntax.');
        }
        if (data === null || data === undefined) continue;
        if (typeof data !== 'object' || Array.isArray(data))
          throw new RunbookError('config', `${file}: vars must be a mapping`, 'Write `ansible_user: ops` lines.');
        out = { ...out, ...(data as AnsibleVars) };
      }
    }
    return out;
  };
  for (const g of inv.groups.values()) {
    const v = read('group_vars', g.name);
    if (v) g.fileVars = { ...g.fileVars, ...v };
  }
  for (const h of inv.hosts.values()) {
    const v = read('host_vars', h.name);
    if (v) h.fileVars = { ...h.fileVars, ...v };
  }
}

/** `ansible-inventory --list`; undefined when Ansible is not installed. */
function runAnsibleInventory(sources: string[], options: AnsibleReadOptions): Promise<AnsibleInventory | undefined> {
  const binary = options.ansibleInventoryBinary ?? 'ansible-inventory';
  const args = [...sources.flatMap((s) => ['-i', s]), '--list'];
  const env = {
    ...(options.env ?? process.env),
    // A source Ansible cannot parse is an error, not a warning and an empty inventory.
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolve(undefined);
      else reject(new RunbookError('config', `Could not run ${binary}: ${err.message}`, undefined, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = stderr.trim().split('\n').slice(-6).join('\n') || `exit ${code ?? signal}`;
        reject(
          new RunbookError(
            'config',
            `${binary} ${args.join(' ')} failed:\n${why}`,
            'Fix the inventory; `ansible-inventory -i SRC --list` shows the same error.',
          ),
        );
        return;
      }
      try {
        resolve(fromListJson(JSON.parse(Buffer.concat(out).toString('utf8')) as ListJson, sources));
      } catch (error) {
        reject(new RunbookError('config', `${binary} --list printed something that is not its JSON: ${(error as Error).message}`));
      }
    });
  });
}

type ListJson = Record<string, { hosts?: string[]; children?: string[]; hostvars?: Record<string, AnsibleVars> }>;

/** Rebuilds groups in the order of `all`'s tree (top-level keys of the JSON are sorted, lists are not). */
export function fromListJson(json: ListJson, sources: string[]): AnsibleInventory {
  const origin = `${sources.join(',')} (ansible-inventory)`;
  const inv = emptyInventory(sources, 'ansible-inventory', true);
  const hostvars = json._meta?.hostvars ?? {};
  const visited = new Set<string>();
  const visit = (name: string) => {
    if (visited.has(name)) return;
    visited.add(name);
    addGroup(inv, name, origin).origin = origin;
    for (const h of json[name]?.hosts ?? []) addHost(inv, h, name, origin).vars = hostvars[h] ?? {};
    for (const c of json[name]?.children ?? []) {
      visit(c);
      addChild(inv, name, c);
    }
  };
  visit('all');
  for (const name of Object.keys(json)) if (name !== '_meta') visit(name);
  reconcile(inv);
  return inv;
}

function isExecutable(source: string): boolean {
  try {
    if (!statSync(source).isFile()) return false;
    accessSync(source, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Modification times of a source and the vars directories beside it, so an edit is seen on the next read. */
function fingerprint(source: string): string {
  if (!existsSync(source)) return source;
  const parts: string[] = [];
  const walk = (p: string, depth: number) => {
    const st = statSync(p);
    parts.push(`${p}@${st.mtimeMs}`);
    if (st.isDirectory() && depth < 3 && parts.length < 2000) for (const n of readdirSync(p)) walk(path.join(p, n), depth + 1);
  };
  const dir = statSync(source).isDirectory() ? source : path.dirname(source);
  walk(source, 0);
  for (const v of ['group_vars', 'host_vars']) if (existsSync(path.join(dir, v))) walk(path.join(dir, v), 1);
  return parts.join('|');
}
