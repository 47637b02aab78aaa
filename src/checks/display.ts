// Which of a step's values to show a person: parsers like `kv` expose each key both at the top and
// in a map (for keys that are not identifiers); showing both doubles every line.

/** The values without the maps whose every entry is also a top-level value with the same value. */
export function valuesToShow(values: Record<string, unknown>): [string, unknown][] {
  return Object.entries(values).filter(([, value]) => !echoesTopLevel(value, values));
}

function echoesTopLevel(value: unknown, top: Record<string, unknown>): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length > 0 && entries.every(([k, v]) => top[k] === v);
}

/** `78.75691899999993` -> `79 ms`, `1234` -> `1.23 s`, `187000` -> `3 min 7 s`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
