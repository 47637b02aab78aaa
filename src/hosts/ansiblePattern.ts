// Ansible host patterns (`web:&prod:!web-3`, `web[0:9]`, `~regex`, globs, `all`), evaluated as
// ansible/inventory/manager.py does, over any set of groups and hosts.

import { parseAddress } from './ansibleRange';

export interface PatternUniverse {
  /** Group -> its hosts (own first, then descendants), groups in inventory order; includes `all`. */
  groupHosts(name: string): string[];
  groupNames: string[];
  /** Every host name, in inventory order. */
  hostNames: string[];
  hasHost(name: string): boolean;
}

export class PatternError extends Error {}

/** split_host_pattern(): commas, else one address-like pattern, else `:`-separated parts. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** True when `text` is more than a plain name: something only a pattern evaluation can answer. */
export function looksLikePattern(text: string): boolean {
  return /[:,&!~*?[\]]/.test(text);
}

/** The hosts `pattern` selects, in Ansible's order, each once. Throws PatternError for a bad regex or subscript. */
export function evaluatePattern(pattern: string, universe: PatternUniverse): string[] {
  const parts = splitHostPattern(pattern);
  const regular = parts.filter((p) => p[0] !== '!' && p[0] !== '&');
  const ordered = [...(regular.length > 0 ? regular : ['all']), ...parts.filter((p) => p[0] === '&'), ...parts.filter((p) => p[0] === '!')];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (universe.hasHost(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const that = matchOne(p, universe);
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of that) {
        if (!have.has(h)) {
          have.add(h);
          hosts.push(h);
        }
      }
    }
  }
  return hosts;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function matchOne(raw: string, universe: PatternUniverse): string[] {
  const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
  if (pattern === '') return [];
  let expr = pattern;
  let subscript: [number, number | undefined] | undefined;
  const m = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
  if (m) {
    expr = m[1];
    subscript = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] === '' ? -1 : Number(m[5])];
  }
  const hosts = enumerate(expr, universe);
  if (hosts.length === 0 || !subscript) return hosts;
  const [start, end] = subscript;
  // Python slicing and indexing, including its quirk that `[x:0]` means the single host x.
  if (end) {
    const stop = end === -1 ? hosts.length - 1 : end;
    return pySlice(hosts, start, stop + 1);
  }
  const at = start < 0 ? hosts.length + start : start;
  if (at < 0 || at >= hosts.length) throw new PatternError(`No hosts matched the subscripted pattern '${pattern}' (it selects ${hosts.length} hosts)`);
  return [hosts[at]];
}

function pySlice<T>(items: T[], start: number, stop: number): T[] {
  const n = items.length;
  const s = start < 0 ? Math.max(0, n + start) : Math.min(start, n);
  const e = stop < 0 ? Math.max(0, n + stop) : Math.min(stop, n);
  return items.slice(s, Math.max(s, e));
}

function enumerate(pattern: string, universe: PatternUniverse): string[] {
  const re = compile(pattern);
  const results: string[] = [];
  const groups = universe.groupNames.filter((g) => re.test(g));
  for (const g of groups) results.push(...universe.groupHosts(g));
  if (groups.length === 0 || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
    for (const h of universe.hostNames) if (re.test(h)) results.push(h);
  }
  return [...new Set(results)];
}

/** fnmatch.translate for globs; `~` is a Python `re.match` (anchored at the start only). */
function compile(pattern: string): RegExp {
  try {
    if (pattern[0] === '~') return new RegExp(`^(?:${pattern.slice(1)})`, 's');
    return new RegExp(`^(?:${globToRegex(pattern)})$`, 's');
  } catch (error) {
    throw new PatternError(`Invalid host pattern '${pattern}': ${(error as Error).message}`);
  }
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body[0] === '!') body = `^${body.slice(1)}`;
      else if (body[0] === '^') body = `\\${body}`;
      out += `[${body}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}
