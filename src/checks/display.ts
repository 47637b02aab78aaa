// How a step's values are shown to a person, the same in the CLI, the notebook and the postmortem:
// scalars as numbers and words, maps as counts with their top entries, socket rows as a small
// table (peer, state, count). Never JSON, never a placeholder.
import { canonicalState } from './tcpStates';
import type { CheckOutcome } from './spec';

/** One value, ready to print: `text` always; `table` for socket rows, which a front may draw as a table. */
export interface ValueLine {
  /** `states`, `rate.states`, `maxPeer`. */
  name: string;
  text: string;
  table?: ValueTable;
}

export interface ValueTable {
  columns: string[];
  rows: string[][];
  /** Groups not shown (beyond `top`). */
  more: number;
}

export interface DisplayOptions {
  /** Entries shown of a map or a socket table (default 5). */
  top?: number;
  /** Lines at most (default 40). */
  maxLines?: number;
  /** Also show empty lists and maps whose counts are all 0 (hidden by default: they say nothing during an incident). */
  all?: boolean;
}

/** The values without the maps whose every entry is also a top-level value with the same value. */
export function valuesToShow(values: Record<string, unknown>): [string, unknown][] {
  return Object.entries(values).filter(([, value]) => !echoesTopLevel(value, values));
}

function echoesTopLevel(value: unknown, top: Record<string, unknown>): boolean {
  if (!isRecord(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([k, v]) => top[k] === v);
}

/**
 * Every value a person should see, one line each. Plain objects of objects (`delta`, `rate`) are
 * opened one level (`rate.states`), rates get `/s`; lists of socket rows become a table.
 */
export function displayValues(values: Record<string, unknown>, options: DisplayOptions = {}): ValueLine[] {
  const top = options.top ?? 5;
  const maxLines = options.maxLines ?? 40;
  const out: ValueLine[] = [];
  const visit = (name: string, value: unknown, depth: number, unit: string): void => {
    if (out.length >= maxLines || value === undefined) return;
    if (!options.all && isEmpty(value)) return;
    if (Array.isArray(value) && value.length > 0 && value.every(isSocketRow)) {
      const table = socketTable(value, top);
      out.push({ name, text: `${value.length} socket${value.length === 1 ? '' : 's'}; ${tableText(table)}`, table });
      return;
    }
    if (isRecord(value) && depth < 2 && Object.values(value).some(isRecord) && !isCountMap(value)) {
      for (const [key, inner] of Object.entries(value)) visit(`${name}.${key}`, inner, depth + 1, unit);
      return;
    }
    out.push({ name, text: summarizeValue(value, { top, unit }) });
  };
  for (const [name, value] of valuesToShow(values)) visit(name, value, 0, name === 'rate' ? '/s' : '');
  return out;
}

/** `67549`, `123,456,789`, `0.67`, `unlimited`: numbers as a reader wants them. */
export function formatNumber(v: number): string {
  if (v === Infinity) return 'unlimited';
  if (v === -Infinity) return '-unlimited';
  if (Number.isNaN(v)) return 'not a number';
  if (Number.isInteger(v)) return Math.abs(v) >= 1_000_000 ? v.toLocaleString('en-US') : String(v);
  return String(Math.round(v * 100) / 100);
}

/**
 * Any value as a short line of words: scalars as they are, a map of counts as its largest entries
 * (`TIME_WAIT 4500, ESTABLISHED 12 (9 others 0)`), a list as its count and first entries, socket rows
 * as their busiest (peer, state) groups. `unit` follows each number (`/s` for rates).
 */
export function summarizeValue(v: unknown, options: { top?: number; unit?: string } = {}): string {
  const top = options.top ?? 5;
  const unit = options.unit ?? '';
  if (v === undefined) return 'unknown';
  if (v === null) return 'none';
  if (typeof v === 'number') return `${formatNumber(v)}${unit}`;
  if (typeof v === 'string') return visible(v.length > 120 ? `${v.slice(0, 119)}…` : v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return listText(v, top, unit);
  if (isRecord(v)) return isCountMap(v) ? countsText(v, top, unit) : fieldsText(v, top, unit);
  return visible(String(v));
}

function listText(list: unknown[], top: number, unit: string): string {
  if (list.length === 0) return 'none';
  if (list.every(isSocketRow)) return `${list.length} sockets; ${tableText(socketTable(list, top))}`;
  // Records read `local 127.0.0.1:18082, recvQ 5, backlog 4`, one after the other with `;`.
  const records = list.some(isRecord);
  const shown = list.slice(0, top).map((item) => (isRecord(item) ? fieldsText(item, 4, unit) : summarizeValue(item, { top, unit })));
  const joined = shown.join(records ? '; ' : ', ');
  return list.length > top ? `${list.length} in all: ${joined}${records ? ';' : ','} …` : joined;
}

function isEmpty(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (!isRecord(v)) return false;
  const values = Object.values(v);
  return values.length === 0 || (isCountMap(v) && values.every((n) => n === 0));
}

/** A map whose values are all numbers (`states`, `byPeer`, `delta.states`). */
function isCountMap(v: Record<string, unknown>): boolean {
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => typeof x === 'number');
}

function countsText(map: Record<string, unknown>, top: number, unit: string): string {
  const entries = Object.entries(map as Record<string, number>);
  const nonZero = entries.filter(([, n]) => n !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  if (nonZero.length === 0) return `all ${entries.length} are 0`;
  const shown = nonZero.slice(0, top).map(([k, n]) => `${visible(k)} ${formatNumber(n)}${unit}`);
  const rest = nonZero.length - shown.length;
  const zeros = entries.length - nonZero.length;
  const tail = [rest > 0 ? `${rest} more` : '', zeros > 0 ? `${zeros} others 0` : ''].filter(Boolean).join(', ');
  return tail ? `${shown.join(', ')} (${tail})` : shown.join(', ');
}

/** `{address: "10.0.0.5", count: 300}` -> `address 10.0.0.5, count 300`. */
function fieldsText(obj: Record<string, unknown>, top: number, unit: string): string {
  const entries = Object.entries(obj).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return 'none';
  const shown = entries.slice(0, top).map(([k, x]) => {
    const inner = Array.isArray(x)
      ? x.length > 0 && x.length <= 2 && x.every(isRecord)
        ? x.map((item) => `(${fieldsText(item, 4, unit)})`).join(', ')
        : `${x.length} entries`
      : isRecord(x)
        ? isCountMap(x)
          ? countsText(x, 3, unit)
          : `${Object.keys(x).length} entries`
        : summarizeValue(x, { unit });
    return `${visible(k)} ${inner}`;
  });
  return entries.length > top ? `${shown.join(', ')}, … (${entries.length} fields)` : shown.join(', ');
}

interface SocketLike {
  state: string;
  peerAddress: string;
  peerPort?: string;
}

function isSocketRow(v: unknown): v is SocketLike {
  return isRecord(v) && typeof v.state === 'string' && typeof v.peerAddress === 'string';
}

/** Socket rows grouped by (peer address, state), busiest first: what an on-call engineer scans for. */
export function socketTable(rows: unknown[], top = 5): ValueTable {
  const groups = new Map<string, { peer: string; state: string; count: number }>();
  for (const row of rows) {
    if (!isSocketRow(row)) continue;
    const state = canonicalState(row.state) ?? row.state;
    const peer = state === 'LISTEN' || row.peerPort === '*' ? '(listening)' : row.peerAddress;
    const key = `${peer}\u0000${state}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { peer, state, count: 1 });
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  return {
    columns: ['peer', 'state', 'count'],
    rows: sorted.slice(0, top).map((g) => [visible(g.peer), visible(g.state), String(g.count)]),
    more: Math.max(0, sorted.length - top),
  };
}

function tableText(table: ValueTable): string {
  const shown = table.rows.map(([peer, state, count]) => `${peer} ${state} ${count}`).join(', ');
  return table.more > 0 ? `${shown} (${table.more} more groups)` : shown;
}

/** Control characters from host output shown as their visible symbols (␛ for ESC), never interpreted. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The evidence of a check in one line, the same in every front: `2 findings`, `nothing found`, or
 * `inconclusive: <reason>. What to do: <hint>`.
 */
export function evidenceText(outcome: Pick<CheckOutcome, 'findings' | 'evidence' | 'inconclusive'>): string {
  const evidence = outcome.evidence ?? (outcome.findings.length > 0 ? 'findings' : 'nothing-found');
  if (evidence === 'inconclusive') {
    const reason = outcome.inconclusive?.reason ?? 'the output could not answer the rules';
    return `inconclusive: ${reason}${outcome.inconclusive?.hint ? `. What to do: ${outcome.inconclusive.hint}` : ''}`;
  }
  if (evidence === 'findings') return `${outcome.findings.length} finding${outcome.findings.length === 1 ? '' : 's'}`;
  return 'nothing found';
}

/** `78.75691899999993` -> `79 ms`, `1234` -> `1.23 s`, `187000` -> `3 min 7 s`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
