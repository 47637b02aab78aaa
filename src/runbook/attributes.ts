// Reads the attributes of a step's info string, Runme style: `{ id=x title="Two words" confirm }`
// or JSON `{"id":"x"}`. Returns attributes with offsets, and problems instead of throwing.

export interface RawAttribute {
  name: string;
  value: string;
  /** Offsets relative to the attribute text given to `readAttributes`. */
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
  /** Written without `=value` (a flag such as `confirm`). */
  flag: boolean;
}

export interface AttributeProblem {
  message: string;
  start: number;
  end: number;
}

/** Reads `{...}` (the info string after the language). Empty text means no attributes. */
export function readAttributes(text: string): { attributes: RawAttribute[]; problems: AttributeProblem[] } {
  const trimmedStart = text.length - text.trimStart().length;
  const body = text.trim();
  if (body === '') return { attributes: [], problems: [] };
  const end = trimmedStart + body.length;
  if (!body.startsWith('{')) {
    return {
      attributes: [],
      problems: [{ message: `"${body}" is not an attribute list: write attributes in braces, e.g. {id=conntrack timeout=10s}`, start: trimmedStart, end }],
    };
  }
  if (!body.endsWith('}')) {
    return { attributes: [], problems: [{ message: 'the attribute list has no closing "}": add one at the end of the line', start: trimmedStart, end }] };
  }
  const json = readJsonAttributes(text, trimmedStart, end);
  if (json) return { attributes: json, problems: [] };
  return readHtmlAttributes(text, trimmedStart + 1, end - 1);
}

// Runme tries JSON first: `{"id":"x","confirm":true}`. Values become strings.
function readJsonAttributes(text: string, start: number, end: number): RawAttribute[] | undefined {
  // Only JSON when a quoted key opens it; a failed JSON.parse per step is slow on big files.
  if (!/^\{\s*("|\})/.test(text.slice(start, end))) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const attributes: RawAttribute[] = [];
  let searchFrom = start;
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const at = text.indexOf(JSON.stringify(name), searchFrom);
    const keyStart = at >= 0 ? at : start;
    const colon = text.indexOf(':', keyStart);
    const valueStart = colon >= 0 ? colon + 1 + (text.slice(colon + 1).length - text.slice(colon + 1).trimStart().length) : keyStart;
    const rendered = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? '');
    const valueEnd = Math.min(end, valueStart + rendered.length);
    searchFrom = valueEnd;
    const asText = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    attributes.push({ name, value: asText, start: keyStart, end: valueEnd, valueStart, valueEnd, flag: false });
  }
  return attributes;
}

// `key=value key="quoted value" key='single' flag`, separated by spaces (commas belong to values: hosts=web-1,web-2).
function readHtmlAttributes(text: string, from: number, to: number): { attributes: RawAttribute[]; problems: AttributeProblem[] } {
  const attributes: RawAttribute[] = [];
  const problems: AttributeProblem[] = [];
  let i = from;
  const isSpace = (c: string) => c === ' ' || c === '\t';
  while (i < to) {
    while (i < to && isSpace(text[i])) i++;
    if (i >= to) break;
    const start = i;
    while (i < to && !isSpace(text[i]) && text[i] !== '=') i++;
    const name = text.slice(start, i);
    if (name === '' || !/^[A-Za-z_][\w.-]*$/.test(name)) {
      while (i < to && !isSpace(text[i])) i++;
      problems.push({ message: `"${text.slice(start, i)}" is not an attribute: write name=value or a bare flag`, start, end: i });
      continue;
    }
    if (text[i] !== '=') {
      attributes.push({ name, value: 'true', start, end: i, valueStart: start, valueEnd: i, flag: true });
      continue;
    }
    i++;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      const close = text.indexOf(quote, i + 1);
      if (close < 0 || close >= to) {
        problems.push({ message: `the value of "${name}" opens a ${quote} quote that is never closed: close it`, start, end: to });
        break;
      }
      attributes.push({ name, value: text.slice(i + 1, close), start, end: close + 1, valueStart: i + 1, valueEnd: close, flag: false });
      i = close + 1;
    } else {
      const valueStart = i;
      while (i < to && !isSpace(text[i])) i++;
      attributes.push({ name, value: text.slice(valueStart, i), start, end: i, valueStart, valueEnd: i, flag: false });
    }
  }
  return { attributes, problems };
}

/** `10s`, `2m`, `500ms`, `1h`, `1.5s` -> milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

export const STEP_ID_PATTERN = /^[a-z0-9][a-z0-9\-_.]*$/;

export const KNOWN_ATTRIBUTES = [
  'id',
  'title',
  'timeout',
  'confirm',
  'hosts',
  'shell',
  'roles',
  'compare',
  'ok-exit',
  'samples',
  'interval',
  'sudo',
  'canary',
  'batch',
  'max-hosts',
  'max-failures',
  'fetch',
  'fetch-max',
] as const;
