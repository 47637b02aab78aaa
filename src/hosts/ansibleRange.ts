// Ansible's host ranges in inventories (`web[01:20].example.com`, `db-[a:f]`, `[1:10:2]`) and
// its address check (parse_address with ranges), written after ansible/plugins/inventory/__init__.py.

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** expand_hostname_range(): every name a range pattern stands for, ranges expanded left to right. */
export function expandHostRange(line: string): string[] {
  if (!line.includes('[')) return [line];
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (close < 0) throw new Error(`host range "${line}" has no closing ]`);
  const head = line.slice(0, open);
  const bounds = line.slice(open + 1, close).split(':');
  const tail = line.slice(close + 1);
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error(`host range "${line}" must be [begin:end] or [begin:end:step]`);
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (end === '') throw new Error(`host range "${line}" must give an end value`);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`host range "${line}" has a bad step "${bounds[2]}"`);
  let fill = (x: string | number) => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new Error(`host range "${line}" must have begin and end of the same length (${beg}, ${end})`);
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq: Array<string | number> = [];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new Error(`host range "${line}" must have begin <= end`);
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new Error(`host range "${line}" must be numbers or single letters`);
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(i);
  }
  return seq.flatMap((x) => expandHostRange(head + fill(x) + tail));
}

const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:\w|${RANGE})(?:[\w-]|${RANGE})*(?<![_-])`;
const HOSTNAME = new RegExp(String.raw`^(${LABEL}(?:\.${LABEL})*)(?::(\d+))?$`);
const BRACKETED = /^\[([^\]]+)\](?::(\d+))?$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*(%\w+)?$/;

/** parse_address(allow_ranges=True): the host part and port of `name`, `name:port`, `[v6]:port`; undefined when it is none of those. */
export function parseAddress(text: string): { host: string; port?: number } | undefined {
  const b = BRACKETED.exec(text);
  if (b && (IPV6.test(b[1]) || HOSTNAME.test(b[1]))) return { host: b[1], port: b[2] ? Number(b[2]) : undefined };
  const h = HOSTNAME.exec(text);
  if (h) return { host: h[1], port: h[2] ? Number(h[2]) : undefined };
  if (IPV6.test(text)) return { host: text };
  return undefined;
}
