// Reads terminal output with ANSI escapes into plain text runs with colour class names.
// Host output is untrusted: only SGR styling survives, as classes from a fixed list; every other
// escape (OSC incl. OSC 8 links, DCS, cursor movement, clear screen) and control byte is dropped.

export interface StyledText {
  text: string;
  /** Class names, always from the fixed set `ansi-fg-0..15`, `ansi-bg-0..15`, `ansi-bold`, `ansi-dim`, `ansi-italic`, `ansi-underline`. */
  classes: string[];
}

interface Style {
  fg?: number;
  bg?: number;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const ESC = 0x1b;
const BEL = 0x07;
// C1 introducers, as they arrive in decoded text (U+0080..U+009F).
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_STRING_STARTS = new Set([0x90 /* DCS */, 0x98 /* SOS */, 0x9d /* OSC */, 0x9e /* PM */, 0x9f /* APC */]);
// ESC P/X/]/^/_ open a control string that runs to a terminator (DCS, SOS, OSC, PM, APC).
const STRING_STARTS = new Set(['P', 'X', ']', '^', '_'].map((c) => c.charCodeAt(0)));

/** xterm's default 16 colours, to map 256-colour and truecolour codes onto the nearest one. */
const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

export function parseAnsi(input: string): StyledText[] {
  const runs: StyledText[] = [];
  let style: Style = plain();
  let text = '';
  const flush = (): void => {
    if (text) runs.push({ text, classes: classesOf(style) });
    text = '';
  };
  let i = 0;
  while (i < input.length) {
    const code = input.charCodeAt(i);
    if (code === ESC || code === C1_CSI || C1_STRING_STARTS.has(code)) {
      const seq = readEscape(input, i);
      if (seq.sgr !== undefined) {
        flush();
        style = applySgr(style, seq.sgr);
      }
      i = seq.end;
      continue;
    }
    if (isDroppedControl(code)) {
      i++;
      continue;
    }
    text += input[i];
    i++;
  }
  flush();
  return runs;
}

/** C0 controls other than tab and newline, DEL, and the C1 range. */
function isDroppedControl(code: number): boolean {
  if (code === 0x09 || code === 0x0a) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

interface Escape {
  /** Index just after the sequence. */
  end: number;
  /** SGR parameters, when the sequence is `CSI ... m`. */
  sgr?: string;
}

function readEscape(input: string, start: number): Escape {
  const first = input.charCodeAt(start);
  if (first === C1_CSI) return readCsi(input, start + 1);
  if (C1_STRING_STARTS.has(first)) return { end: skipControlString(input, start + 1) };
  const next = input.charCodeAt(start + 1);
  if (Number.isNaN(next)) return { end: start + 1 };
  if (next === 0x5b /* [ */) return readCsi(input, start + 2);
  if (STRING_STARTS.has(next)) return { end: skipControlString(input, start + 2) };
  // nF/Fp/Fe/Fs escapes: intermediates 0x20-0x2F then one final byte 0x30-0x7E (e.g. ESC ( B, ESC 7, ESC c).
  let i = start + 1;
  while (i < input.length && input.charCodeAt(i) >= 0x20 && input.charCodeAt(i) <= 0x2f) i++;
  const final = input.charCodeAt(i);
  if (final >= 0x30 && final <= 0x7e) return { end: i + 1 };
  return { end: start + 1 };
}

/** CSI: parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E. Only `m` with plain numbers is kept. */
function readCsi(input: string, from: number): Escape {
  let i = from;
  while (i < input.length && input.charCodeAt(i) >= 0x30 && input.charCodeAt(i) <= 0x3f) i++;
  const params = input.slice(from, i);
  while (i < input.length && input.charCodeAt(i) >= 0x20 && input.charCodeAt(i) <= 0x2f) i++;
  const final = input.charCodeAt(i);
  if (!(final >= 0x40 && final <= 0x7e)) return { end: i }; // malformed: drop what we read, keep the rest as text
  const isSgr = final === 0x6d /* m */ && i === from + params.length && /^[0-9;:]*$/.test(params);
  return isSgr ? { end: i + 1, sgr: params } : { end: i + 1 };
}

/**
 * Skips a control string (OSC, DCS, ...) up to BEL, ESC \ or C1 ST. An unterminated one ends at the
 * next newline, so one broken sequence cannot swallow the rest of the output.
 */
function skipControlString(input: string, from: number): number {
  for (let i = from; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === BEL || code === C1_ST) return i + 1;
    if (code === ESC && input[i + 1] === '\\') return i + 2;
    if (code === 0x0a) return i;
  }
  return input.length;
}

function plain(): Style {
  return { bold: false, dim: false, italic: false, underline: false };
}

function applySgr(current: Style, params: string): Style {
  const style = { ...current };
  const groups = (params === '' ? '0' : params).split(';');
  for (let k = 0; k < groups.length; k++) {
    // Colon sub-parameters keep a colour inside one group: 38:5:n, 38:2::r:g:b (or 38:2:r:g:b).
    const parts = groups[k].split(':').map(toNumber);
    const c = parts[0];
    if (c === 38 || c === 48) {
      let colour: number | undefined;
      if (parts.length > 1) {
        colour = parts[1] === 5 ? colour256(parts[2]) : parts[1] === 2 ? colourRgb(parts.length >= 6 ? parts.slice(3, 6) : parts.slice(2, 5)) : undefined;
      } else {
        const mode = toNumber(groups[k + 1] ?? '');
        if (mode === 5) {
          colour = colour256(toNumber(groups[k + 2] ?? ''));
          k += 2;
        } else if (mode === 2) {
          colour = colourRgb(groups.slice(k + 2, k + 5).map(toNumber));
          k += 4;
        }
      }
      if (c === 38) style.fg = colour;
      else style.bg = colour;
    } else {
      applyCode(style, c);
    }
  }
  return style;
}

function toNumber(text: string): number {
  return text === '' ? 0 : Number(text);
}

function applyCode(style: Style, c: number): void {
  if (c === 0) Object.assign(style, plain(), { fg: undefined, bg: undefined });
  else if (c === 1) style.bold = true;
  else if (c === 2) style.dim = true;
  else if (c === 3) style.italic = true;
  else if (c === 4) style.underline = true;
  else if (c === 22) style.bold = style.dim = false;
  else if (c === 23) style.italic = false;
  else if (c === 24) style.underline = false;
  else if (c >= 30 && c <= 37) style.fg = c - 30;
  else if (c >= 90 && c <= 97) style.fg = c - 90 + 8;
  else if (c === 39) style.fg = undefined;
  else if (c >= 40 && c <= 47) style.bg = c - 40;
  else if (c >= 100 && c <= 107) style.bg = c - 100 + 8;
  else if (c === 49) style.bg = undefined;
  // Anything else (blink, inverse, fonts, ...) is ignored.
}

/** A 256-colour index mapped to the nearest of the 16; undefined (dropped) if out of range. */
function colour256(n: number | undefined): number | undefined {
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 255) return undefined;
  return n < 16 ? n : nearest(xterm256(n));
}

/** A truecolour mapped to the nearest of the 16; undefined (dropped) if malformed. */
function colourRgb(rgb: number[]): number | undefined {
  if (rgb.length !== 3 || rgb.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) return undefined;
  return nearest([rgb[0], rgb[1], rgb[2]]);
}

function xterm256(n: number): [number, number, number] {
  if (n < 16) return [...PALETTE[n]];
  if (n >= 232) {
    const grey = 8 + (n - 232) * 10;
    return [grey, grey, grey];
  }
  const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
  const i = n - 16;
  return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
}

function nearest([r, g, b]: [number, number, number]): number {
  let best = 0;
  let bestDistance = Infinity;
  PALETTE.forEach(([pr, pg, pb], index) => {
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = index;
    }
  });
  return best;
}

function classesOf(style: Style): string[] {
  const classes: string[] = [];
  if (style.fg !== undefined) classes.push(`ansi-fg-${style.fg}`);
  if (style.bg !== undefined) classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return classes;
}
