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
    let members = memberSets.get(g);
    if (!members) memberSets.set(g, (members = new Set(g.hosts)));
    if (!members.has(name)) {
      members.add(name);
      g.hosts.push(name);
    }
  }
  return host;
}

/** Membership per group, so adding 10,000 hosts to one group is not 10,000 scans of its list. */
const memberSets = new WeakMap<AnsibleGroup, Set<string>>();

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
  const already = new Set(ungrouped.hosts);
  for (const h of inv.hosts.keys()) if (!grouped.has(h) && !already.has(h)) ungrouped.hosts.push(h);
  memberSets.delete(ungrouped);
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
  const { order } = varsIndex(inv);
  const mine = new Set<string>();
  const visit = (g: string) => {
    if (mine.has(g)) return;
    mine.add(g);
    for (const p of varsIndex(inv).parents.get(g) ?? []) visit(p);
  };
  for (const g of varsIndex(inv).groupsOf.get(name) ?? []) visit(g);
  visit('all');
  const out: AnsibleVars = {};
  const mineOrdered = order.filter((g) => mine.has(g));
  for (const g of mineOrdered) Object.assign(out, inv.groups.get(g)?.vars);
  for (const g of mineOrdered) Object.assign(out, inv.groups.get(g)?.fileVars);
  return Object.assign(out, host.vars, host.fileVars);
}

interface VarsIndex {
  parents: Map<string, string[]>;
  /** Host -> the groups it is a direct member of. */
  groupsOf: Map<string, string[]>;
  /** Every group from the shallowest to the deepest, ties by name: the order vars are applied in. */
  order: string[];
}

/** Built once per inventory, so vars for 10,000 hosts cost 10,000 lookups, not 10,000 scans. */
const indexes = new WeakMap<AnsibleInventory, VarsIndex>();

function varsIndex(inv: AnsibleInventory): VarsIndex {
  let index = indexes.get(inv);
  if (index) return index;
  const parents = new Map<string, string[]>();
  const groupsOf = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
    for (const h of g.hosts) groupsOf.set(h, [...(groupsOf.get(h) ?? []), g.name]);
  }
  const depthCache = new Map<string, number>();
  const depth = (g: string, stack: string[] = []): number => {
    if (depthCache.has(g)) return depthCache.get(g)!;
    if (stack.includes(g)) return 0;
    const d = Math.max(-1, ...(parents.get(g) ?? []).map((p) => depth(p, [...stack, g]))) + 1;
    depthCache.set(g, d);
    return d;
  };
  const order = [...inv.groups.keys()].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  index = { parents, groupsOf, order };
  indexes.set(inv, index);
  return index;
}
