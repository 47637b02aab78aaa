// An Ansible inventory as Ansible's InventoryData holds it: groups (with children and vars) and
// hosts, in the order they were added, with `all`/`ungrouped` reconciled the way Ansible does.

export type AnsibleVars = Record<string, unknown>;

export interface AnsibleGroup {
  name: string;
  /** Hosts added to this group directly, in order. */
  hosts: string[];
  children: string[];
  vars: AnsibleVars;
  /** From `group_vars/NAME[.yml]` next to the inventory (built-in parser only). */
  fileVars?: AnsibleVars;
  /** `inventory.ini:12`, or the inventory path when ansible-inventory read it. */
  origin: string;
}

export interface AnsibleHost {
  name: string;
  /** The host's own vars; with `merged` set, the vars Ansible computed (group_vars and host_vars included). */
  vars: AnsibleVars;
  /** From `host_vars/NAME[.yml]` next to the inventory (built-in parser only). */
  fileVars?: AnsibleVars;
  origin: string;
}

export interface AnsibleInventory {
  /** The `-i` argument(s), as given to ansible. */
  sources: string[];
  /** How it was read: `ansible-inventory` (dynamic inventories, group_vars, host_vars) or the built-in INI/YAML parser. */
  via: 'ansible-inventory' | 'built-in parser';
  groups: Map<string, AnsibleGroup>;
  hosts: Map<string, AnsibleHost>;
  /** True when host vars are already Ansible's merged vars (ansible-inventory --list). */
  merged: boolean;
}

export function emptyInventory(sources: string[], via: AnsibleInventory['via'], merged: boolean): AnsibleInventory {
  const inv: AnsibleInventory = { sources, via, groups: new Map(), hosts: new Map(), merged };
  addGroup(inv, 'all', sources.join(','));
  addGroup(inv, 'ungrouped', sources.join(','));
  return inv;
}

export function addGroup(inv: AnsibleInventory, name: string, origin: string): AnsibleGroup {
  let group = inv.groups.get(name);
  if (!group) {
    group = { name, hosts: [], children: [], vars: {}, origin };
    inv.groups.set(name, group);
  }
  return group;
}

export function addHost(inv: AnsibleInventory, name: string, group: string | undefined, origin: string): AnsibleHost {
  let host = inv.hosts.get(name);
  if (!host) {
    host = { name, vars: {}, origin };
    inv.hosts.set(name, host);
  }
  if (group) {
    const g = addGroup(inv, group, origin);
    if (!g.hosts.includes(name)) g.hosts.push(name);
  }
  return host;
}

export function addChild(inv: AnsibleInventory, parent: string, child: string): void {
  const p = inv.groups.get(parent)!;
  if (!p.children.includes(child)) p.children.push(child);
}

/** Ansible's reconcile_inventory: top-level groups become children of `all`, hosts with no group go to `ungrouped`. */
export function reconcile(inv: AnsibleInventory): void {
  const parented = new Set<string>();
  for (const g of inv.groups.values()) for (const c of g.children) parented.add(c);
  for (const g of inv.groups.values()) if (g.name !== 'all' && !parented.has(g.name)) addChild(inv, 'all', g.name);
  const grouped = new Set<string>();
  for (const g of inv.groups.values()) if (g.name !== 'all' && g.name !== 'ungrouped') for (const h of g.hosts) grouped.add(h);
  const ungrouped = inv.groups.get('ungrouped')!;
  ungrouped.hosts = ungrouped.hosts.filter((h) => !grouped.has(h));
  for (const h of inv.hosts.keys()) if (!grouped.has(h) && !ungrouped.hosts.includes(h)) ungrouped.hosts.push(h);
}

/** Group.get_hosts(): its own hosts, then its descendants' level by level, each host once. */
export function groupHosts(inv: AnsibleInventory, name: string): string[] {
  const ordered: string[] = [];
  const seenGroups = new Set<string>([name]);
  let level = [name];
  while (level.length > 0) {
    const next: string[] = [];
    for (const g of level) {
      ordered.push(g);
      for (const c of inv.groups.get(g)?.children ?? []) {
        if (!seenGroups.has(c)) {
          seenGroups.add(c);
          next.push(c);
        }
      }
    }
    level = next;
  }
  const seen = new Set<string>();
  const hosts: string[] = [];
  for (const g of ordered) {
    for (const h of inv.groups.get(g)?.hosts ?? []) {
      if (!seen.has(h)) {
        seen.add(h);
        hosts.push(h);
      }
    }
  }
  return hosts;
}

/**
 * A host's vars as Ansible combines inventory vars: group vars of the inventory file (`all`
 * first, then its groups from the shallowest to the deepest, ties by name), then `group_vars/`
 * files in the same order, then the host's own vars, then `host_vars/`. Already merged when
 * read through ansible-inventory.
 */
export function hostVars(inv: AnsibleInventory, name: string): AnsibleVars {
  const host = inv.hosts.get(name);
  if (!host) return {};
  if (inv.merged) return host.vars;
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  const depthCache = new Map<string, number>();
  const depth = (g: string, stack: string[] = []): number => {
    if (depthCache.has(g)) return depthCache.get(g)!;
    if (stack.includes(g)) return 0;
    const d = Math.max(-1, ...(parents.get(g) ?? []).map((p) => depth(p, [...stack, g]))) + 1;
    depthCache.set(g, d);
    return d;
  };
  const mine = new Set<string>();
  const visit = (g: string) => {
    if (mine.has(g)) return;
    mine.add(g);
    for (const p of parents.get(g) ?? []) visit(p);
  };
  for (const g of inv.groups.values()) if (g.hosts.includes(name)) visit(g.name);
  visit('all');
  const order = [...mine].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  const out: AnsibleVars = {};
  for (const g of order) Object.assign(out, inv.groups.get(g)?.vars);
  for (const g of order) Object.assign(out, inv.groups.get(g)?.fileVars);
  return Object.assign(out, host.vars, host.fileVars);
}
