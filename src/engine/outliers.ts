// Hosts that stand out in a group run: a numeric value far from the group's median, or findings
// that most hosts do not have. The evidence that sat on two machines out of twenty.

export interface HostValues {
  host: string;
  /** Flattened numeric values, e.g. `states.TIME_WAIT` -> 4500. */
  numbers: Map<string, number>;
  /** Severities+messages of the host's findings, as a comparable signature. */
  findingSignature: string;
}

export interface Outlier {
  host: string;
  /** The value names (or `findings`) on which this host stands out. */
  reasons: string[];
}

/**
 * A value is an outlier when it is further from the median than both 3 median absolute
 * deviations and half the median (plus a small floor, so 0 vs 3 is not "strong").
 */
export function findOutliers(hosts: HostValues[], minimumGroup = 3): Outlier[] {
  if (hosts.length < minimumGroup) return [];
  const names = new Set<string>();
  for (const h of hosts) for (const name of h.numbers.keys()) names.add(name);

  const reasons = new Map<string, string[]>();
  const add = (host: string, reason: string) => reasons.set(host, [...(reasons.get(host) ?? []), reason]);

  for (const name of names) {
    const present = hosts.filter((h) => h.numbers.has(name) && Number.isFinite(h.numbers.get(name)));
    if (present.length < minimumGroup) continue;
    const values = present.map((h) => h.numbers.get(name) as number);
    const med = median(values);
    const mad = median(values.map((v) => Math.abs(v - med)));
    const threshold = Math.max(3 * mad, 0.5 * Math.abs(med), 10);
    for (const h of present) {
      if (Math.abs((h.numbers.get(name) as number) - med) > threshold) add(h.host, name);
    }
  }

  const signatures = new Map<string, number>();
  for (const h of hosts) signatures.set(h.findingSignature, (signatures.get(h.findingSignature) ?? 0) + 1);
  const [common] = [...signatures.entries()].sort((a, b) => b[1] - a[1])[0] ?? [''];
  for (const h of hosts) if (h.findingSignature !== common && (signatures.get(h.findingSignature) ?? 0) * 2 < hosts.length) add(h.host, 'findings');

  return [...reasons.entries()].map(([host, why]) => ({ host, reasons: why }));
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Flattens nested numeric values to dotted names: `{states: {TIME_WAIT: 5}}` -> `states.TIME_WAIT`. */
export function numericValues(values: Record<string, unknown>, prefix = '', out = new Map<string, number>(), depth = 0): Map<string, number> {
  if (depth > 3) return out;
  for (const [name, value] of Object.entries(values)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'number' && Number.isFinite(value)) out.set(key, value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) numericValues(value as Record<string, unknown>, key, out, depth + 1);
  }
  return out;
}
